"""A visit's time said plainly, as patients read it: "Tuesday, March 9, 9:30 a.m. Eastern"."""

from django import template
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext_lazy as _

register = template.Library()

# What US patients call their time zones; any other zone is named by its abbreviation (e.g. CET).
ZONE_NAMES = {
    "America/New_York": _("Eastern"),
    "America/Detroit": _("Eastern"),
    "America/Chicago": _("Central"),
    "America/Denver": _("Mountain"),
    "America/Phoenix": _("Arizona"),
    "America/Los_Angeles": _("Pacific"),
    "America/Anchorage": _("Alaska"),
    "Pacific/Honolulu": _("Hawaii"),
}


def zone_name(moment):
    zone = timezone.get_current_timezone()
    return ZONE_NAMES.get(str(zone)) or date_format(timezone.localtime(moment, zone), "T")


@register.filter
def visit_day(moment):
    return date_format(timezone.localtime(moment), "l, F j")


@register.filter
def visit_time(moment):
    """9:30 a.m. Eastern"""
    return f"{date_format(timezone.localtime(moment), 'g:i a')} {zone_name(moment)}"


@register.filter
def visit_moment(moment):
    """Tuesday, March 9, 9:30 a.m. Eastern"""
    return f"{visit_day(moment)}, {visit_time(moment)}"
