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


OUTCOMES = {
    outcome.key: outcome
    for outcome in (
        Outcome("reached", _("Reached, booked"), Status.SCHEDULED),
        Outcome("voicemail", _("No answer, voicemail left"), Status.CONTACTED),
        Outcome("emailed", _("E-mailed"), Status.CONTACTED),
    )
}


class OutcomeRefused(Exception):
    """The outcome cannot be recorded on this request; the message says why, for staff."""


def can_record(consultation):
    # A finished request is reopened by setting its status first, on purpose, not by a stray click.
    return consultation.status not in FINISHED_STATUSES


def record(consultation_pk, key, user):
    """Record outcome `key` on the request as done by `user`; returns the updated request and the outcome."""
    outcome = OUTCOMES.get(key)
    if outcome is None:
        raise OutcomeRefused(_("That is not one of the outcomes. Choose one of the buttons."))
    with transaction.atomic():
        # Locked, so two people clicking at once count two attempts and both notes are kept.
        consultation = ConsultationRequest.objects.select_for_update().get(pk=consultation_pk)
        if not can_record(consultation):
            raise OutcomeRefused(
                _("This request is %(status)s. To record a contact, first set its status and save.")
                % {"status": consultation.get_status_display().lower()}
            )
        now = timezone.now()
        consultation.status = outcome.status
        consultation.contact_attempts += 1
        consultation.staff_changed_at = now
        consultation.save(update_fields=["status", "contact_attempts", "staff_changed_at", "updated_at"])
        # Stored as text in the words of the day: a note is a record, not a label that may be renamed.
        Note.objects.create(request=consultation, author=user, created_at=now, text=str(outcome.label))
        AuditEntry.record(user, AuditEntry.Action.OUTCOME, [consultation.reference], detail=outcome.key)
    return consultation, outcome
