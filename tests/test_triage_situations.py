"""Situations, as a person would describe them, and the tier each must reach wherever it is shown.

Each situation names the triage row that speaks for it (triage/table.py) and the answers a person
in it would give the guided page (/what-should-i-do-now/). The tests render the real pages, the
form, the error page and the confirmation e-mail, and fail when a situation is shown under a tier
less urgent than the one it needs, or when the guided page answers with another tier. Moving one
row (say, both sides with tingling) to "soon" makes them fail.
"""

import re
from dataclasses import dataclass, field
from datetime import date
from html.parser import HTMLParser

import pytest

from tests.content_checks import CONDITION_SLUGS, GUIDE_SLUGS, TREATMENT_SLUGS, guide_path
from tests.pages import anonymous_client
from triage import table

EMERGENCY, TODAY, SURGICAL, SOON = table.EMERGENCY, table.TODAY, table.SURGICAL, table.SOON


@dataclass(frozen=True)
class Situation:
    words: str
    tier: str
    row: str
    # What the person tells the guided page: how long ago, one side or both, for whom, signs ticked.
    onset: tuple = (1, "days")
    side: str = "one"
    who: str = "me"
    signs: tuple = field(default=())
    doctor_seen: bool = False


SITUATIONS = [
    Situation(
        "My face drooped on both sides this morning",
        EMERGENCY,
        "sudden-droop",
        (0, "days"),
        "both",
        signs=("sudden-droop",),
    ),
    Situation(
        "The left side of my face drooped suddenly an hour ago",
        EMERGENCY,
        "sudden-droop",
        (0, "days"),
        signs=("sudden-droop",),
    ),
    Situation(
        "My face drooped but it went back to normal after ten minutes",
        EMERGENCY,
        "sudden-droop",
        (0, "days"),
        signs=("sudden-droop",),
    ),
    Situation(
        "My mouth droops and my right arm feels weak", EMERGENCY, "stroke-signs", (0, "days"), signs=("stroke-signs",)
    ),
    Situation(
        "My face drooped and I am seeing double", EMERGENCY, "stroke-signs", (0, "days"), signs=("stroke-signs",)
    ),
    Situation(
        "My face is weak and I have the worst headache of my life",
        EMERGENCY,
        "stroke-signs",
        (1, "days"),
        signs=("stroke-signs",),
    ),
    Situation(
        "Both sides of my face are getting weak and my hands and feet tingle",
        EMERGENCY,
        "both-sides-spreading",
        (2, "days"),
        "both",
        signs=("both-sides-spreading",),
    ),
    Situation(
        "Both sides of my face are weak and I choke when I drink water",
        EMERGENCY,
        "both-sides-spreading",
        (4, "days"),
        "both",
        signs=("both-sides-spreading",),
    ),
    Situation(
        "My face went weak after I fell and hit my head", EMERGENCY, "head-injury", (0, "days"), signs=("head-injury",)
    ),
    Situation(
        "I was in a car crash yesterday and now my eye will not close",
        EMERGENCY,
        "head-injury",
        (1, "days"),
        signs=("head-injury",),
    ),
    Situation(
        "Glass cut my cheek and now my smile is gone on that side",
        EMERGENCY,
        "face-wound",
        (0, "days"),
        signs=("face-wound",),
    ),
    Situation(
        "Three days after ear surgery my face is weak and I have a terrible headache",
        EMERGENCY,
        "after-surgery-danger",
        (3, "days"),
        signs=("after-surgery", "after-surgery-danger"),
        doctor_seen=True,
    ),
    Situation(
        "Clear fluid drips from my nose and my face went weak after skull-base surgery",
        EMERGENCY,
        "after-surgery-danger",
        (5, "days"),
        signs=("after-surgery", "after-surgery-danger"),
        doctor_seen=True,
    ),
    Situation(
        "My 6-year-old's face is weak and there is a red swelling behind her ear",
        EMERGENCY,
        "child-very-unwell",
        (2, "days"),
        who="child",
        signs=("child-very-unwell",),
    ),
    Situation(
        "My son's face is weak and he is very drowsy",
        EMERGENCY,
        "child-very-unwell",
        (1, "days"),
        who="child",
        signs=("child-very-unwell",),
    ),
    Situation(
        "Trouble swallowing a week after Botox",
        EMERGENCY,
        "botox-breathing",
        (3, "years"),
        signs=("botox-breathing",),
        doctor_seen=True,
    ),
    Situation(
        "I feel short of breath two days after my Botox injections",
        EMERGENCY,
        "botox-breathing",
        (2, "years"),
        signs=("botox-breathing",),
        doctor_seen=True,
    ),
    Situation(
        "I cannot face living like this and think about ending my life",
        EMERGENCY,
        "self-harm",
        (2, "years"),
        signs=("self-harm",),
        doctor_seen=True,
    ),
    Situation(
        "My face has been getting weaker since yesterday and no one has checked it", TODAY, "new-weakness", (1, "days")
    ),
    Situation(
        "It has been 5 days since my face went weak and I have not seen anyone", TODAY, "new-weakness", (5, "days")
    ),
    Situation(
        "Both sides of my face have slowly gone weak over two weeks, nothing else",
        TODAY,
        "both-sides-slow",
        (2, "weeks"),
        "both",
    ),
    Situation(
        "My face is weak and I have painful blisters in my ear", TODAY, "ear-rash", (2, "days"), signs=("ear-rash",)
    ),
    Situation(
        "My eye will not close and it has turned red and sore",
        TODAY,
        "eye-red",
        (5, "weeks"),
        signs=("eye-red",),
        doctor_seen=True,
    ),
    Situation(
        "My eye does not shut and things look blurry",
        TODAY,
        "eye-red",
        (9, "months"),
        signs=("eye-red",),
        doctor_seen=True,
    ),
    Situation(
        "My 6-year-old's face is weak and her ear hurts",
        TODAY,
        "child-ear",
        (1, "days"),
        who="child",
        signs=("child-ear",),
    ),
    Situation(
        "My daughter's face is weak and she has a fever",
        TODAY,
        "child-ear",
        (2, "days"),
        who="child",
        signs=("child-ear",),
    ),
    Situation(
        "My child's eye does not close and it looks red",
        TODAY,
        "child-eye-red",
        (5, "weeks"),
        who="child",
        signs=("child-eye-red",),
        doctor_seen=True,
    ),
    Situation(
        "I have seen double since my Botox injections",
        TODAY,
        "botox-spread",
        (3, "years"),
        signs=("botox-spread",),
        doctor_seen=True,
    ),
    Situation(
        "My eyelid drooped after Botox", TODAY, "botox-spread", (3, "years"), signs=("botox-spread",), doctor_seen=True
    ),
    Situation(
        "Weak face three days after acoustic neuroma surgery",
        SURGICAL,
        "after-surgery",
        (3, "days"),
        signs=("after-surgery",),
        doctor_seen=True,
    ),
    Situation(
        "My face got weak a week after parotid surgery",
        SURGICAL,
        "after-surgery",
        (1, "weeks"),
        signs=("after-surgery",),
        doctor_seen=True,
    ),
    Situation(
        "My face has been slowly getting weaker over two months",
        SOON,
        "slow-worsening",
        (2, "months"),
        signs=("slow-worsening",),
    ),
    Situation(
        "It has been 4 months and my Bell's palsy has not improved at all",
        SOON,
        "no-recovery",
        (4, "months"),
        signs=("no-recovery",),
        doctor_seen=True,
    ),
    Situation(
        "My Bell's palsy has come back on the same side",
        SOON,
        "comes-back",
        (2, "months"),
        signs=("comes-back",),
        doctor_seen=True,
    ),
    Situation(
        "My hearing has been fading and my face feels numb",
        SOON,
        "slow-nerve-signs",
        (3, "months"),
        signs=("slow-nerve-signs",),
        doctor_seen=True,
    ),
    Situation(
        "My child's weakness has not improved after 3 months",
        SOON,
        "child-no-recovery",
        (4, "months"),
        who="child",
        signs=("child-no-recovery",),
        doctor_seen=True,
    ),
]

PAGES = (
    [f"/conditions/{slug}/" for slug in CONDITION_SLUGS]
    + [f"/treatments/{slug}/" for slug in TREATMENT_SLUGS]
    + [guide_path(slug) for slug in GUIDE_SLUGS]
    + ["/", "/contact/", "/consultation/", "/no-such-page/"]
)
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Placements(HTMLParser):
    """Every data-situation on a page with the tier it is shown under (its own data-tier or the nearest
    enclosing one)."""

    def __init__(self):
        super().__init__()
        self.stack = []  # (tag, tier in force)
        self.found = []  # (situation, tier)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        tier = attrs.get("data-tier") or (self.stack[-1][1] if self.stack else None)
        if "data-situation" in attrs:
            self.found.append((attrs["data-situation"], tier))
        if tag not in VOID:
            self.stack.append((tag, tier))

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                break


def placements(html):
    parser = Placements()
    parser.feed(html)
    return parser.found


def rank(level):
    return table.TIERS[level].rank


@pytest.fixture
def rendered(content):
    """Every page that shows urgent wording, rendered from the shipped content."""
    client = anonymous_client()
    return {path: client.get(path).content.decode() for path in PAGES}


def test_there_are_at_least_30_situations_and_each_names_a_row_of_the_table():
    assert len(SITUATIONS) >= 30
    for situation in SITUATIONS:
        assert situation.row in table.BY_KEY, situation.words


@pytest.mark.parametrize("situation", SITUATIONS, ids=lambda s: s.words[:60])
def test_the_table_gives_each_situation_its_tier(situation):
    assert rank(table.BY_KEY[situation.row].tier) >= rank(situation.tier), (
        f"{situation.words!r} needs {situation.tier}, the table files it under {table.BY_KEY[situation.row].tier}"
    )


def test_no_page_shows_a_situation_under_a_lower_tier(rendered):
    # One rendering of every page for all situations; every failure is listed, not just the first.
    failures = []
    for situation in SITUATIONS:
        shown = [
            (path, tier) for path, html in rendered.items() for key, tier in placements(html) if key == situation.row
        ]
        if not shown:
            failures.append(f"no page shows the row for {situation.words!r}")
        failures.extend(
            f"{path}: {situation.words!r} needs {situation.tier} and is shown under {tier}"
            for path, tier in shown
            if tier is None or rank(tier) < rank(situation.tier)
        )
    assert failures == []


def test_every_tier_shown_on_a_page_holds_only_its_own_rows(rendered):
    """Nothing of another tier under a tier's heading: people scan headings."""
    for path, html in rendered.items():
        for key, tier in placements(html):
            assert table.BY_KEY[key].tier == tier, f"{path}: {key} ({table.BY_KEY[key].tier}) is shown under {tier}"


def test_a_sudden_droop_is_a_911_call_on_every_page(rendered):
    for path, html in rendered.items():
        assert ("sudden-droop", EMERGENCY) in placements(html), f"{path} lacks the sudden-droop row under 911"


def test_the_confirmation_email_files_each_row_under_its_own_tier(db):
    from consultations import emails
    from tests.consultation_fixtures import make_request

    body = emails.patient_confirmation(make_request(email="pat@example.com")).body
    headings = {table.TIERS[level].text().upper(): level for level in table.ORDER}
    tier = None
    for line in body.splitlines():
        tier = headings.get(line.strip(), tier)
        for row in table.ROWS:
            if line == f"- {row.text()}":
                assert tier == row.tier, f"{row.key} is listed under {tier} in the e-mail"
    assert f"- {table.BY_KEY['sudden-droop'].text()}" in body


def guided_answers(situation):
    amount, unit = situation.onset
    # "This morning" is given as today's date; "about 5 days ago" as an amount and a unit.
    when = (
        {"onset_date": date.today().isoformat()} if amount == 0 else {"onset_amount": str(amount), "onset_unit": unit}
    )
    answers = when | {"side": situation.side, "who": situation.who}
    answers["signs"] = list(situation.signs)
    if situation.doctor_seen:
        answers["doctor_seen"] = "on"
    return answers


@pytest.mark.parametrize("situation", SITUATIONS, ids=lambda s: s.words[:60])
def test_the_guided_page_answers_each_situation_with_its_tier(content, situation):
    response = anonymous_client().post("/what-should-i-do-now/", guided_answers(situation))
    assert response.status_code == 200
    html = response.content.decode()
    answer = re.search(r'data-answer-tier="([a-z-]+)"', html)
    assert answer, f"no answer for {situation.words!r}"
    assert answer.group(1) == situation.tier, f"{situation.words!r}: answered {answer.group(1)}, needs {situation.tier}"
    assert f'data-situation="{situation.row}"' in html
