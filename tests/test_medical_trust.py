"""Medical pages patients can trust: one urgent-care voice, a source on every figure, a named reviewer."""

import re
import shutil
from datetime import timedelta
from html import escape, unescape
from pathlib import Path

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from conditions.models import Condition
from guides.models import Guide
from practice.models import TeamMember
from tests import content_checks
from tests.content_checks import CONDITION_SLUGS, GUIDE_SLUGS, TREATMENT_SLUGS, guide_path
from tests.pages import anonymous_client, parse, sitemap_paths
from triage import table

MEDICAL_PATHS = (
    [f"/conditions/{slug}/" for slug in CONDITION_SLUGS]
    + [f"/treatments/{slug}/" for slug in TREATMENT_SLUGS]
    + [guide_path(slug) for slug in GUIDE_SLUGS]
)
NEW_PATHS = [
    "/eye-care/",
    "/conditions/head-and-neck-tumors/",
    "/conditions/infections-and-inflammation/",
    "/conditions/facial-palsy-in-children/",
    "/facial-nerve-grading/",
    "/your-first-consultation/",
    "/choosing-a-treatment/synkinesis/",
    "/choosing-a-treatment/smile/",
    "/living-with-facial-palsy/",
]
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def client(content):
    return anonymous_client()


def emergency_tier(html):
    """The words of the urgent box's first tier, tags removed."""
    match = re.search(r'class="urgent-tier urgent-tier--emergency" data-tier="emergency">(.*?)</div>', html, re.DOTALL)
    assert match, "no emergency tier on the page"
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", match.group(1))).split())


@pytest.mark.parametrize("path", [*MEDICAL_PATHS, "/", "/contact/"])
def test_the_first_urgent_tier_sends_a_sudden_droop_on_either_side_or_any_doubt_to_911(client, path):
    response = client.get(path)
    assert response.status_code == 200
    tier = emergency_tier(response.content.decode())
    assert tier.startswith("Call 911 now")
    assert table.BY_KEY["sudden-droop"].text() in tier


def test_the_form_and_the_confirmation_email_use_the_same_table(client, settings):
    from consultations import emails
    from tests.consultation_fixtures import make_request

    form_html = client.get("/consultation/").content.decode()
    assert table.BY_KEY["sudden-droop"].text() in emergency_tier(form_html)
    message = emails.patient_confirmation(make_request(email="pat@example.com"))
    assert "CALL 911 NOW" in message.body
    assert f"- {table.BY_KEY['sudden-droop'].text()}" in message.body
    assert "&#x27;" not in message.body and "&amp;" not in message.body
    assert mail.outbox == []


def test_the_emergency_number_comes_from_the_setting(client, settings):
    settings.CLINIC_EMERGENCY_NUMBER = "112"
    html = client.get("/conditions/bells-palsy/").content.decode()
    assert emergency_tier(html).startswith("Call 112 now")
    assert 'href="tel:112"' in html and "911" not in re.sub(r"<[^>]+>", " ", html)


@pytest.mark.parametrize("path", MEDICAL_PATHS)
def test_every_medical_page_names_its_reviewer_with_the_date_also_in_structured_data(client, path):
    page = parse(client.get(path))
    html = client.get(path).content.decode()
    reviewer = TeamMember.objects.reviewers().get()
    assert f'Medically reviewed by <a href="/about/">{reviewer.name_with_credentials}</a>' in html
    web_page = next(n for n in page.json_ld[0]["@graph"] if n["@type"] == "MedicalWebPage")
    assert web_page["reviewedBy"] == {
        "@type": "Person",
        "name": reviewer.name,
        "jobTitle": reviewer.role,
        "honorificSuffix": reviewer.credentials,
    }
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", web_page["lastReviewed"])


@pytest.mark.parametrize("path", MEDICAL_PATHS)
def test_every_figure_links_to_an_entry_of_the_page_source_list(client, path):
    html = client.get(path).content.decode()
    targets = set(re.findall(r'<sup class="ref">\[(.*?)\]</sup>', html))
    assert targets, "no numbered source on the page"
    numbers = {n for group in targets for n in re.findall(r'href="#source-(\d+)" aria-label="Source \1"', group)}
    for number in numbers:
        entry = re.search(rf'<li id="source-{number}"><a href="(https?://[^"]+)">', html)
        assert entry, f"source {number} is cited but not listed"
    listed = re.findall(r'<li id="source-(\d+)">', html)
    assert set(listed) == numbers, "every listed source is cited, and only those"
    assert "[@" not in html, "a marker was left unrendered"


def test_the_about_page_lists_the_team_from_its_records(client):
    TeamMember.objects.create(name="Dr. Casey Demo", credentials="PhD", role="Psychologist (fictional demo)")
    response = client.get("/about/")
    html = response.content.decode()
    assert "Dr. Casey Demo, PhD" in html and "Psychologist (fictional demo)" in html
    types = [n["@type"] for n in parse(response).json_ld[0]["@graph"]]
    assert "Physician" in types and "Person" in types


def test_a_page_reviewed_13_months_ago_is_listed_as_due(admin_client, content):
    stale = Condition.objects.get(slug="synkinesis")
    stale.last_reviewed = timezone.localdate() - timedelta(days=396)
    stale.save()
    html = admin_client.get("/admin/conditions/condition/?review=due").content.decode()
    assert f"/admin/conditions/condition/{stale.pk}/change/" in html
    assert html.count("Due for review") == 1
    others = Condition.objects.exclude(pk=stale.pk)
    assert not any(f"/admin/conditions/condition/{pk}/change/" in html for pk in others.values_list("pk", flat=True))
    full_list = admin_client.get("/admin/conditions/condition/").content.decode()
    assert full_list.count("Due for review") == 1 and full_list.count("Up to date") == others.count()


def test_staff_cannot_save_a_figure_without_a_source(content):
    page = Condition.objects.get(slug="bells-palsy")
    page.body += "\n\nAbout 50% of people feel better."
    with pytest.raises(ValidationError) as error:
        page.full_clean()
    assert "A figure needs a source marker" in str(error.value.message_dict["body"])
    page.body = page.body.replace("feel better.", "feel better [@NOPE].")
    with pytest.raises(ValidationError) as error:
        page.full_clean()
    assert "NOPE" in str(error.value.message_dict["body"])
    page.sources += "\n- COPY: [A copy](https://www.scribd.com/document/1)"
    with pytest.raises(ValidationError) as error:
        page.full_clean()
    assert "mirror" in str(error.value.message_dict["sources"])


def test_staff_cannot_save_a_situation_the_triage_table_lacks(content):
    page = Condition.objects.get(slug="bells-palsy")
    page.urgent_situations = [*page.urgent_situations, "stubbed-toe"]
    with pytest.raises(ValidationError) as error:
        page.full_clean()
    assert "stubbed-toe" in str(error.value.message_dict["urgent_situations"])


def test_staff_cannot_save_an_urgent_instruction_in_page_text(content):
    page = Condition.objects.get(slug="bells-palsy")
    page.body += "\n\nIf your eye hurts, see a doctor the same day."
    with pytest.raises(ValidationError) as error:
        page.full_clean()
    assert "triage table" in str(error.value.message_dict["body"])


def test_a_guide_cannot_take_an_address_the_site_already_uses(content):
    guide = Guide.objects.get(slug="eye-care")
    guide.slug = "about"
    with pytest.raises(ValidationError) as error:
        guide.full_clean()
    assert "slug" in error.value.message_dict


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (lambda text: text.replace("tumor", "tumour", 1), "British spellings"),
        (lambda text: text.replace("prednisone", "prednisolone", 1), "British spellings"),
        (lambda text: re.sub(r"\]\(https://[^/)]+", "](https://staging.example.org", text, count=1), "mirror"),
        (
            lambda text: text.replace("Bell's palsy is", "About 40% notice it. Bell's palsy is", 1),
            "figure without a source",
        ),
        (lambda text: text.replace("[@", "[@UNKNOWN", 1), "markers name sources not in the list"),
        (lambda text: text.replace("Bell's palsy is", "Our team includes psychologists. Bell's palsy is", 1), "claims"),
        # Urgent instructions belong to the triage table, whatever words carry them.
        (
            lambda text: text.replace("## Symptoms\n", "## Symptoms\n\nIf both sides are weak, see a GP soon.\n", 1),
            "urgent instruction outside the triage table",
        ),
        (
            lambda text: text.replace("## Causes\n", "## Causes\n\nCall 911 if your arm is weak.\n", 1),
            "urgent instruction outside the triage table",
        ),
        (
            lambda text: text.replace("## Causes\n", "## Causes\n\nGo to the emergency room at once.\n", 1),
            "urgent instruction outside the triage table",
        ),
        (lambda text: text.replace("urgent_situations = [", 'urgent_situations = ["no-row", ', 1), "not in the triage"),
        (
            lambda text: re.sub(r"urgent_situations = \[[^\]]*\]", 'urgent_situations = ["eye-red"]', text, count=1),
            "asks for a step for today",
        ),
        (lambda text: text.replace("urgent_situations = [", 'urgent_situations = ["child-ear", ', 1), "children's"),
        (lambda text: text.replace("A", "A placebo, or dummy pill. A", 1), "British"),
    ],
)
def test_the_content_checks_refuse(tmp_path, change, problem):
    original = ROOT / "conditions" / "content" / "bells-palsy.toml"
    assert content_checks.problems(original, "condition") == []
    copy = tmp_path / "bells-palsy.toml"
    shutil.copy(original, copy)
    changed = change(original.read_text())
    assert changed != original.read_text(), "the test's change found nothing to change"
    copy.write_text(changed)
    assert any(problem in found for found in content_checks.problems(copy, "condition"))


@pytest.mark.parametrize("path", NEW_PATHS)
def test_new_pages_are_listed_and_linked_both_ways(client, path):
    assert client.get(path).status_code == 200
    assert path in sitemap_paths(client)
    lists = {"/conditions/": "/conditions/", "/": "/guides/", "/choosing-a-treatment/": "/guides/"}
    listing = next(
        lists[prefix] for prefix in ("/conditions/", "/choosing-a-treatment/", "/") if path.startswith(prefix)
    )
    assert path in parse(client.get(listing)).links
    outgoing = [link for link in parse(client.get(path)).links if link in MEDICAL_PATHS and link != path]
    assert outgoing, f"{path} links to no other medical page"
    incoming = [other for other in MEDICAL_PATHS if other != path and path in parse(client.get(other)).links]
    assert incoming, f"no other medical page links to {path}"


@pytest.mark.parametrize("slug", sorted(content_checks.SUDDEN_CONDITIONS))
def test_sudden_conditions_show_do_this_today_from_the_triage_table(client, slug):
    page = Condition.objects.get(slug=slug)
    html = client.get(f"/conditions/{slug}/").content.decode()
    box = re.search(r'<section class="do-today".*?</section>', html, re.DOTALL).group(0)
    steps = [row for row in page.triage_rows if row.kind == table.STEP]
    assert steps, "a condition that starts suddenly asks for a step for today"
    for row in steps:
        assert escape(row.text()) in box
    # A sudden droop comes first: only a doctor can rule out a stroke.
    assert box.index('data-situation="sudden-droop"') < box.index(f'data-situation="{steps[0].key}"')
    # The one-line emergency bar before the box, and the box before the full tiers.
    assert html.index('class="urgent-bar"') < html.index('class="do-today"') < html.index('class="urgent-notice"')


def test_every_step_for_today_a_page_asks_for_is_shown_in_its_do_this_today_box(client):
    # The short urgent box of long-standing pages shows signs only: a step (protect the eye today)
    # must still reach the reader, in the "Do this today" box after it.
    for model in (Condition, Guide):
        for page in model.objects.published():
            steps = [row for row in page.triage_rows if row.kind == table.STEP]
            if not steps:
                continue
            html = client.get(page.get_absolute_url()).content.decode()
            box = re.search(r'<section class="do-today".*?</section>', html, re.DOTALL)
            assert box, f"{page.slug} asks for a step for today and shows no Do this today box"
            for row in steps:
                assert f'data-situation="{row.key}"' in box.group(0), (page.slug, row.key)


def test_long_standing_pages_show_the_urgent_box_short_and_sudden_ones_in_full(client):
    from conditions.onset import OPENS_WITH_TODAY

    for path in MEDICAL_PATHS:
        html = client.get(path).content.decode()
        full = path.removeprefix("/conditions/").strip("/") in OPENS_WITH_TODAY
        assert ("urgent-notice--short" in html) is not full, path
        # The lead comes before the urgent box on every page, and the request button after it.
        assert html.index('class="lead"') < html.index('class="urgent-notice') < html.index('class="request-button"')
        if full:
            assert html.index('class="do-today"') < html.index('class="urgent-notice')


def test_the_lead_gives_the_answer_with_its_source(client):
    html = client.get("/conditions/bells-palsy/").content.decode()
    lead = re.search(r'<div class="lead">(.*?)</div>', html, re.DOTALL).group(1)
    assert "71% recover fully" in lead and 'href="#source-' in lead


# The answer a patient came for, which must sit in the lead's first two sentences, with its source: a
# one-line "what it is" may come first, background may not. Leads used to open with background (what the
# nerve is, its causes, "this page explains") and gave the answer late, unsourced or not at all. Every
# condition page is listed, so a new page needs its answer here too.
LEAD_ANSWERS = {
    "facial-paralysis": [
        "often gets better",
        "a lot can still help, even years after it starts",
        "treatment works best when it starts today",
    ],
    "bells-palsy": ["most people get their movement back", "Treatment works best when it starts today"],
    "synkinesis": ["It can be eased", "facial therapy first, then Botox"],
    "ramsay-hunt-syndrome": ["most people get back near-normal movement"],
    "acoustic-neuroma": ["not a cancer", "weaken the face", "weakness can fade"],
    "moebius-syndrome": ["present from birth", "does not get worse", "smile surgery can give a child a smile"],
    "facial-nerve-injury": ["a cut nerve is best repaired early"],
    "head-and-neck-tumors": ["creeps on over weeks or months", "lump in the cheek", "needs tests"],
    "infections-and-inflammation": ["antibiotics treat it", "most people get their movement back"],
    # Parents ask first: will my child get better (what to do now is the page's triage box).
    "facial-palsy-in-children": ["Most children with a weak face get better", "96% recovered"],
}
SOURCE = "\x00source\x00"  # where a numbered source sat in the lead


def lead_sentences(html):
    """The lead's sentences as a reader sees them, tags removed; each numbered source left as SOURCE."""
    lead = re.search(r'<div class="lead">(.*?)</div>', html, re.DOTALL).group(1)
    lead = re.sub(r'<sup class="ref">.*?href="#source-.*?</sup>', SOURCE, lead, flags=re.DOTALL)
    text = " ".join(unescape(re.sub(r"<[^>]+>", " ", lead)).split())
    return re.split(r"(?<=[.!?])\s+(?=[A-Z])", text)


def test_every_condition_page_has_its_lead_answer_listed():
    assert sorted(LEAD_ANSWERS) == sorted(CONDITION_SLUGS)


@pytest.mark.parametrize("slug", LEAD_ANSWERS)
def test_the_lead_opens_with_the_answer_the_patient_came_for(client, slug):
    html = client.get(f"/conditions/{slug}/").content.decode()
    sentences = lead_sentences(html)
    opening = " ".join(sentences[:2])
    words = opening.replace(SOURCE, "")
    for answer in LEAD_ANSWERS[slug]:
        assert answer in words, f"the lead's first two sentences do not say {answer!r}: {words}"
    assert SOURCE in opening, f"the answer in the lead's first two sentences links to no source: {words}"
    assert "this page" not in " ".join(sentences).lower(), "the lead answers; it does not signpost"


# The sub-headings a patient scans "On this page" for: what can help, will it get better, their own cause.
CONTENTS_SUB_HEADINGS = {
    "acoustic-neuroma": [
        "Protecting the eye comes first",
        "If the nerve was left whole",
        "If the nerve was cut",
        "Will my face get better?",
        "If your face does not recover",
    ],
    "moebius-syndrome": ["Eye care", "Facial therapy", "Smile surgery", "After smile surgery"],
    "head-and-neck-tumors": [
        "When a tumor is mistaken for Bell's palsy",
        "Keeping or repairing the nerve",
        "Later options",
        "Protecting your eye",
    ],
    "infections-and-inflammation": [
        "Palsy on both sides",
        "Lyme disease",
        "Ear infections",
        "Protect your eye",
        "If weakness lasts",
    ],
}


@pytest.mark.parametrize("slug", CONTENTS_SUB_HEADINGS)
def test_on_this_page_lists_the_sub_headings_patients_look_for(client, slug):
    html = client.get(f"/conditions/{slug}/").content.decode()
    contents = re.search(r'<nav class="page-contents".*?</nav>', html, re.DOTALL).group(0)
    # Sub-headings sit in the nested lists, under their section.
    listed = {
        unescape(title): anchor
        for nested in re.findall(r"<li><a [^>]+>[^<]+</a>\s*<ul>(.*?)</ul>", contents, re.DOTALL)
        for anchor, title in re.findall(r'<a href="#([^"]+)">([^<]+)</a>', nested)
    }
    for title in CONTENTS_SUB_HEADINGS[slug]:
        assert title in listed, f"'On this page' does not list {title!r} (lists {sorted(listed)})"
        assert f'<h3 id="{listed[title]}">' in html, f"{title!r} links to no heading of the page"


def test_the_home_route_for_an_eye_that_does_not_close_leads_to_eye_care(client):
    html = client.get("/").content.decode()
    assert re.search(r'<a href="/eye-care/">My eye does not close all the way</a>', html)
