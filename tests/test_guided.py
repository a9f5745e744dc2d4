"""The guided page "What should I do now?" (/what-should-i-do-now/): its rules (triage/guide.py),
its questions and their errors, its answer and timeline, and its privacy: answers are never stored,
never put in a URL and never logged."""

import logging
import re
from datetime import date, timedelta
from urllib.parse import urlencode, urlsplit

import pytest
from django.db import connection
from django.utils import timezone

from client_limits.models import RateLimitHit
from consultations.choices import ForWhom, Onset
from tests.conftest import Traffic
from tests.test_browser_pages import NO_SIDEWAYS_SCROLL, TEXT_BUDGET_BYTES
from triage import forms, guide, table

URL = "/what-should-i-do-now/"
TODAY = date(2026, 6, 15)

# ---- The rules ----

ONSETS = {"2 days": 2, "5 days": 5, "5 weeks": 35, "9 months": 270, "3 years": 3 * 365}


def assess(days, who=guide.ME, side=guide.ONE_SIDE, signs=(), doctor_seen=False):
    answers = guide.Answers(TODAY - timedelta(days=days), side, who, tuple(signs), doctor_seen)
    return guide.assess(answers, TODAY)


def keys(rows):
    return [row.key for row in rows]


def states(answer):
    return {step.window.key: step.state for step in answer.timeline}


# onset, who: (tier, rows that apply, timeline states)
EXPECTED = {
    ("2 days", guide.ME): (
        table.TODAY,
        ["new-weakness", "steroids-today", "protect-eye-today"],
        {
            "steroids": "closing",
            "eye": "open",
            "nerve-tests": "open",
            "nerve-surgery": "open",
            "muscle-transfer": "later",
        },
    ),
    ("2 days", guide.CHILD): (
        table.TODAY,
        ["new-weakness", "child-eye-today"],
        {"eye": "open", "nerve-tests": "open", "nerve-surgery": "open", "muscle-transfer": "later"},
    ),
    ("5 days", guide.ME): (
        table.TODAY,
        ["new-weakness"],
        {"steroids": "past", "eye": "open", "nerve-tests": "open", "nerve-surgery": "open", "muscle-transfer": "later"},
    ),
    ("5 days", guide.CHILD): (
        table.TODAY,
        ["new-weakness"],
        {"eye": "open", "nerve-tests": "open", "nerve-surgery": "open", "muscle-transfer": "later"},
    ),
    ("5 weeks", guide.ME): (
        table.ROUTINE,
        [],
        {"steroids": "past", "eye": "open", "nerve-tests": "past", "nerve-surgery": "open", "muscle-transfer": "later"},
    ),
    ("5 weeks", guide.CHILD): (
        table.ROUTINE,
        [],
        {"eye": "open", "nerve-tests": "past", "nerve-surgery": "open", "muscle-transfer": "later"},
    ),
    ("9 months", guide.ME): (
        table.ROUTINE,
        [],
        {"steroids": "past", "eye": "open", "nerve-tests": "past", "nerve-surgery": "open", "muscle-transfer": "later"},
    ),
    ("9 months", guide.CHILD): (
        table.ROUTINE,
        [],
        {"eye": "open", "nerve-tests": "past", "nerve-surgery": "open", "muscle-transfer": "later"},
    ),
    ("3 years", guide.ME): (
        table.ROUTINE,
        [],
        {"steroids": "past", "eye": "open", "nerve-tests": "past", "nerve-surgery": "past", "muscle-transfer": "open"},
    ),
    ("3 years", guide.CHILD): (
        table.ROUTINE,
        [],
        {"eye": "open", "nerve-tests": "past", "nerve-surgery": "past", "muscle-transfer": "open"},
    ),
}


@pytest.mark.parametrize(("onset", "who"), EXPECTED, ids=[f"{onset}-{who}" for onset, who in EXPECTED])
def test_each_onset_gives_its_tier_rows_and_timeline(onset, who):
    tier, rows, timeline = EXPECTED[onset, who]
    answer = assess(ONSETS[onset], who)
    assert answer.tier.level == tier
    assert keys(answer.rows) == rows
    assert states(answer) == timeline


def test_a_child_never_gets_adult_steroid_advice():
    for days in range(0, 30):
        answer = assess(days, guide.CHILD)
        assert "steroids-today" not in keys(answer.rows)
        assert "protect-eye-today" not in keys(answer.rows)
        assert "steroids" not in states(answer)


def test_the_first_three_days_show_the_steps_for_today_and_the_fourth_does_not():
    assert {"steroids-today", "protect-eye-today"} <= set(keys(assess(3).rows))
    assert not {"steroids-today", "protect-eye-today"} & set(keys(assess(4).rows))
    assert states(assess(3))["steroids"] == "closing"
    assert states(assess(1))["steroids"] == "open"
    assert states(assess(4))["steroids"] == "past"


def test_new_weakness_lasts_three_weeks_and_not_once_a_doctor_has_checked_it():
    assert "new-weakness" in keys(assess(21).rows)
    assert "new-weakness" not in keys(assess(22).rows)
    assert "new-weakness" not in keys(assess(5, doctor_seen=True).rows)
    assert assess(5, doctor_seen=True).tier.level == table.ROUTINE


def test_steps_alone_set_the_tier_when_a_doctor_has_seen_a_new_weakness():
    answer = assess(1, doctor_seen=True)
    assert answer.tier.level == table.TODAY
    assert keys(answer.tier_rows) == ["steroids-today", "protect-eye-today"]
    assert answer.step_rows == []


def test_both_sides_without_an_emergency_sign_is_for_today():
    answer = assess(60, side=guide.BOTH_SIDES)
    assert answer.tier.level == table.TODAY
    assert keys(answer.tier_rows) == ["both-sides-slow"]


def test_both_sides_with_an_emergency_sign_is_the_emergency_only():
    answer = assess(60, side=guide.BOTH_SIDES, signs=["both-sides-spreading"])
    assert answer.tier.level == table.EMERGENCY
    assert keys(answer.rows) == ["both-sides-spreading"]


def test_every_ticked_sign_applies_and_the_tier_is_the_highest():
    answer = assess(400, signs=["comes-back", "after-surgery", "stroke-signs"])
    assert keys(answer.rows) == ["stroke-signs", "after-surgery", "comes-back"]
    assert answer.tier == table.highest(answer.rows)
    assert answer.tier.level == table.EMERGENCY
    assert keys(answer.tier_rows) == ["stroke-signs"]
    assert keys(answer.other_rows) == ["after-surgery", "comes-back"]


def test_after_three_weeks_the_soon_rows_come_from_ticked_signs_only():
    assert assess(100).rows == []
    answer = assess(100, signs=["slow-worsening"])
    assert answer.tier.level == table.SOON
    assert keys(answer.tier_rows) == ["slow-worsening"]


def test_nothing_applies_gives_routine_and_what_to_watch_for():
    adult, child = assess(100), assess(100, guide.CHILD)
    assert adult.tier.level == child.tier.level == table.ROUTINE
    assert adult.tier.text() == "No warning signs in your answers"
    assert keys(adult.watch_rows) == ["slow-worsening", "no-recovery", "comes-back", "slow-nerve-signs"]
    assert keys(child.watch_rows) == ["slow-worsening", "comes-back", "slow-nerve-signs", "child-no-recovery"]


def test_the_timeline_puts_passed_windows_before_today():
    answer = assess(3 * 365)
    assert [step.window.key for step in answer.steps_before_today] == ["steroids", "nerve-tests", "nerve-surgery"]
    assert [step.state for step in answer.steps_from_today] == ["open", "open"]
    assert states(assess(400))["nerve-surgery"] == "closing"


def test_every_timeline_source_is_in_the_table():
    for window in guide.WINDOWS:
        assert window.sources
        for source in window.source_links():
            assert source["url"].startswith("http")


def test_the_signs_offered_follow_the_audience():
    adult, child = keys(guide.sign_rows(guide.ME)), keys(guide.sign_rows(guide.CHILD))
    assert "no-recovery" in adult and "no-recovery" not in child
    assert "child-ear" in child and "child-ear" not in adult
    assert "sudden-droop" in adult and "sudden-droop" in child
    assert all(table.BY_KEY[key].kind == table.SIGN for key in adult + child)


@pytest.mark.parametrize(
    ("days", "onset"),
    [
        (0, "3-days"),
        (3, "3-days"),
        (4, "3-weeks"),
        (21, "3-weeks"),
        (22, "6-months"),
        (270, "18-months"),
        (1095, "longer"),
    ],
)
def test_the_onset_maps_to_the_consultation_forms_choices(days, onset):
    assert guide.consultation_onset(days) == onset
    assert onset in Onset.values
    assert {guide.consultation_for_whom(guide.ME), guide.consultation_for_whom(guide.CHILD)} <= set(ForWhom.values)


# ---- The page ----


def prefill(client, data):
    """The guided page's request button, as a browser sends it: url-encoded, never multipart."""
    return client.post("/consultation/", urlencode(data), content_type="application/x-www-form-urlencoded")


def post(client, **answers):
    data = {"onset_unit": "days", "side": "one", "who": "me"} | answers
    return client.post(URL, {key: value for key, value in data.items() if value is not None})


def answer_of(response):
    html = response.content.decode()
    tier = re.search(r'data-answer-tier="([^"]+)"', html)
    return tier and tier.group(1), re.findall(r'data-situation="([^"]+)"', html)


@pytest.mark.django_db
def test_the_page_asks_its_questions_in_a_form_that_posts(client):
    response = client.get(URL)
    html = response.content.decode()
    assert response.status_code == 200
    assert re.search(r'<form method="post" action="/what-should-i-do-now/" id="triage-form"', html)
    assert 'type="date" name="onset_date"' in html
    assert 'name="onset_amount"' in html and 'name="onset_unit"' in html
    for key in keys(guide.sign_rows()):
        assert f'value="{key}"' in html
    assert "It is not a diagnosis" in html
    assert "data-answer-tier" not in html
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_the_page_names_its_reviewer(client):
    from practice.models import TeamMember

    TeamMember.objects.create(name="Dr. Later", role="Surgeon", can_review=True, position=200)
    TeamMember.objects.create(name="Dr. First", credentials="MD", role="Facial plastic surgeon", can_review=True)
    TeamMember.objects.create(name="Dr. Not", role="Nurse", can_review=False, position=0)
    html = client.get(URL).content.decode()
    assert 'Medically reviewed by <a href="/about/">Dr. First, MD</a> (Facial plastic surgeon)' in html


@pytest.mark.django_db
@pytest.mark.parametrize(("onset", "who"), EXPECTED, ids=[f"{onset}-{who}" for onset, who in EXPECTED])
def test_the_page_answers_each_onset_with_the_tier_first(client, onset, who):
    tier, rows, _timeline = EXPECTED[onset, who]
    response = post(client, onset_amount=str(ONSETS[onset]), who=who)
    html = response.content.decode()
    shown_tier, shown_rows = answer_of(response)
    assert shown_tier == tier
    # The tier comes before everything else in the answer, and before the form.
    assert html.index("data-answer-tier") < html.index("Your timeline") < html.index('id="triage-form"')
    assert set(rows) <= set(shown_rows)
    assert html.count('aria-current="date"') == 1
    if tier == table.ROUTINE:
        assert "No warning signs in your answers" in html


@pytest.mark.django_db
def test_the_answer_shows_ticked_signs_with_their_sources(client):
    response = post(client, onset_amount="2", onset_unit="years", signs=["comes-back", "ear-rash"])
    html = response.content.decode()
    tier, rows = answer_of(response)
    assert tier == table.TODAY
    assert "ear-rash" in rows and "comes-back" in rows
    assert 'data-source="MAYO-RHS"' in html
    assert str(table.BY_KEY["comes-back"].advice) in html


@pytest.mark.django_db
def test_the_request_button_carries_onset_and_who_in_a_post(client):
    html = post(client, onset_amount="2", who="child").content.decode()
    form = html[html.index('class="triage-answer__request"') - 100 :]
    assert '<form method="post" action="/consultation/"' in form
    assert 'name="prefill" value="1"' in form
    assert 'name="onset" value="3-days"' in form
    assert 'name="for_whom" value="child"' in form
    assert "csrfmiddlewaretoken" in form


# ---- Bad input: a specific message, and the answers kept ----

FUTURE = (timezone.localdate() + timedelta(days=2)).isoformat()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("answers", "field", "message"),
    [
        ({}, "onset_date", forms.NO_ONSET),
        ({"onset_date": "2026-01-05", "onset_amount": "3"}, "onset_date", forms.BOTH_ONSETS),
        ({"onset_date": FUTURE}, "onset_date", forms.FUTURE_DATE),
        ({"onset_date": "2026-02-31"}, "onset_date", forms.BAD_DATE),
        ({"onset_date": "1800-01-01"}, "onset_date", forms.TOO_LONG_AGO),
        ({"onset_amount": "three"}, "onset_amount", forms.BAD_AMOUNT),
        ({"onset_amount": "0"}, "onset_amount", forms.SMALL_AMOUNT),
        ({"onset_amount": "-4"}, "onset_amount", forms.SMALL_AMOUNT),
        ({"onset_amount": "500", "onset_unit": "years"}, "onset_amount", forms.TOO_LONG_AGO),
        ({"onset_amount": "3", "onset_unit": "fortnights"}, "onset_unit", forms.BAD_UNIT),
        ({"onset_amount": "3", "side": ""}, "side", "Choose one side or both sides."),
        ({"onset_amount": "3", "who": ""}, "who", "Choose who this is for."),
        ({"onset_amount": "3", "who": "me", "signs": ["child-ear"]}, "who", forms.WRONG_AUDIENCE),
        ({"onset_amount": "3", "who": "child", "signs": ["no-recovery"]}, "who", forms.WRONG_AUDIENCE_ADULT),
        ({"onset_amount": "3", "signs": ["not-a-row"]}, "signs", "Tick only the signs shown on this page."),
    ],
    ids=[
        "neither",
        "both",
        "future",
        "not-a-date",
        "too-old-date",
        "not-a-number",
        "zero",
        "negative",
        "too-long-ago",
        "bad-unit",
        "no-side",
        "no-who",
        "child-sign-for-me",
        "adult-sign-for-child",
        "unknown-sign",
    ],
)
def test_bad_input_gets_its_own_message_and_keeps_the_answers(client, answers, field, message):
    data = {"side": "both", "who": "me", "onset_unit": "weeks", "doctor_seen": "on"} | answers
    response = client.post(URL, data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "data-answer-tier" not in html
    assert response.context["form"].errors[field] == [str(message)]
    assert "<title>Error:" in html
    # The summary links to the field with the message.
    assert re.search(rf'<li><a href="#id_{field}(_0)?">{re.escape(str(message))}', html.replace("&#x27;", "'"))
    # The answers are kept.
    if data.get("side"):
        assert re.search(rf'name="side" value="{data["side"]}"\s+id="id_side_\d" required[^>]*checked', html)
    if data.get("onset_amount"):
        assert f'name="onset_amount" value="{data["onset_amount"]}"' in html
    if data.get("onset_date"):
        assert f'value="{data["onset_date"]}"' in html
    assert re.search(r'name="doctor_seen"[^>]*checked', html)


@pytest.mark.django_db
def test_a_date_error_is_announced_with_the_date_field(client):
    html = client.post(URL, {"onset_date": FUTURE, "side": "one", "who": "me"}).content.decode()
    assert 'aria-describedby="onset-hint id_onset_date_error"' in html
    assert 'id="id_onset_date_error"' in html


# ---- Privacy ----


def row_counts():
    with connection.cursor() as cursor:
        counts = {}
        for name in connection.introspection.table_names(cursor):
            cursor.execute(f'SELECT count(*) FROM "{name}"')  # noqa: S608 (names from the database itself)
            counts[name] = cursor.fetchone()[0]
    return counts


ANSWERS = {
    "onset_date": (timezone.localdate() - timedelta(days=2)).isoformat(),
    "side": "both",
    "who": "child",
    "signs": ["child-ear", "comes-back"],
    "doctor_seen": "on",
}


def assert_not_logged(text):
    for value in (ANSWERS["onset_date"], "child-ear", "comes-back", "onset_date", "doctor_seen"):
        assert value not in text


@pytest.mark.django_db
def test_answering_writes_nothing_logs_nothing_and_sets_no_session(client, caplog):
    client.get(URL)
    before = row_counts()
    with caplog.at_level(logging.DEBUG):
        response = client.post(URL, ANSWERS)
        client.post(URL, ANSWERS | {"onset_amount": "x"})  # an answer with an error too
    assert answer_of(response)[0] == table.TODAY
    assert row_counts() == before
    assert "sessionid" not in response.cookies
    assert_not_logged(caplog.text)
    assert response.wsgi_request.sensitive_post_parameters == "__ALL__"
    assert "no-store" in response["Cache-Control"]


# ---- The consultation form, pre-filled from the answer ----


@pytest.mark.django_db
def test_the_request_button_pre_selects_the_consultation_form_without_a_submission(client):
    client.get(URL)
    hits = RateLimitHit.objects.count()
    response = prefill(client, {"prefill": "1", "onset": "6-months", "for_whom": "child"})
    html = response.content.decode()
    assert response.status_code == 200
    assert re.search(r'name="onset" value="6-months"[^>]*checked', html)
    assert re.search(r'name="for_whom" value="child"[^>]*checked', html)
    assert "There is a problem" not in html and "is-invalid" not in html
    assert RateLimitHit.objects.count() == hits


@pytest.mark.django_db
def test_unknown_pre_selections_are_dropped(client):
    response = prefill(client, {"prefill": "1", "onset": "ages", "for_whom": "<b>"})
    html = response.content.decode()
    assert response.context["form"].initial == {}
    assert "There is a problem" not in html
    assert not re.search(r'name="(onset|for_whom)"[^>]*checked', html)


@pytest.mark.django_db
def test_a_recent_onset_shows_the_forms_urgent_guidance(client):
    html = prefill(client, {"prefill": "1", "onset": "3-days", "for_whom": "self"}).content.decode()
    assert re.search(r'name="onset" value="3-days"[^>]*checked', html)
    assert 'id="urgent-guidance" aria-labelledby="urgent-guidance-title">' in html
    assert "Today: see a doctor" in html
    # A long-standing onset pre-filled keeps the guidance hidden.
    later = prefill(client, {"prefill": "1", "onset": "6-months", "for_whom": "self"}).content.decode()
    assert 'aria-labelledby="urgent-guidance-title" hidden>' in later


# ---- Links to the page ----


@pytest.mark.django_db
def test_the_home_page_links_to_the_page_in_its_first_screen(client, content):
    html = client.get("/").content.decode()
    link = html.index(f'href="{URL}"')
    assert link < html.index('id="time-title"')
    assert "What should I do now?" in html[link : link + 200]


@pytest.mark.django_db
@pytest.mark.parametrize("slug", ["bells-palsy", "facial-palsy-in-children", "synkinesis"])
def test_condition_pages_link_to_the_page_by_the_urgent_box(client, content, slug):
    html = client.get(f"/conditions/{slug}/").content.decode()
    # The box is in full or short form (urgent-notice--short on long-standing pages): the link follows it.
    assert html.index('class="urgent-notice') < html.index(f'href="{URL}"')


# ---- In a real browser, with and without JavaScript, on a 320 px wide screen ----

NARROW = {"width": 320, "height": 720}


@pytest.fixture
def narrow(browser):
    contexts = []

    def open_page(javascript=True):
        context = browser.new_context(viewport=NARROW, java_script_enabled=javascript)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


def answer_in_browser(page, live_server, onset, who="me"):
    page.goto(live_server.url + URL)
    if onset == "2 days":
        page.fill("#id_onset_date", (timezone.localdate() - timedelta(days=2)).isoformat())
    else:
        page.fill("#id_onset_amount", "3")
        page.select_option("#id_onset_unit", "years")
    page.check("#id_side_0")
    page.check("#id_who_0" if who == "me" else "#id_who_1")
    with page.expect_navigation():
        page.click("#triage-form button[type=submit]")


@pytest.mark.browser
@pytest.mark.usefixtures("live_content")
@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
@pytest.mark.parametrize("onset", ["2 days", "3 years"])
def test_a_browser_gets_the_answer_with_no_query_string_no_row_written_and_nothing_logged(
    narrow, live_server, axe, caplog, javascript, onset
):
    page = narrow(javascript)
    traffic = Traffic(page, live_server.url)
    console = []
    page.on("console", lambda message: console.append(message.text))
    page.goto(live_server.url + URL)
    # axe runs in the page's JavaScript, so only with it on; the markup is the same either way.
    if javascript:
        assert axe(page) == []
        # Only the signs for the person chosen show; without JavaScript every group shows.
        page.check("#id_who_0")
        assert page.locator("[data-audience=child]").is_hidden()
        assert page.locator("[data-audience=adult]").is_visible()
    before = row_counts()
    with caplog.at_level(logging.DEBUG):
        answer_in_browser(page, live_server, onset)
    tier, rows, timeline = EXPECTED[onset, guide.ME]
    assert page.locator("[data-answer-tier]").get_attribute("data-answer-tier") == tier
    shown = page.locator("[data-window]")
    assert {
        shown.nth(i).get_attribute("data-window"): shown.nth(i).get_attribute("data-state")
        for i in range(shown.count())
    } == timeline
    for key in rows:
        assert page.locator(f"[data-situation='{key}']").count() >= 1
    assert urlsplit(page.url).query == ""
    assert page.url == live_server.url + URL
    assert row_counts() == before
    assert_not_logged(caplog.text)
    assert traffic.foreign == []
    assert traffic.transferred_as("document", "stylesheet", "script") <= TEXT_BUDGET_BYTES
    if javascript:
        assert axe(page) == []
        assert page.evaluate(NO_SIDEWAYS_SCROLL)
        assert not [text for text in console if "Content Security Policy" in text]


@pytest.mark.browser
@pytest.mark.usefixtures("live_content")
def test_the_request_button_lands_on_the_consultation_form_pre_selected(narrow, live_server, axe):
    page = narrow()
    answer_in_browser(page, live_server, "2 days", who="child")
    with page.expect_navigation():
        page.get_by_role("button", name="Request a consultation").click()
    assert urlsplit(page.url).path == "/consultation/"
    assert urlsplit(page.url).query == ""
    assert page.locator("input[name=onset][value='3-days']").is_checked()
    assert page.locator("input[name=for_whom][value=child]").is_checked()
    assert page.locator(".is-invalid").count() == 0
    assert axe(page) == []


@pytest.mark.browser
@pytest.mark.usefixtures("live_content")
def test_the_answer_prints_on_one_page_without_the_form(narrow, live_server):
    page = narrow()
    page.goto(live_server.url + URL)
    # A long answer: the first days, with two signs ticked.
    page.fill("#id_onset_amount", "1")
    page.check("#id_side_0")
    page.check("#id_who_0")
    for key in ("ear-rash", "eye-red"):
        page.check(f"input[name=signs][value='{key}']")
    with page.expect_navigation():
        page.click("#triage-form button[type=submit]")
    page.emulate_media(media="print")
    assert page.locator("[data-answer-tier]").is_visible()
    assert page.locator(".triage-answer__summary").is_visible()
    for hidden in ("#triage-form", ".triage-answer__request", ".site-menu", ".site-footer"):
        assert page.locator(hidden).first.is_hidden(), hidden
    pdf = page.pdf(format="Letter", print_background=False)
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1


@pytest.mark.django_db
def test_the_request_button_needs_the_csrf_token_like_any_post():
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    assert prefill(strict, {"prefill": "1", "onset": "3-days", "for_whom": "self"}).status_code == 403
