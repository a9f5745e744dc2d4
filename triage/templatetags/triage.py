"""The triage table in templates: {% urgent_rows page as rows %} then the includes that show them."""

from django import template
from django.conf import settings

from triage import table

register = template.Library()


@register.simple_tag
def urgent_rows(page=None):
    """The rows a page shows: the page's own situations, or the general set for pages about no one condition."""
    return page.triage_rows if page is not None else table.expand(table.GENERAL)


@register.simple_tag
def new_symptom_rows():
    """The rows for someone whose symptoms began in the last few days (the form's guidance, the confirmation)."""
    return table.expand(table.NEW_SYMPTOMS)


@register.simple_tag
def urgent_groups(rows, kind=table.SIGN):
    return table.grouped(rows, kind)


@register.simple_tag
def urgent_steps(rows):
    """The steps for today among rows (the "Do this today" box)."""
    return [row for row in rows if row.kind == table.STEP]


@register.simple_tag
def urgent_sources(rows):
    """The sources of these rows, each once, for the box's "Where this advice comes from"."""
    keys = dict.fromkeys(key for row in rows for key in row.sources)
    return [table.SOURCES[key] | {"key": key} for key in keys]


@register.simple_tag
def urgent_bar():
    return {
        "question": table.BAR_QUESTION,
        "call": table.TIERS[table.EMERGENCY].text(),
        "number": settings.CLINIC_EMERGENCY_NUMBER,
        "situation": table.BY_KEY["sudden-droop"].key,
    }
