"""Every look at or change to consultation requests in the admin goes on the audit trail.

Called from the request admin's hooks (consultations/admin.py), one per kind of page, so no page
can forget: the list (plain, filtered by any URL parameter, or searched), each opened request and
its history, every action (export included), each change and each deletion. It records who and
when, what was asked (filter lookups by name, a search as a keyed hash, never the words typed) and
the references of the requests actually shown.
"""

import dataclasses
import functools

from client_limits.addresses import keyed_hash
from consultations.models import AuditEntry

Action = AuditEntry.Action


def search_digest(term):
    """The same digest for the same words however they were spaced or capitalised."""
    return keyed_hash(" ".join(term.split()).casefold(), "audit-search")


def _audited(action):
    @functools.wraps(action)
    def run(modeladmin, request, queryset):
        references = list(queryset.values_list("reference", flat=True))
        response = action(modeladmin, request, queryset)
        exporting = "export" in getattr(action, "allowed_permissions", ())
        AuditEntry.record(
            request.user, Action.EXPORT if exporting else Action.ACTION, references, detail=action.__name__
        )
        return response

    return run


def audited_actions(actions):
    """The admin's actions, each wrapped to record what it was run on (and an export as an export)."""
    return {name: dataclasses.replace(action, func=_audited(action.func)) for name, action in actions.items()}


def record_list(request, changelist, shown):
    """A list page: plain, filtered (lookups by name, never values) or searched (a keyed hash of the words)."""
    filters = sorted(changelist.get_filters_params())
    action = Action.SEARCH if changelist.query else Action.FILTER if filters else Action.LIST
    AuditEntry.record(
        request.user,
        action,
        [consultation.reference for consultation in shown],
        filters=",".join(filters)[:500],
        search_digest=search_digest(changelist.query) if changelist.query else "",
    )


def record_page(request, response, action, key):
    """A page with one request on it (response.context_data[key]); nothing if it did not show one."""
    shown = (getattr(response, "context_data", None) or {}).get(key)
    if shown is not None:
        AuditEntry.record(request.user, action, [shown.reference])


def record_waitlist(request, entries, filters=()):
    """The waitlist (consultations/waitlist_admin.py), listed or one entry: the requests it showed."""
    references = sorted({entry.request.reference for entry in entries})
    AuditEntry.record(request.user, Action.WAITLIST, references, filters=",".join(filters)[:500])


def record_change(request, obj, form):
    AuditEntry.record(request.user, Action.CHANGE, [obj.reference], detail=",".join(form.changed_data)[:300])


def record_deletion(request, references):
    AuditEntry.record(request.user, Action.DELETE, references)
