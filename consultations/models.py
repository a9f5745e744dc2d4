import logging
import uuid
from contextlib import nullcontext

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, models, transaction
from django.db.models import Q, Value
from django.db.models.functions import Coalesce, Lower
from django.db.models.sql import Query
from django.db.models.sql.constants import SINGLE
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from booking.models import Booking, VisitType
from consultations import phones
from consultations.choices import (
    NO_MAIL_STATUSES,
    Bother,
    ContactMethod,
    ForWhom,
    HeardFrom,
    Onset,
    PatientType,
    Pose,
    Status,
    TimeOfDay,
)
from consultations.storage import photo_storage
from practice.models import TeamMember

logger = logging.getLogger(__name__)

# "My child" is for children; an adult son or daughter is "someone I care for".
CHILD_AGE_MAX = 17


class ConsultationRequestQuerySet(models.QuerySet):
    def overdue(self, now=None):
        """Requests whose staff notice should have gone out by now, and still may."""
        now = now or timezone.now()
        return self.filter(
            created_at__lte=now - timezone.timedelta(seconds=settings.CLINIC_NOTICE_OVERDUE_SECONDS),
            pk__in=Delivery.objects.pending().filter(kind=Delivery.Kind.STAFF_NOTICE).values("request"),
        )

    def with_failed_mail(self):
        return self.filter(deliveries__failed_at__isnull=False).distinct()


def validate_check_constraints_at_once(instance, exclude=None, using=DEFAULT_DB_ALIAS):
    """Model.validate_constraints, with every CheckConstraint asked of the database in one query.

    Django checks each constraint with a query of its own (Q.check), in a savepoint of its own: 13
    checks made 33 statements for every request a patient sent. One SELECT with one column per
    condition gives the same answers. Errors are collected as Django collects them (by field where
    the message belongs to one, else for the whole form); constraints on excluded fields are
    skipped, as Django skips them. Other kinds of constraint are validated by Django, one by one.
    """
    model = type(instance)
    errors = {}
    checks = []
    for constraint in model._meta.constraints:
        if not isinstance(constraint, models.CheckConstraint):
            try:
                constraint.validate(model, instance, exclude=exclude, using=using)
            except ValidationError as error:
                errors = error.update_error_dict(errors)
        # Django's own test for "refers to an excluded field" (CheckConstraint.validate uses it too).
        elif not (exclude and constraint._expression_refs_exclude(model, constraint.condition, exclude)):
            checks.append(constraint)
    if checks:
        query = Query(None)
        for name, value in instance._get_field_expression_map(meta=model._meta, exclude=exclude).items():
            query.add_annotation(value if hasattr(value, "resolve_expression") else Value(value), name, select=False)
        for number, constraint in enumerate(checks):
            # A check constraint passes when its condition is unknown (NULL), as in the database itself.
            passes = Coalesce(constraint.condition, True, output_field=models.BooleanField())
            query.add_annotation(passes, f"check_{number}")
        try:
            with transaction.atomic(using=using) if connections[using].in_atomic_block else nullcontext():
                passed = query.get_compiler(using=using).execute_sql(SINGLE)
        except DatabaseError:
            # As Q.check: a condition the database cannot evaluate here is left to the database's own check.
            logger.warning("Could not check the constraints of %s in one query", model.__name__, exc_info=True)
            passed = [True] * len(checks)
        for constraint, ok in zip(checks, passed, strict=True):
            if not ok:
                error = ValidationError(constraint.get_violation_error_message(), code=constraint.violation_error_code)
                errors = error.update_error_dict(errors)
    if errors:
        raise ValidationError(errors)


def _choices_check(field, choices, blank=False):
    allowed = [*choices.values, ""] if blank else choices.values
    return models.CheckConstraint(condition=Q(**{f"{field}__in": allowed}), name=f"consultation_{field}_valid")


def validate_bothers(value):
    """A list of known answers to "what bothers you most" (a JSON list, so the database cannot check it)."""
    if not isinstance(value, list) or not set(value) <= set(Bother.values):
        raise ValidationError(_("Choose only from the answers shown."), code="invalid_bothers")


class ConsultationRequest(models.Model):
    reference = models.CharField(_("reference"), max_length=12, unique=True, editable=False)
    created_at = models.DateTimeField(_("received"), default=timezone.now, editable=False, db_index=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)
    # Set by every staff change (form or action); the retention period runs from here (retention.py).
    staff_changed_at = models.DateTimeField(_("last changed by staff"), null=True, blank=True, editable=False)
    status = models.CharField(_("status"), max_length=20, choices=Status, default=Status.NEW)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned to"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Counted by the one-click outcomes (consultations/outcomes.py): how often the desk tried to reach them.
    contact_attempts = models.PositiveSmallIntegerField(_("contact attempts"), default=0, editable=False)

    # What the patient sent.
    name = models.CharField(_("name"), max_length=150)
    email = models.EmailField(_("e-mail"), max_length=254, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True, help_text=_("International format."))
    preferred_contact = models.CharField(_("preferred contact"), max_length=10, choices=ContactMethod)
    # Asked only for a call or a text message: blank when the patient chose e-mail.
    best_time = models.CharField(_("best time of day"), max_length=10, choices=TimeOfDay, blank=True)
    for_whom = models.CharField(
        _("who is this for"),
        max_length=10,
        choices=ForWhom,
        blank=True,
        help_text=_("Blank on requests sent before the form asked."),
    )
    # Asked only when the request is for the patient's child (blank otherwise, and on older requests).
    child_first_name = models.CharField(_("child's first name"), max_length=100, blank=True)
    child_age = models.PositiveSmallIntegerField(
        _("child's age"), null=True, blank=True, help_text=_("In years; 0 for a baby under one year old.")
    )
    bothers = models.JSONField(
        _("what bothers you most"),
        default=list,
        blank=True,
        validators=[validate_bothers],
        help_text=_("The patient's answers, in the order the form lists them."),
    )
    # Slugs and titles are copied, not linked: a request outlives any page being renamed or unpublished.
    concern = models.CharField(
        _("concern"),
        max_length=100,
        blank=True,
        help_text=_("The condition page's slug; blank if the patient named none (not-sure on older requests)."),
    )
    concern_title = models.CharField(_("concern as shown"), max_length=200, blank=True)
    onset = models.CharField(_("symptoms started"), max_length=10, choices=Onset)
    treatments_of_interest = models.JSONField(_("treatments of interest"), default=list, blank=True)
    patient_type = models.CharField(_("new or returning"), max_length=10, choices=PatientType)
    message = models.TextField(_("message"), max_length=2000, blank=True)
    heard_from = models.CharField(_("heard of us from"), max_length=20, choices=HeardFrom, blank=True)

    # Proof of consent: which privacy notice was shown, and when the patient agreed to it (one box:
    # we may keep what they sent and contact them about a consultation, as the notice explains).
    consent_to_contact = models.BooleanField(_("agreed to the privacy notice"))
    privacy_notice_version = models.CharField(_("privacy notice version"), max_length=20)
    consented_at = models.DateTimeField(_("consented at"))

    # Duplicate detection: the one-time form token (hashed) and a digest of the content.
    form_token = models.CharField(max_length=64, unique=True, editable=False)
    fingerprint = models.CharField(max_length=64, db_index=True, editable=False)
    # The visit the patient chose on the form, if they chose one rather than a call to arrange it.
    booking = models.OneToOneField(
        Booking,
        verbose_name=_("booked visit"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="consultation",
    )

    objects = ConsultationRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("consultation request")
        verbose_name_plural = _("consultation requests")
        ordering = ["-created_at"]
        permissions = [("export_consultationrequest", _("Can export consultation requests"))]
        constraints = [
            _choices_check("status", Status),
            _choices_check("preferred_contact", ContactMethod),
            _choices_check("best_time", TimeOfDay, blank=True),
            _choices_check("for_whom", ForWhom, blank=True),
            # A child's details belong to a request for a child, and a child is under 18.
            models.CheckConstraint(
                condition=Q(for_whom=ForWhom.CHILD) | (Q(child_first_name="") & Q(child_age__isnull=True)),
                name="consultation_child_details_only_for_a_child",
            ),
            models.CheckConstraint(
                condition=Q(child_age__isnull=True) | Q(child_age__lte=CHILD_AGE_MAX),
                name="consultation_child_age_under_18",
            ),
            models.CheckConstraint(
                condition=Q(best_time="") | ~Q(preferred_contact=ContactMethod.EMAIL),
                name="consultation_best_time_only_for_calls",
            ),
            _choices_check("onset", Onset),
            _choices_check("patient_type", PatientType),
            models.CheckConstraint(condition=~Q(email="") | ~Q(phone=""), name="consultation_has_contact"),
            models.CheckConstraint(
                condition=~Q(preferred_contact=ContactMethod.EMAIL) | ~Q(email=""),
                name="consultation_email_preferred_has_email",
            ),
            models.CheckConstraint(
                condition=Q(preferred_contact=ContactMethod.EMAIL) | ~Q(phone=""),
                name="consultation_phone_preferred_has_phone",
            ),
            models.CheckConstraint(condition=Q(consent_to_contact=True), name="consultation_consented"),
            models.CheckConstraint(condition=~Q(privacy_notice_version=""), name="consultation_notice_version"),
            models.CheckConstraint(condition=~Q(name=""), name="consultation_has_name"),
        ]
        indexes = [
            # Earlier requests from the same phone or e-mail address (consultations/earlier.py).
            models.Index(fields=["phone"], name="consultation_phone_idx"),
            models.Index(Lower("email"), name="consultation_email_idx"),
        ]

    def __str__(self):
        return self.reference

    def validate_constraints(self, exclude=None):
        validate_check_constraints_at_once(self, exclude)

    @property
    def is_urgent(self):
        return self.onset == Onset.LAST_3_DAYS

    @property
    def bothers_labels(self):
        """What bothers the patient most, in the words they chose from."""
        labels = dict(Bother.choices)
        return [labels.get(value, value) for value in self.bothers]

    @property
    def phone_display(self):
        """The stored international number as people write it: national form for numbers at home."""
        return phones.readable(self.phone) if self.phone else ""


class DeliveryQuerySet(models.QuerySet):
    """Which mail is still owed, written once for the worker (tasks.py), the mail retries (mail_retries.py) and the
    admin's overdue warning, so that none of them sends, or waits for, mail the others gave up on."""

    def pending(self):
        """Not sent, not given up on, and for a request that may still be mailed (not finished, not spam)."""
        return self.filter(sent_at__isnull=True, failed_at__isnull=True).exclude(request__status__in=NO_MAIL_STATUSES)

    def deliverable(self, now):
        """Pending mail that may be tried now: its next attempt is due, and no live worker is sending it."""
        return self.pending().filter(
            Q(claimed_at__isnull=True) | Q(claimed_at__lte=claim_stale_before(now)), next_attempt_at__lte=now
        )


def claim_stale_before(now):
    # A claim older than this belongs to a worker that died mid-send: the mail may be tried again.
    return now - timezone.timedelta(seconds=settings.CLINIC_NOTICE_OVERDUE_SECONDS)


class DeliveryKind(models.TextChoices):
    STAFF_NOTICE = "staff", _("staff notice")
    CONFIRMATION = "patient", _("confirmation")
    # About the visit booked with the request (consultations/visit_mail.py).
    VISIT_MOVED = "moved", _("visit moved")
    VISIT_CANCELLED = "cancelled", _("visit cancelled")
    REMINDER = "reminder", _("visit reminder")
    # About a time freed for patients waiting for an earlier one (consultations/waitlist.py).
    WAITLIST_OFFER = "offer", _("earlier time offered")
    WAITLIST_TAKEN = "taken", _("earlier time taken")


# Mail about one version of a booked visit: a move or cancellation makes its reminders void.
VISIT_KINDS = (DeliveryKind.VISIT_MOVED, DeliveryKind.VISIT_CANCELLED, DeliveryKind.REMINDER)


class Delivery(models.Model):
    """One e-mail owed for a request (the staff notice or the patient's confirmation) and how it went.

    Kept apart from the request so the patient's record holds only what the patient sent and what
    staff did with it. Holds no address: only counts, times and the class name of the last error.
    """

    Kind = DeliveryKind

    request = models.ForeignKey(ConsultationRequest, on_delete=models.CASCADE, related_name="deliveries")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    # When the next attempt may start, and when a task for it was last queued (see consultations.mail_retries).
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now, db_index=True)
    enqueued_at = models.DateTimeField(null=True, blank=True)
    # Set while a worker is sending: other copies of the task leave the mail alone.
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    failed_at = models.DateTimeField(_("given up"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=100, blank=True)
    # For mail about a booked visit: the booking's version it was owed for, and for a reminder how
    # many hours before the visit it goes. Both 0 for the staff notice and the confirmation.
    booking_sequence = models.PositiveIntegerField(default=0, editable=False)
    reminder_hours = models.PositiveSmallIntegerField(default=0, editable=False)
    # For mail about an earlier time: the offer it is about (one offer mail, one "taken" mail each).
    offer = models.ForeignKey(
        "WaitlistOffer", on_delete=models.CASCADE, null=True, blank=True, editable=False, related_name="deliveries"
    )

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        verbose_name = _("e-mail delivery")
        verbose_name_plural = _("e-mail deliveries")
        ordering = ["kind"]
        constraints = [
            # Never owed twice: one staff notice, one confirmation, one mail per move or cancellation,
            # one reminder per distance before each version of the visit.
            models.UniqueConstraint(
                fields=["request", "kind", "booking_sequence", "reminder_hours"],
                condition=Q(offer__isnull=True),
                name="consultation_one_delivery_per_kind",
            ),
            # One offer of an earlier time, and one word that it was taken, per offer.
            models.UniqueConstraint(
                fields=["offer", "kind"], condition=Q(offer__isnull=False), name="consultation_one_delivery_per_offer"
            ),
            _choices_check("kind", DeliveryKind),
        ]

    def __str__(self):
        return f"{self.request} {self.get_kind_display()}"

    @property
    def state(self):
        if self.sent_at:
            return _("sent")
        if self.failed_at:
            return _("failed")
        return _("pending")


class WaitlistEntryQuerySet(models.QuerySet):
    def waiting(self):
        return self.filter(ended_at__isnull=True)


class WaitlistEnded(models.TextChoices):
    EARLIER = "earlier", _("has an earlier time")
    CANCELLED = "cancelled", _("visit cancelled")
    PASSED = "passed", _("visit passed")
    LEFT = "left", _("asked to stop")


class WaitlistEntry(models.Model):
    """A patient with a booked visit who asked to be e-mailed if an earlier time opens.

    Waiting until they take an earlier time, their visit is cancelled or passes, or they ask to stop;
    then kept, ended, with the request. The visit type is the booking's (staff may change it there).
    Waitlist order is the order patients asked (consultations/waitlist.py).
    """

    Ended = WaitlistEnded

    request = models.ForeignKey(
        ConsultationRequest, verbose_name=_("request"), on_delete=models.CASCADE, related_name="waitlist_entries"
    )
    booking = models.ForeignKey(
        Booking, verbose_name=_("visit"), on_delete=models.CASCADE, related_name="waitlist_entries"
    )
    wanted_before = models.DateTimeField(
        _("only times before"), help_text=_("The visit's time when the patient asked: only earlier times are offered.")
    )
    created_at = models.DateTimeField(_("waiting since"), default=timezone.now, editable=False, db_index=True)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    ended_why = models.CharField(_("why it ended"), max_length=10, choices=WaitlistEnded, blank=True)

    objects = WaitlistEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("waitlist entry")
        verbose_name_plural = _("waitlist")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["booking"], condition=Q(ended_at__isnull=True), name="waitlist_one_waiting_entry_per_visit"
            ),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True, ended_why="")
                | Q(ended_at__isnull=False, ended_why__in=WaitlistEnded.values),
                name="waitlist_ended_with_a_reason",
            ),
        ]

    def __str__(self):
        return f"{self.request} {timezone.localtime(self.created_at):%Y-%m-%d %H:%M}"

    @property
    def is_waiting(self):
        return self.ended_at is None


class FreedTimeClosed(models.TextChoices):
    CLAIMED = "claimed", _("claimed from the waitlist")
    TAKEN = "taken", _("booked otherwise")
    PASSED = "passed", _("too close to offer")


class FreedTime(models.Model):
    """A time a cancellation or a move freed, offered to patients waiting for an earlier one.

    Closed once: claimed by one of them, booked by someone else, or too close to offer any more.
    """

    Closed = FreedTimeClosed

    team_member = models.ForeignKey(TeamMember, verbose_name=_("with"), on_delete=models.CASCADE, related_name="+")
    visit_type = models.ForeignKey(VisitType, verbose_name=_("visit type"), on_delete=models.CASCADE, related_name="+")
    starts_at = models.DateTimeField(_("starts"))
    created_at = models.DateTimeField(_("freed at"), default=timezone.now, editable=False)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_why = models.CharField(_("why it closed"), max_length=10, choices=FreedTimeClosed, blank=True)

    class Meta:
        verbose_name = _("freed time")
        verbose_name_plural = _("freed times")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closed_at__isnull=True, closed_why="")
                | Q(closed_at__isnull=False, closed_why__in=FreedTimeClosed.values),
                name="waitlist_freed_time_closed_with_a_reason",
            ),
        ]

    def __str__(self):
        return f"{timezone.localtime(self.starts_at):%Y-%m-%d %H:%M} {self.team_member}"

    @property
    def is_open(self):
        return self.closed_at is None


class WaitlistOffer(models.Model):
    """A freed time offered to one waiting patient by e-mail, with a link to claim it."""

    freed_time = models.ForeignKey(FreedTime, on_delete=models.CASCADE, related_name="offers")
    entry = models.ForeignKey(WaitlistEntry, on_delete=models.CASCADE, related_name="offers")
    created_at = models.DateTimeField(_("offered at"), default=timezone.now, editable=False)
    claimed_at = models.DateTimeField(_("claimed"), null=True, blank=True)

    class Meta:
        verbose_name = _("earlier time offered")
        verbose_name_plural = _("earlier times offered")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["freed_time", "entry"], name="waitlist_one_offer_per_entry"),
        ]

    def __str__(self):
        return f"{self.freed_time} → {self.entry.request}"

    @property
    def is_open(self):
        """Whether the offer still stands: its time unclaimed, the patient still waiting with their visit."""
        return self.freed_time.is_open and self.entry.is_waiting and self.entry.booking.holds_its_time


class Note(models.Model):
    request = models.ForeignKey(ConsultationRequest, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.SET_NULL, null=True, editable=False
    )
    created_at = models.DateTimeField(_("written"), default=timezone.now, editable=False)
    text = models.TextField(_("note"), max_length=5000)

    class Meta:
        verbose_name = _("internal note")
        verbose_name_plural = _("internal notes")
        ordering = ["created_at"]

    def __str__(self):
        return _("Note by %(author)s") % {"author": self.author or _("a former user")}


class Photo(models.Model):
    """A photo the patient sent with a request, in one of the standard poses.

    Only our own re-encoding is kept (consultations.photos): no metadata, the right way up, under
    a random name in the private photo store. Deleting the row deletes the files (after commit).
    """

    Pose = Pose

    request = models.ForeignKey(ConsultationRequest, on_delete=models.CASCADE, related_name="photos")
    pose = models.CharField(_("pose"), max_length=12, choices=Pose)
    image = models.FileField(_("photo"), storage=photo_storage, max_length=100)
    thumbnail = models.FileField(_("thumbnail"), storage=photo_storage, max_length=100)
    width = models.PositiveIntegerField(_("width"))
    height = models.PositiveIntegerField(_("height"))
    created_at = models.DateTimeField(_("received"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        # Saved in the order of the poses, so the id keeps that order.
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["request", "pose"], name="consultation_one_photo_per_pose"),
            _choices_check("pose", Pose),
        ]

    def __str__(self):
        return f"{self.request} {self.get_pose_display()}"


class AuditEntry(models.Model):
    """Who listed, searched, opened, changed, exported or deleted requests. Rows are only ever added.

    What was asked is kept without the words typed: filters by field lookup, a search as a keyed hash.
    """

    class Action(models.TextChoices):
        LIST = "list", _("Listed requests")
        FILTER = "filter", _("Filtered requests")
        SEARCH = "search", _("Searched requests")
        VIEW = "view", _("Opened a request")
        HISTORY = "history", _("Opened a request's history")
        CHANGE = "change", _("Changed a request")
        ACTION = "action", _("Ran an action on requests")
        OUTCOME = "outcome", _("Recorded a contact outcome")
        EARLIER = "earlier", _("Looked up earlier requests from the same contact")
        EXPORT = "export", _("Exported requests")
        DELETE = "delete", _("Deleted requests")
        PHOTO = "photo", _("Opened a photo")
        AGENDA = "agenda", _("Opened the agenda of booked visits")
        VISIT = "visit", _("Changed a booked visit")
        WAITLIST = "waitlist", _("Looked at the waitlist")

    # The username of entries made by the site itself (the retention run), not by a person.
    SYSTEM = "(system)"

    at = models.DateTimeField(_("when"), default=timezone.now, editable=False, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.SET_NULL, null=True, editable=False
    )
    # Kept as text so the trail survives the user's account and the requests being deleted.
    username = models.CharField(_("username"), max_length=150, editable=False)
    action = models.CharField(_("action"), max_length=10, choices=Action, editable=False)
    references = models.TextField(_("requests"), blank=True, editable=False)
    filters = models.CharField(
        _("filters"), max_length=500, blank=True, editable=False, help_text=_("Field lookups used, without values.")
    )
    search_digest = models.CharField(
        _("search (keyed hash)"),
        max_length=64,
        blank=True,
        editable=False,
        help_text=_("Identifies the words searched for without storing them: search the audit trail to match."),
    )
    detail = models.CharField(
        _("detail"), max_length=300, blank=True, editable=False, help_text=_("The action run or the fields changed.")
    )

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit trail")
        ordering = ["-at"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.get_action_display()}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionDenied("Audit entries cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionDenied("Audit entries cannot be deleted.")

    @classmethod
    def record(cls, user, action, references=(), **details):
        """An entry by user, or by the site itself when user is None."""
        return cls.objects.create(
            user=user,
            username=user.get_username() if user is not None else cls.SYSTEM,
            action=action,
            references=" ".join(references),
            **details,
        )


class HeldPhoto(models.Model):
    """A photo that passed its checks on a form shown again for another answer's mistake, kept so that
    the patient need not attach it again (consultations/held_photos.py).

    Kept as sent (only its header was checked: decoding waits until the whole form passes), in the
    private photo store, for the form it was sent with: the id the page carries is signed with that
    form's token. Deleted when the request is sent, when the patient removes it, or by the daily
    clean-up once the form has expired. Never linked to a request and never shown to staff.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    pose = models.CharField(_("pose"), max_length=12, choices=Pose)
    # The hash of the form token the photo came with (as ConsultationRequest.form_token).
    form_token = models.CharField(max_length=64, db_index=True, editable=False)
    # The file's name as the patient's device gave it, shown back as "“face.jpg” attached".
    name = models.CharField(_("file name"), max_length=100)
    file = models.FileField(_("photo as sent"), storage=photo_storage, max_length=100)
    created_at = models.DateTimeField(_("held since"), default=timezone.now, editable=False, db_index=True)

    class Meta:
        verbose_name = _("photo held for a form")
        verbose_name_plural = _("photos held for forms")
        constraints = [
            models.UniqueConstraint(fields=["form_token", "pose"], name="consultation_one_held_photo_per_pose"),
            models.CheckConstraint(condition=Q(pose__in=Pose.values), name="consultation_held_photo_pose_valid"),
        ]

    def __str__(self):
        return self.name
