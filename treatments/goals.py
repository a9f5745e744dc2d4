"""Treatments grouped by what the patient wants to change, for the treatments list.

A patient thinks "my eye", "my smile", "the unwanted movement", not "surgery or not". Each goal
names the treatments that serve it; within a goal, treatments without surgery come first, since
most people start there. A treatment staff add that no goal names is still listed, under "Other
treatments", so nothing published is ever hidden.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Goal:
    id: str
    title: str
    intro: str
    treatments: tuple


GOALS = (
    Goal(
        "protect-the-eye",
        _("Protect the eye"),
        _("Daily eye care comes first for an eye that does not close. When the eye stays at risk, these can help."),
        ("eyelid-weight",),
    ),
    Goal(
        "restore-a-smile",
        _("Restore a smile"),
        _("For a face that moves too little: therapy first, then options that lift or bring back movement."),
        ("physical-therapy", "static-slings", "nerve-grafting", "gracilis-muscle-transfer"),
    ),
    Goal(
        "calm-unwanted-movement",
        _("Calm unwanted movement and tightness"),
        _("For synkinesis: therapy and Botox come first; surgery helps some people later."),
        ("physical-therapy", "botox", "selective-neurectomy", "myectomy"),
    ),
)
OTHER = Goal("other-treatments", _("Other treatments"), "", ())


def _without_surgery_first(treatment):
    return (treatment.kind != treatment.Kind.NON_SURGICAL, treatment.position, treatment.title)


def grouped(treatments):
    """[(goal, [treatment, ...]), ...] for the goals that have a published treatment."""
    treatments = sorted(treatments, key=_without_surgery_first)
    groups = [(goal, [t for t in treatments if t.slug in goal.treatments]) for goal in GOALS]
    named = {slug for goal in GOALS for slug in goal.treatments}
    groups.append((OTHER, [t for t in treatments if t.slug not in named]))
    return [(goal, members) for goal, members in groups if members]
