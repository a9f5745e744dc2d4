"""Earlier requests from the same phone number or e-mail address, for the front desk.

A match is a request that arrived before this one with the same phone number (stored in one
international form) or the same e-mail address (whatever its capitals). Only requests still in
the database are found: those deleted under the retention rules are gone, and never counted.

Matching links one patient's requests together, so every lookup that finds any is on the audit
trail (`record`), with the references it found.
"""

from collections import defaultdict

from django.db.models import Q
from django.db.models.functions import Lower

from consultations.models import AuditEntry, ConsultationRequest


def _same_contact(phones, emails):
    match = Q(pk__in=[])
    if phones:
        match |= Q(phone__in=phones)
    if emails:
        match |= Q(email_lower__in=emails)
    return match


def find(consultations):
    """{request's pk: [its earlier requests, oldest first]} for the given requests, in one query."""
    consultations = list(consultations)
    phones = {c.phone for c in consultations if c.phone}
    emails = {c.email.lower() for c in consultations if c.email}
    found = defaultdict(list)
    if not (phones or emails):
        return found
    candidates = (
        ConsultationRequest.objects.annotate(email_lower=Lower("email"))
        .filter(_same_contact(phones, emails))
        .only("pk", "reference", "created_at", "status", "phone", "email")
        .order_by("created_at", "pk")
    )
    candidates = list(candidates)
    for consultation in consultations:
        for candidate in candidates:
            if candidate.created_at < consultation.created_at and _shares_contact(candidate, consultation):
                found[consultation.pk].append(candidate)
    return found


def _shares_contact(one, other):
    return bool(one.phone and one.phone == other.phone) or bool(one.email and one.email.lower() == other.email.lower())


def earlier_than(queryset, consultation):
    """The requests in queryset that arrived before `consultation` from the same phone or e-mail."""
    phones = [consultation.phone] if consultation.phone else []
    emails = [consultation.email.lower()] if consultation.email else []
    return (
        queryset.annotate(email_lower=Lower("email"))
        .filter(_same_contact(phones, emails))
        .filter(created_at__lt=consultation.created_at)
    )


def record(user, found, looked_up_for):
    """Put a lookup that found earlier requests on the audit trail: what it found, and for which."""
    references = sorted({earlier.reference for matches in found.values() for earlier in matches})
    if references:
        AuditEntry.record(
            user,
            AuditEntry.Action.EARLIER,
            references,
            detail=" ".join(sorted(c.reference for c in looked_up_for if found.get(c.pk)))[:300],
        )
