"""The guided page's logic (/what-should-i-do-now/): answers in, tier, rows and timeline out.

Pure Python over the triage table (triage/table.py): no request, no database, no clock of its own
(the caller passes today). The wording of every row comes from the table; this module only decides
which rows apply (rows_for) and where the person stands on the treatment timeline (timeline).
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from triage import table

ME, CHILD = "me", "child"
ONE_SIDE, BOTH_SIDES = "one", "both"

# How many days "within 3 days" and "within 3 weeks" of the first sign cover.
EARLY_DAYS = 3
NEW_DAYS = 21


@dataclass(frozen=True)
class Answers:
    onset: date
    side: str  # ONE_SIDE or BOTH_SIDES
    who: str  # ME or CHILD
    signs: tuple = ()  # keys of ticked SIGN rows
    doctor_seen: bool = False


def audiences(who):
    return (table.ANYONE, table.CHILD if who == CHILD else table.ADULT)


def sign_rows(who=None):
    """The warning signs the form offers: for one person, or (who=None) for anyone."""
    wanted = audiences(who) if who else (table.ANYONE, table.ADULT, table.CHILD)
    return [row for row in table.ROWS if row.kind == table.SIGN and row.audience in wanted]


# Signs that name a cause other than Bell's palsy.
OWN_CAUSE = {"head-injury", "face-wound", "after-surgery", "after-surgery-danger", "botox-breathing", "botox-spread"}


def rows_for(answers, days):
    """The rules: which rows of the table apply to these answers, `days` after the weakness started."""
    keys = list(answers.signs)  # every ticked sign applies
    ticked_emergency = any(table.BY_KEY[key].tier == table.EMERGENCY for key in keys)
    if answers.side == BOTH_SIDES and not ticked_emergency:
        keys.append("both-sides-slow")
    if days <= NEW_DAYS and not answers.doctor_seen:
        keys.append("new-weakness")
    if days <= EARLY_DAYS:
        # Adult steroid advice is never given for a child (fact sheet section 26), nor for weakness with
        # a cause of its own (an injury, a wound, surgery): steroids are the treatment of Bell's palsy.
        if answers.who == CHILD:
            keys.append("child-eye-today")
        else:
            keys += [] if set(keys) & OWN_CAUSE else ["steroids-today"]
            keys.append("protect-eye-today")
    # After about 3 weeks nothing is added: slow worsening, no recovery or a return come from ticked signs.
    wanted = set(keys)
    return [row for row in table.ROWS if row.key in wanted]  # in the table's order, each once


# ---- The timeline ----

OPEN, CLOSING, PAST, LATER = "open", "closing", "past", "later"
STATE_TEXT = {
    OPEN: _("Open now"),
    CLOSING: _("Closing soon"),
    PAST: _("This time has passed"),
    LATER: _("Later, if it is needed"),
}


@dataclass(frozen=True)
class Window:
    key: str
    title: str
    when: str  # the window in words
    opens: int  # days after the first sign
    closes: int | None  # None: stays open
    closing_from: int | None  # the last part of the window, from this day
    sources: tuple
    link: tuple  # (URL name, slug) of the page that explains it
    link_text: str
    adults_only: bool = False

    def state(self, days):
        if days < self.opens:
            return LATER
        if self.closes is not None and days > self.closes:
            return PAST
        if self.closing_from is not None and days >= self.closing_from:
            return CLOSING
        return OPEN

    def source_links(self):
        return [table.SOURCES[key] | {"key": key} for key in self.sources]


WINDOWS = (
    Window(
        "steroids",
        _("Steroid tablets for Bell's palsy"),
        _("Work best when started within 72 hours (3 days) of the first sign."),
        0,
        EARLY_DAYS,
        2,
        ("AAO13", "SULL07"),
        ("conditions:detail", "bells-palsy"),
        _("About Bell's palsy"),
        adults_only=True,
    ),
    Window(
        "eye",
        _("Protecting the eye"),
        _("From day one, for as long as the eye does not close fully."),
        0,
        None,
        None,
        ("CMAJ14", "FNC-EYE"),
        ("guides:detail", "eye-care"),
        _("Eye care"),
    ),
    Window(
        "nerve-tests",
        _("Nerve tests (ENoG and EMG)"),
        _("For a face that does not move at all, they help predict recovery when done within about 14 days."),
        0,
        14,
        10,
        ("AAO13", "BMJBP-P"),
        ("guides:detail", "facial-nerve-grading"),
        _("How facial nerve function is checked"),
    ),
    Window(
        "nerve-surgery",
        _("Nerve surgery (repair, graft or transfer)"),
        _("Best within about 12 months of the first sign. Rarely done after about 2 years."),
        0,
        730,
        365,
        ("PAR21-NT", "STAN-MASS"),
        ("treatments:detail", "nerve-grafting"),
        _("Nerve grafting and nerve transfers"),
    ),
    Window(
        "muscle-transfer",
        _("Muscle transfer (such as gracilis)"),
        _("For weakness that has lasted more than about 18 to 24 months, or since birth."),
        548,
        None,
        None,
        ("PAR21-G", "FPUK-GRAC"),
        ("treatments:detail", "gracilis-muscle-transfer"),
        _("Gracilis muscle transfer"),
    ),
)


@dataclass(frozen=True)
class Step:
    window: Window
    state: str

    @property
    def state_text(self):
        return STATE_TEXT[self.state]


def timeline(days, who):
    """The windows for this person, passed ones first, then those open now, then those still to come.

    The page marks today between the passed windows and the others (Assessment.today_index).
    """
    order = {PAST: 0, CLOSING: 1, OPEN: 2, LATER: 3}
    steps = [Step(window, window.state(days)) for window in WINDOWS if not (window.adults_only and who == CHILD)]
    return sorted(steps, key=lambda step: order[step.state])  # sorted() keeps WINDOWS order within a state


# ---- The answer ----


SIDE_TEXT = {ONE_SIDE: _("One side"), BOTH_SIDES: _("Both sides")}
WHO_TEXT = {ME: _("Me"), CHILD: _("My child")}


def ago_text(days):
    """About how long ago, in the unit a person would use."""
    if days < 14:
        return ngettext("%(count)d day", "%(count)d days", days) % {"count": days}
    if days < 60:
        return ngettext("about %(count)d week", "about %(count)d weeks", days // 7) % {"count": days // 7}
    if days < 730:
        return ngettext("about %(count)d month", "about %(count)d months", days // 30) % {"count": days // 30}
    return ngettext("about %(count)d year", "about %(count)d years", days // 365) % {"count": days // 365}


@dataclass(frozen=True)
class Assessment:
    answers: Answers
    tier: table.Tier
    rows: list  # every row that applies, in the table's order
    timeline: list  # Steps
    days: int

    @property
    def who(self):
        return self.answers.who

    @property
    def onset(self):
        return self.answers.onset

    @property
    def doctor_seen(self):
        return self.answers.doctor_seen

    @property
    def ticked_rows(self):
        return [table.BY_KEY[key] for key in self.answers.signs]

    @property
    def side_text(self):
        return SIDE_TEXT[self.answers.side]

    @property
    def who_text(self):
        return WHO_TEXT[self.answers.who]

    @property
    def ago_text(self):
        return ago_text(self.days)

    @property
    def soon_tier(self):
        return table.TIERS[table.SOON]

    @property
    def tier_rows(self):
        """The rows that put the person in this tier: its signs, or its steps when no sign did."""
        rows = [row for row in self.rows if row.tier == self.tier.level]
        return [row for row in rows if row.kind == table.SIGN] or rows

    @property
    def step_rows(self):
        """Steps for today not already shown as the reason for the tier (the "Do this today" box)."""
        return [row for row in self.rows if row.kind == table.STEP and row not in self.tier_rows]

    @property
    def other_rows(self):
        """The other signs that apply, for the tiers below the answer."""
        return [row for row in self.rows if row.kind == table.SIGN and row not in self.tier_rows]

    @property
    def watch_rows(self):
        """With no warning sign: what to watch for (the "soon" signs for this person)."""
        return [row for row in sign_rows(self.who) if row.tier == table.SOON]

    @property
    def today_index(self):
        """How many timeline steps come before today's mark."""
        return sum(1 for step in self.timeline if step.state == PAST)

    @property
    def steps_before_today(self):
        return self.timeline[: self.today_index]

    @property
    def steps_from_today(self):
        return self.timeline[self.today_index :]


def days_since(onset, today):
    return (today - onset).days


def assess(answers, today):
    days = days_since(answers.onset, today)
    rows = rows_for(answers, days)
    # The signs decide the tier; steps for today decide it only when no sign applies (a person a doctor
    # saw yesterday for Bell's palsy: start the steroids today).
    signs = [row for row in rows if row.kind == table.SIGN]
    tier = table.highest(signs or rows)
    return Assessment(answers, tier, rows, timeline(days, answers.who), days)


def onset_from_amount(amount, unit, today):
    """The date `amount` `unit` before today ("about 3 weeks ago")."""
    return today - timedelta(days=amount * UNIT_DAYS[unit])


UNIT_DAYS = {"days": 1, "weeks": 7, "months": 30, "years": 365}


def consultation_onset(days):
    """The consultation form's Onset value for this many days (consultations.choices.Onset)."""
    for limit, value in ((EARLY_DAYS, "3-days"), (NEW_DAYS, "3-weeks"), (182, "6-months"), (548, "18-months")):
        if days <= limit:
            return value
    return "longer"


def consultation_for_whom(who):
    return "child" if who == CHILD else "self"
