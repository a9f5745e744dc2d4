"""One-click outcomes of a contact attempt: the status they set and the note they leave.

Each outcome is one step for the front desk: the request's status moves on, a note signed by the
person and timed is added, the attempt is counted, and the audit trail says who did it.
"""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from consultations.choices import FINISHED_STATUSES, Status
from consultations.models import AuditEntry, ConsultationRequest, Note


@dataclass(frozen=True)
class Outcome:
    key: str
    label: str
    status: str
    # The contact detail the patient must have given for this to have happened ("": any way will do).
    needs: str = ""


OUTCOMES = {
    outcome.key: outcome
    for outcome in (
        Outcome("reached", _("Reached, booked"), Status.SCHEDULED),
        Outcome("voicemail", _("No answer, voicemail left"), Status.CONTACTED, needs="phone"),
        Outcome("emailed", _("E-mailed"), Status.CONTACTED, needs="email"),
    )
}
WAYS = {"phone": _("phone number"), "email": _("e-mail address")}
# The note typed with an outcome; the outcome's words come first in the same note.
NOTE_MAX_LENGTH = 4000


class OutcomeRefused(Exception):
    """The outcome cannot be recorded on this request; the message says why, for staff."""


def can_record(consultation):
    # A finished request is reopened by setting its status first, on purpose, not by a stray click.
    return consultation.status not in FINISHED_STATUSES


def offered(consultation):
    """The outcomes that can have happened: no "E-mailed" for a patient who gave no e-mail address."""
    return [outcome for outcome in OUTCOMES.values() if not outcome.needs or getattr(consultation, outcome.needs)]


def record(consultation_pk, key, user, note=""):
    """Record outcome `key` on the request as done by `user`, with the note typed beside it, if any;
    returns the updated request and the outcome."""
    outcome = OUTCOMES.get(key)
    if outcome is None:
        raise OutcomeRefused(_("That is not one of the outcomes. Choose one of the buttons."))
    note = note.strip()
    if len(note) > NOTE_MAX_LENGTH:
        raise OutcomeRefused(
            _("The note is %(length)d characters long; it can be %(most)d at most. Shorten it and try again.")
            % {"length": len(note), "most": NOTE_MAX_LENGTH}
        )
    with transaction.atomic():
        # Locked, so two people clicking at once count two attempts and both notes are kept.
        consultation = ConsultationRequest.objects.select_for_update().get(pk=consultation_pk)
        if not can_record(consultation):
            raise OutcomeRefused(
                _("This request is %(status)s. To record a contact, first set its status and save.")
                % {"status": consultation.get_status_display().lower()}
            )
        # Checked here as well as by leaving the button out: a stale page or a hand-made POST must
        # not record a voicemail on a request with no phone number.
        if outcome.needs and not getattr(consultation, outcome.needs):
            raise OutcomeRefused(
                _("The patient gave no %(way)s, so “%(outcome)s” cannot be recorded. Choose what did happen.")
                % {"way": WAYS[outcome.needs], "outcome": outcome.label}
            )
        now = timezone.now()
        consultation.status = outcome.status
        consultation.contact_attempts += 1
        consultation.staff_changed_at = now
        consultation.save(update_fields=["status", "contact_attempts", "staff_changed_at", "updated_at"])
        # Stored as text in the words of the day: a note is a record, not a label that may be renamed.
        text = f"{outcome.label}\n{note}" if note else str(outcome.label)
        Note.objects.create(request=consultation, author=user, created_at=now, text=text)
        AuditEntry.record(user, AuditEntry.Action.OUTCOME, [consultation.reference], detail=outcome.key)
    return consultation, outcome
