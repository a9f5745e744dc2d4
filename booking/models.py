from datetime import timedelta

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from practice.models import TeamMember


class Weekday(models.IntegerChoices):
    # ISO numbers, as Practice.open_days stores them.
    MONDAY = 1, _("Monday")
    TUESDAY = 2, _("Tuesday")
    WEDNESDAY = 3, _("Wednesday")
    THURSDAY = 4, _("Thursday")
    FRIDAY = 5, _("Friday")
    SATURDAY = 6, _("Saturday")
    SUNDAY = 7, _("Sunday")


class VisitTypeQuerySet(models.QuerySet):
    def offered(self):
        return self.filter(active=True, clinicians__isnull=False).distinct()


class VisitType(models.Model):
    """A kind of visit a patient can book, such as a new consultation in person or by video."""

    name = models.CharField(
        _("name"), max_length=120, help_text=_("As patients read it, e.g. New consultation, in person.")
    )
    minutes = models.PositiveSmallIntegerField(
        _("length in minutes"), validators=[MinValueValidator(10), MaxValueValidator(240)]
    )
    by_video = models.BooleanField(_("by video"), default=False)
    instructions = models.TextField(
        _("what the patient is told"),
        blank=True,
        help_text=_(
            "Where to come, or how the video call works. Sent in the confirmation and reminders: "
            "never anything about the patient's health."
        ),
    )
    clinicians = models.ManyToManyField(
        TeamMember,
        verbose_name=_("seen by"),
        related_name="visit_types",
        blank=True,
        help_text=_("The team members who see this kind of visit. Each needs weekly hours."),
    )
    notice_hours = models.PositiveSmallIntegerField(
        _("minimum notice in hours"),
        default=24,
        help_text=_("A time closer than this is not offered, so staff can prepare."),
    )
    horizon_days = models.PositiveSmallIntegerField(
        _("booking horizon in days"),
        default=60,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text=_("Times further ahead than this are not offered."),
    )
    active = models.BooleanField(_("offered to patients"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=100)

    objects = VisitTypeQuerySet.as_manager()

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("visit type")
        verbose_name_plural = _("visit types")
        constraints = [
            models.CheckConstraint(condition=Q(minutes__gte=10, minutes__lte=240), name="visit_length_in_range"),
        ]

    def __str__(self):
        return self.name

    @property
    def length(self):
        return timedelta(minutes=self.minutes)


class WeeklyHours(models.Model):
    """A session a team member holds every week, in the practice's time zone (TIME_ZONE)."""

    team_member = models.ForeignKey(TeamMember, on_delete=models.CASCADE, related_name="weekly_hours")
    weekday = models.PositiveSmallIntegerField(_("day"), choices=Weekday.choices)
    starts = models.TimeField(_("from"))
    ends = models.TimeField(_("until"))

    class Meta:
        ordering = ["team_member", "weekday", "starts"]
        verbose_name = _("weekly hours")
        verbose_name_plural = _("weekly hours")
        constraints = [
            models.CheckConstraint(condition=Q(ends__gt=F("starts")), name="weekly_hours_end_after_start"),
            models.CheckConstraint(condition=Q(weekday__gte=1, weekday__lte=7), name="weekly_hours_weekday_iso"),
        ]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.starts:%H:%M}-{self.ends:%H:%M}"


class HoursChange(models.Model):
    """An exception to a team member's weekly hours: time off, or an extra session."""

    team_member = models.ForeignKey(TeamMember, on_delete=models.CASCADE, related_name="hours_changes")
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("until"))
    available = models.BooleanField(
        _("extra session"),
        default=False,
        help_text=_("Tick for extra hours the team member will see patients; leave unticked for time off."),
    )
    note = models.CharField(_("note"), max_length=120, blank=True, help_text=_("Seen by staff only."))

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("change to weekly hours")
        verbose_name_plural = _("changes to weekly hours (time off, extra sessions)")
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="hours_change_end_after_start"),
        ]

    def __str__(self):
        kind = _("Extra session") if self.available else _("Time off")
        return f"{kind}: {timezone.localtime(self.starts_at):%Y-%m-%d %H:%M}"


class BookingStatus(models.TextChoices):
    BOOKED = "booked", _("Booked")
    CONFIRMED = "confirmed", _("Confirmed")
    ARRIVED = "arrived", _("Arrived")
    NO_SHOW = "no_show", _("Did not come")
    CANCELLED_BY_PATIENT = "cancelled_patient", _("Cancelled by the patient")
    CANCELLED_BY_PRACTICE = "cancelled_practice", _("Cancelled by the practice")


# A booking in one of these holds its time: no other booking of that team member may overlap it.
HOLDING = (BookingStatus.BOOKED, BookingStatus.CONFIRMED, BookingStatus.ARRIVED, BookingStatus.NO_SHOW)


class BookingQuerySet(models.QuerySet):
    def holding(self):
        return self.filter(status__in=HOLDING)

    def overlapping(self, starts_at, ends_at):
        return self.filter(starts_at__lt=ends_at, ends_at__gt=starts_at)


class Booking(models.Model):
    """A visit at a time with a team member.

    No two holding bookings of one team member overlap: PostgreSQL refuses them with an exclusion
    constraint (booking/migrations/0002_no_double_booking.py), so two patients racing for one time
    can never both get it, whatever the application checks before.
    """

    team_member = models.ForeignKey(
        TeamMember, verbose_name=_("with"), on_delete=models.PROTECT, related_name="bookings"
    )
    visit_type = models.ForeignKey(
        VisitType, verbose_name=_("visit type"), on_delete=models.PROTECT, related_name="bookings"
    )
    starts_at = models.DateTimeField(_("starts"), db_index=True)
    ends_at = models.DateTimeField(_("ends"))
    status = models.CharField(_("status"), max_length=20, choices=BookingStatus.choices, default=BookingStatus.BOOKED)
    # Moves on with every change of time or status: calendar apps replace an invitation with a
    # higher SEQUENCE, and a link in an older e-mail stops working (booking.links).
    sequence = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(_("booked at"), default=timezone.now, editable=False)
    changed_at = models.DateTimeField(_("last changed"), auto_now=True)

    objects = BookingQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="booking_end_after_start"),
        ]

    def __str__(self):
        return f"{timezone.localtime(self.starts_at):%Y-%m-%d %H:%M} {self.team_member}"

    @property
    def holds_its_time(self):
        return self.status in HOLDING
