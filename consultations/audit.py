"""Every look at or change to consultation requests in the admin goes on the audit trail.

One mixin for the ModelAdmin, so no page can forget: the list (plain, filtered by any URL parameter,
or searched), each opened request and its history, every action (export included), each change and
each deletion. It records who and when, what was asked (filter lookups by name, a search as a keyed
hash, never the words typed) and the references of the requests actually shown.
"""

import dataclasses
import functools

from django.contrib.admin.options import ActionLocation

from consultations.client_address import keyed_hash
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


class AuditedAdminMixin:
    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        changelist = (getattr(response, "context_data", None) or {}).get("cl")
        if changelist is not None:
            # The page's own result list: iterating it here fills the cache the template then uses.
            shown = [consultation.reference for consultation in changelist.result_list]
            filters = sorted(changelist.get_filters_params())
            action = Action.SEARCH if changelist.query else Action.FILTER if filters else Action.LIST
            AuditEntry.record(
                request.user,
                action,
                shown,
                filters=",".join(filters)[:500],
                search_digest=search_digest(changelist.query) if changelist.query else "",
            )
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        # A page with the request on it: the first look, or the form shown again with an error.
        original = (getattr(response, "context_data", None) or {}).get("original")
        if original is not None:
            AuditEntry.record(request.user, Action.VIEW, [original.reference])
        return response

    def history_view(self, request, object_id, extra_context=None):
        response = super().history_view(request, object_id, extra_context)
        shown = (getattr(response, "context_data", None) or {}).get("object")
        if shown is not None:
            AuditEntry.record(request.user, Action.HISTORY, [shown.reference])
        return response

    def get_actions(self, request, action_location=ActionLocation.CHANGE_LIST):
        actions = super().get_actions(request, action_location=action_location)
        return {name: dataclasses.replace(action, func=_audited(action.func)) for name, action in actions.items()}

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        AuditEntry.record(request.user, Action.CHANGE, [obj.reference], detail=",".join(form.changed_data)[:300])

    def delete_model(self, request, obj):
        AuditEntry.record(request.user, Action.DELETE, [obj.reference])
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        AuditEntry.record(request.user, Action.DELETE, queryset.values_list("reference", flat=True))
        super().delete_queryset(request, queryset)
