"""The fixed answers a patient can give, and the life cycle of a request."""

from django.db import models
from django.utils.translation import gettext_lazy as _

NOT_SURE = "not-sure"


class Status(models.TextChoices):
    NEW = "new", _("New")
    CONTACTED = "contacted", _("Contacted")
    SCHEDULED = "scheduled", _("Scheduled")
    COMPLETED = "completed", _("Completed")
    CLOSED = "closed", _("Closed")
    SPAM = "spam", _("Spam")


# Requests in these states are finished with and fall under the retention period.
FINISHED_STATUSES = (Status.COMPLETED, Status.CLOSED, Status.SPAM)
# Requests that are never mailed about again: staff have dealt with them, or they are held as spam.
NO_MAIL_STATUSES = FINISHED_STATUSES


class ContactMethod(models.TextChoices):
    PHONE = "phone", _("Phone call")
    EMAIL = "email", _("E-mail")
    TEXT = "text", _("Text message")


class TimeOfDay(models.TextChoices):
    MORNING = "morning", _("Morning")
    AFTERNOON = "afternoon", _("Afternoon")
    EVENING = "evening", _("Early evening")
    ANY = "any", _("Any time")


class Onset(models.TextChoices):
    LAST_3_DAYS = "3-days", _("In the last 3 days")
    WITHIN_3_WEEKS = "3-weeks", _("Within the last 3 weeks")
    UP_TO_6_MONTHS = "6-months", _("3 weeks to 6 months ago")
    UP_TO_18_MONTHS = "18-months", _("6 to 18 months ago")
    LONGER = "longer", _("More than 18 months ago")
    SINCE_BIRTH = "birth", _("Since birth")


class PatientType(models.TextChoices):
    NEW = "new", _("I am a new patient")
    RETURNING = "returning", _("I have been a patient here before")


class HeardFrom(models.TextChoices):
    DOCTOR = "doctor", _("My doctor referred me")
    SEARCH = "search", _("A web search")
    FRIEND = "friend", _("A friend or family member")
    SUPPORT_GROUP = "support-group", _("A support group")
    SOCIAL = "social", _("Social media")
    OTHER = "other", _("Somewhere else")
