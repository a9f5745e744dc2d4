"""When to get help, in one voice: the urgent-care tiers every page, form and e-mail shows.

Written once, here, and rendered by templates/includes/urgent_notice.html (pages and the form) and
templates/includes/urgent_notice.txt (e-mails). This wording is a clinical decision: change it only
with a clinician's sign-off, and when in doubt it sends the reader to emergency care.
"""

from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Tier:
    level: str
    heading: str
    points: tuple


def tiers():
    number = settings.CLINIC_EMERGENCY_NUMBER
    return [
        Tier(
            "emergency",
            _("Call %(number)s now") % {"number": number},
            (
                _("if one side of the face droops suddenly, even with no other signs;"),
                _(
                    "or if it comes with weakness in an arm or leg, trouble speaking or seeing, a bad headache "
                    "or loss of balance;"
                ),
                _("or if you are not sure. Call even if it goes away. Do not wait to see if it is Bell's palsy."),
            ),
        ),
        Tier(
            "today",
            _("Once a doctor has ruled out a stroke: start treatment today"),
            (
                _(
                    "If the doctor finds Bell's palsy, ask about steroid tablets and start them today. "
                    "They work best when started early."
                ),
                _("If your eye does not close all the way, start protecting it today."),
            ),
        ),
        Tier(
            "soon",
            _("See a doctor soon"),
            (
                _("if weakness is slowly getting worse over weeks;"),
                _("if a palsy comes back on the same side;"),
                _("the same day if both sides of the face are weak: this needs urgent tests;"),
                _("the same day if the weakness came after a cut to the face;"),
                _("the same day if an eye that does not close turns red, painful or gritty, or your sight blurs."),
            ),
        ),
    ]
