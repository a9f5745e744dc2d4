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
    NEW = "new", _("New patient")
    RETURNING = "returning", _("Returning patient")


class ForWhom(models.TextChoices):
    """Who the request is for. Requests from before the question was asked have none ("")."""

    SELF = "self", _("Me")
    CHILD = "child", _("My child")
    CARED_FOR = "cared-for", _("Someone I care for")


class Bother(models.TextChoices):
    """What bothers the patient most, in the words of the home page's routes (the same strings)."""

    EYE = "eye", _("My eye does not close all the way")
    SMILE = "smile", _("My smile is uneven or gone")
    TIGHTNESS = "tightness", _("My face feels tight or moves when I do not want it to")
    EATING = "eating", _("Eating and drinking are hard")
    SPEAKING = "speaking", _("Speaking clearly is hard")
    FEELINGS = "feelings", _("How I feel about my face")
    OTHER = "other", _("Something else")


class HeardFrom(models.TextChoices):
    DOCTOR = "doctor", _("My doctor referred me")
    SEARCH = "search", _("A web search")
    FRIEND = "friend", _("A friend or family member")
    SUPPORT_GROUP = "support-group", _("A support group")
    SOCIAL = "social", _("Social media")
    OTHER = "other", _("Somewhere else")


class Pose(models.TextChoices):
    """The standard photos of a facial nerve assessment, in the order they are taken."""

    REST = "rest", _("At rest")
    EYEBROWS = "eyebrows", _("Raising the eyebrows")
    EYES_GENTLE = "eyes-gentle", _("Closing the eyes gently")
    EYES_TIGHT = "eyes-tight", _("Closing the eyes tightly")
    SMILE = "smile", _("A big smile")
    PUCKER = "pucker", _("Puckering the lips")
