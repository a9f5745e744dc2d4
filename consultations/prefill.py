"""What the request form opens with, from the page the patient came from.

The page's request buttons carry its slug only (?condition=<slug>, ?treatment=<slug>, ?guide=<slug>),
never anything about the patient. A condition selects the concern and a treatment ticks itself. A
guide carries what it is about: a decision aid ticks the treatments its table compares (read from
the page itself, so a new option in the table is carried too), and the concern and what bothers the
patient that the guide implies (below), so staff see what the request is about instead of "-".
Unknown slugs are dropped by the view rather than shown as an error before anything was typed.
"""

import re

from consultations.choices import Bother
from guides.models import Guide

# What a guide implies about the patient: the condition it is about and what bothers them most.
GUIDE_IMPLIES = {
    "choosing-a-treatment-synkinesis": {"concern": "synkinesis", "bothers": [Bother.TIGHTNESS]},
    "choosing-a-treatment-smile": {"concern": "facial-paralysis", "bothers": [Bother.SMILE]},
    "eye-care": {"bothers": [Bother.EYE]},
}
MAX_SLUG = 100
# A treatment page linked from a Markdown table row: "| [Botox](/treatments/botox/) | …".
TABLE_TREATMENT = re.compile(r"^\|.*?\]\(/treatments/([a-z0-9-]+)/\)", re.MULTILINE)


def initial(query):
    """The form's pre-selections for a query string (request.GET)."""
    found = {}
    if condition := query.get("condition", "")[:MAX_SLUG]:
        found["concern"] = condition
    if treatment := query.get("treatment", "")[:MAX_SLUG]:
        found["treatments"] = [treatment]
    if guide_slug := query.get("guide", "")[:MAX_SLUG]:
        found |= _from_guide(guide_slug)
    return found


def _from_guide(slug):
    guide = Guide.objects.published().filter(slug=slug).only("slug", "kind", "body").first()
    if guide is None:
        return {}
    implied = GUIDE_IMPLIES.get(slug, {})
    found = {"concern": implied["concern"]} if "concern" in implied else {}
    if "bothers" in implied:
        found["bothers"] = list(implied["bothers"])
    if guide.kind == Guide.Kind.DECISION_AID:
        found["treatments"] = list(dict.fromkeys(TABLE_TREATMENT.findall(guide.body)))
    return found
