"""The front desk's day in the admin: the queue, outcomes, earlier requests, saved views, the menu."""

import re
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group, Permission, User
from django.contrib.staticfiles import finders
from django.test import Client
from django.utils import timezone

from consultations.front_desk_admin import due_words, how_to_reach_html
from consultations.groups import FRONT_DESK
from consultations.models import AuditEntry, ConsultationRequest, Note
from consultations.questions import QUESTIONS
from consultations.worklist import due_by
from practice.models import Practice
from tests.consultation_fixtures import make_request
from tests.staff_fixtures import sign_in_verified

CHANGELIST = "/admin/consultations/consultationrequest/"
LOCAL = ZoneInfo("America/New_York")  # TIME_ZONE in the test settings


def change_url(consultation):
    return f"{CHANGELIST}{consultation.pk}/change/"


def outcome_url(consultation):
    return f"{CHANGELIST}{consultation.pk}/outcome/"


def local(*args):
    return datetime(*args, tzinfo=LOCAL)


def row(html, consultation):
    """The list's table row for one request."""
    [found] = [r for r in html.split("<tr") if consultation.reference in r]
    return found


def references_in_order(html, consultations):
    return sorted(consultations, key=lambda c: html.index(c.reference))


@pytest.fixture
def front_desk(db):
    user = User.objects.create_user("desk", password="desk-password-123", is_staff=True)
    user.groups.add(Group.objects.get(name=FRONT_DESK))
    return user


@pytest.fixture
def desk_client(client, front_desk):
    return sign_in_verified(client, front_desk)


# The practice's name.


def test_the_admin_header_and_title_carry_the_practice_name_as_it_is_now(desk_client):
    practice = Practice.objects.current()
    practice.name = "Riverside Facial Nerve Center"
    practice.save()
    for url in ("/admin/", CHANGELIST):
        html = desk_client.get(url).content.decode()
        assert re.search(r'id="site-name"><a href="/admin/">Riverside Facial Nerve Center</a>', html), url
        assert "Riverside Facial Nerve Center staff</title>" in html, url
        assert "Django administration" not in html and "Django site admin" not in html, url
    assert "<h1>Riverside Facial Nerve Center administration</h1>" in desk_client.get("/admin/").content.decode()
    practice.name = "Hillside Clinic"
    practice.save()
    assert "Hillside Clinic staff</title>" in desk_client.get("/admin/").content.decode()


# When a request is due.


END = (23, 59, 59, 999999)


@pytest.mark.parametrize(
    ("arrived", "open_days", "due"),
    [
        (local(2026, 1, 12, 10, 0), "12345", local(2026, 1, 14, *END)),  # Monday -> end of Wednesday
        (local(2026, 1, 15, 16, 30), "12345", local(2026, 1, 19, *END)),  # Thursday -> end of Monday
        (local(2026, 1, 16, 15, 0), "12345", local(2026, 1, 20, *END)),  # Friday -> end of Tuesday
        (local(2026, 1, 17, 9, 0), "12345", local(2026, 1, 20, *END)),  # Saturday -> end of Tuesday
        (local(2026, 1, 18, 23, 0), "12345", local(2026, 1, 20, *END)),  # Sunday -> end of Tuesday
        (local(2026, 1, 16, 15, 0), "123456", local(2026, 1, 19, *END)),  # open Saturdays: Friday -> Monday
    ],
)
def test_a_request_is_due_by_the_end_of_the_day_the_patient_was_promised(arrived, open_days, due):
    practice = Practice.demo()
    practice.open_days = open_days
    # The same day the confirmation page and e-mail give the patient.
    assert practice.reply_by(arrived) == due.date()
    assert due_by(arrived, practice) == due


def test_nothing_is_due_when_the_practice_promises_no_date(desk_client):
    practice = Practice.objects.current()
    practice.reply_working_days = None
    practice.save()
    old = make_request(created_at=timezone.now() - timedelta(days=9))
    assert due_by(old.created_at, practice) is None
    html = desk_client.get(CHANGELIST).content.decode()
    assert "Overdue" not in row(html, old)


def test_a_later_arrival_is_never_due_before_an_earlier_one():
    # The list sorts by arrival to sort by due (consultations/worklist.py): that needs this to hold.
    # Every 20 minutes over three weeks, across weekends and the end of daylight saving time.
    practice = Practice.demo()
    start = datetime(2026, 10, 23, tzinfo=ZoneInfo("UTC"))
    arrivals = [start + timedelta(minutes=20 * step) for step in range(3 * 7 * 24 * 3)]
    dues = [due_by(arrived, practice) for arrived in arrivals]
    assert all(earlier <= later for earlier, later in zip(dues, dues[1:], strict=False))
    assert all(due - arrived >= timedelta(days=2) for arrived, due in zip(arrivals, dues, strict=True))


@pytest.mark.parametrize(
    "arrived",
    [local(2026, 1, 16, 0, 5), local(2026, 1, 16, 15, 0), local(2026, 1, 17, 9, 0)],  # Friday; Saturday (closed)
)
def test_a_time_sensitive_request_is_due_by_the_end_of_the_day_it_arrived(arrived):
    practice = Practice.demo()
    today = local(arrived.year, arrived.month, arrived.day, *END)
    assert due_by(arrived, practice, time_sensitive=True) == today
    assert due_by(arrived, practice) > today  # any other request: the promised day, later
    # The urgency is the clinic's own, not the promise: it holds when no reply date is promised.
    practice.reply_working_days = None
    assert due_by(arrived, practice, time_sensitive=True) == today


def test_a_time_sensitive_request_is_due_today_and_overdue_tomorrow_in_the_list(front_desk, time_machine):
    time_machine.move_to(local(2026, 1, 14, 9, 0), tick=False)  # a Wednesday morning
    urgent = make_request(created_at=local(2026, 1, 14, 8, 0), onset="3-days")
    calm = make_request(created_at=local(2026, 1, 14, 8, 0))
    desk = sign_in_verified(Client(), front_desk)
    due_today = desk.get(CHANGELIST, {"queue": "due-today"}).content.decode()
    found = set(re.findall(r"FN-[A-Z0-9]{4}-[A-Z0-9]{4}", due_today))
    assert found == {urgent.reference}
    page = desk.get(change_url(urgent)).content.decode()
    assert f'datetime="{local(2026, 1, 14, *END).isoformat()}"' in page
    time_machine.move_to(local(2026, 1, 15, 0, 30), tick=False)  # just past midnight
    html = sign_in_verified(Client(), front_desk).get(CHANGELIST).content.decode()  # the session has timed out
    assert "Overdue" in row(html, urgent) and "Overdue" not in row(html, calm)


@pytest.mark.parametrize(
    ("now", "words"),
    [
        (local(2026, 1, 14, 9, 0), "Due in 2 days"),  # due by the end of Friday the 16th
        (local(2026, 1, 15, 23, 0), "Due tomorrow"),
        (local(2026, 1, 16, 8, 0), "Due today"),
        (local(2026, 1, 17, 0, 1), "Overdue by 1 day"),
        (local(2026, 1, 20, 12, 0), "Overdue by 4 days"),
    ],
)
def test_the_due_time_is_said_in_a_few_words(now, words):
    assert due_words(local(2026, 1, 16, *END), now) == words


# The list.


def test_list_pins_time_sensitive_requests_then_sorts_by_due_and_marks_overdue(desk_client):
    now = timezone.now()
    overdue = make_request(created_at=now - timedelta(days=6))
    waiting = make_request(created_at=now - timedelta(minutes=5))
    recent_onset = make_request(created_at=now - timedelta(minutes=1), onset="3-days")
    voicemail_left = make_request(created_at=now - timedelta(minutes=2), onset="3-days", status="contacted")
    booked = make_request(created_at=now - timedelta(minutes=3), onset="3-days", status="scheduled")
    handled = make_request(created_at=now - timedelta(days=8), status="closed")
    html = desk_client.get(CHANGELIST).content.decode()
    assert references_in_order(html, [handled, booked, waiting, recent_onset, overdue, voicemail_left]) == [
        voicemail_left,  # time-sensitive and still to reach: pinned, oldest first
        recent_onset,
        overdue,  # awaiting a reply, oldest due first
        waiting,
        booked,  # the rest, newest first
        handled,
    ]
    for consultation in (recent_onset, voicemail_left, booked):
        assert '<span class="tag-time-sensitive">Time-sensitive</span>' in row(html, consultation)
    for consultation in (overdue, waiting, handled):
        assert "Time-sensitive" not in row(html, consultation)
    # Overdue in words and in red (the class's color), not by color alone.
    assert re.search(
        r'<span class="due-overdue"><strong><time datetime="[^"]+">Overdue by \d+ days?</time></strong>',
        row(html, overdue),
    )
    assert "Overdue" not in row(html, waiting)
    due = due_by(waiting.created_at, Practice.objects.current())
    assert f'datetime="{timezone.localtime(due).isoformat()}"' in row(html, waiting)
    assert 'href="/static/consultations/front-desk.css"' in html
    assert ".due-overdue {\n  color: var(--error-fg);" in Path(finders.find("consultations/front-desk.css")).read_text()


def test_the_request_page_shows_time_sensitive_due_attempts_and_how_to_reach(desk_client):
    consultation = make_request(onset="3-days", preferred_contact="phone", best_time="afternoon")
    html = desk_client.get(change_url(consultation)).content.decode()
    panel = html[html.index('id="front-desk"') : html.index('id="content-main"')]
    assert '<span class="tag-time-sensitive">Time-sensitive</span>' in panel
    assert "<time datetime=" in panel
    assert '<dd id="front-desk-attempts">0</dd>' in panel
    assert 'Phone call, afternoon</span><br><a class="tel" href="tel:+12025550143">(202) 555-0143</a>' in panel
    calm = make_request(onset="longer")
    assert "Time-sensitive" not in desk_client.get(change_url(calm)).content.decode()


def test_phones_show_in_national_format_as_tel_links_and_foreign_ones_stay_international(desk_client):
    home = make_request(phone="+12025550143", preferred_contact="phone")
    abroad = make_request(phone="+442079460958", preferred_contact="text", email="", best_time="evening")
    html = desk_client.get(CHANGELIST).content.decode()
    assert '<a class="tel" href="tel:+12025550143">(202) 555-0143</a>' in row(html, home)
    assert '<a class="tel" href="tel:+442079460958">+44 20 7946 0958</a>' in row(html, abroad)
    assert "Text message, early evening" in row(html, abroad)
    page = desk_client.get(change_url(abroad)).content.decode()
    assert page.count('href="tel:+442079460958">+44 20 7946 0958</a>') == 2  # the panel and the summary card
    assert "+442079460958</div>" not in page


def test_how_to_reach_leaves_out_a_blank_best_time():
    # E-mail contacts may leave the time blank (the form stops asking them).
    consultation = ConsultationRequest(preferred_contact="email", best_time="", email="ada@example.com", phone="")
    assert how_to_reach_html(consultation) == (
        '<span class="contact-way">E-mail</span><br><a href="mailto:ada@example.com">ada@example.com</a>'
    )


def summary_card(html):
    return html[html.index('id="summary-card"') : html.index("</section>", html.index('id="summary-card"'))]


def test_the_summary_card_shows_every_answer_in_the_order_of_questions_and_is_audited(desk_client):
    consultation = make_request(
        for_whom="child",
        preferred_contact="phone",
        best_time="afternoon",
        onset="3-days",
        bothers=["eye"],
        message="Her eye waters.\nShe is 6.",
        heard_from="",
        email="",
    )
    html = desk_client.get(change_url(consultation)).content.decode()
    card = summary_card(html)
    labels = re.findall(r"<dt>([^<]+)</dt>", card)
    # Derived from QUESTIONS (a question added there shows here): answered ones, in the form's order.
    answered = [question for question in QUESTIONS if getattr(consultation, question.column) not in ("", None, [])]
    assert len(labels) == len(answered) and {"E-mail", "Heard of us from"}.isdisjoint(labels)
    assert labels[:5] == ["Who is this for", "Name", "Phone", "Preferred contact", "Best time of day"]
    for shown in (
        "My child",
        consultation.name,
        "Phone call",
        "Afternoon",
        "My eye does not close all the way",
        "In the last 3 days",
        "Her eye waters.<br>She is 6.",
    ):
        assert f"<dd>{shown}</dd>" in card, shown
    assert '<dd><a class="tel" href="tel:+12025550143">(202) 555-0143</a></dd>' in card
    assert "None sent." in card  # the pose sheet, empty
    # The card comes first; the panel and the notes beside it, before the form.
    assert html.index('id="summary-card"') < html.index('id="front-desk"') < html.index('id="notes-so-far"')
    assert html.index('id="notes-so-far"') < html.index('id="content-main"')
    entry = AuditEntry.objects.filter(action="view").latest("at")
    assert (entry.username, entry.references) == ("desk", consultation.reference)


def test_the_summary_card_escapes_what_the_patient_wrote(desk_client):
    consultation = make_request(message="<script>alert(1)</script>", name="<b>Bo</b>")
    card = summary_card(desk_client.get(change_url(consultation)).content.decode())
    assert "<script>" not in card and "<b>Bo</b>" not in card
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in card and "&lt;b&gt;Bo&lt;/b&gt;" in card


# One-click outcomes.


def test_an_outcome_records_a_signed_timed_note_an_attempt_the_status_and_the_audit_trail(desk_client, front_desk):
    consultation = make_request()
    before = timezone.now()
    response = desk_client.post(outcome_url(consultation), {"outcome": "voicemail"})
    assert response.status_code == 302 and response["Location"] == change_url(consultation)
    consultation.refresh_from_db()
    assert (consultation.status, consultation.contact_attempts) == ("contacted", 1)
    assert consultation.staff_changed_at >= before
    note = Note.objects.get(request=consultation)
    assert (note.text, note.author) == ("No answer, voicemail left", front_desk)
    assert before <= note.created_at <= timezone.now()
    entry = AuditEntry.objects.get(action="outcome")
    assert (entry.username, entry.references, entry.detail) == ("desk", consultation.reference, "voicemail")
    assert LogEntry.objects.get(object_id=str(consultation.pk)).change_message == "Recorded: No answer, voicemail left"

    page = desk_client.get(change_url(consultation)).content.decode()
    assert "Recorded “No answer, voicemail left”" in page
    assert '<dd id="front-desk-attempts">1</dd>' in page
    assert re.search(r'<p class="note-meta">desk,\s*<time datetime=', page)

    desk_client.post(outcome_url(consultation), {"outcome": "emailed"})
    desk_client.post(outcome_url(consultation), {"outcome": "reached"})
    consultation.refresh_from_db()
    assert (consultation.status, consultation.contact_attempts) == ("scheduled", 3)
    assert list(Note.objects.order_by("pk").values_list("text", flat=True)) == [
        "No answer, voicemail left",
        "E-mailed",
        "Reached, booked",
    ]
    assert '<span class="contact-attempts">3 attempts so far</span>' in row(
        desk_client.get(CHANGELIST).content.decode(), consultation
    )


def test_an_outcome_needs_permission_to_change_the_request(client, db):
    viewer = User.objects.create_user("viewer", password="x" * 12, is_staff=True)
    viewer.user_permissions.add(*Permission.objects.filter(codename__in=["view_consultationrequest", "view_note"]))
    sign_in_verified(client, viewer)
    consultation = make_request()
    assert client.post(outcome_url(consultation), {"outcome": "reached"}).status_code == 403
    assert 'name="outcome"' not in client.get(change_url(consultation)).content.decode()
    consultation.refresh_from_db()
    assert (consultation.status, consultation.contact_attempts) == ("new", 0)
    assert not Note.objects.exists()
    assert not AuditEntry.objects.filter(action="outcome").exists()


def test_an_outcome_needs_the_second_factor_not_the_password_alone(client, front_desk):
    client.force_login(front_desk)  # password accepted, code not yet typed
    consultation = make_request()
    response = client.post(outcome_url(consultation), {"outcome": "reached"})
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    consultation.refresh_from_db()
    assert (consultation.status, consultation.contact_attempts) == ("new", 0)
    assert not Note.objects.exists()


def test_an_outcome_needs_the_csrf_token_and_a_post(front_desk):
    strict = sign_in_verified(Client(enforce_csrf_checks=True), front_desk)
    consultation = make_request()
    assert strict.post(outcome_url(consultation), {"outcome": "reached"}).status_code == 403
    assert strict.get(outcome_url(consultation)).status_code == 405
    consultation.refresh_from_db()
    assert (consultation.status, consultation.contact_attempts) == ("new", 0)


def test_an_outcome_is_refused_clearly_on_a_closed_request_or_an_unknown_choice(desk_client):
    closed = make_request(status="closed")
    page = desk_client.get(change_url(closed)).content.decode()
    assert 'name="outcome"' not in page
    response = desk_client.post(outcome_url(closed), {"outcome": "reached"}, follow=True)
    assert "This request is closed. To record a contact, first set its status and save." in response.content.decode()
    other = make_request()
    response = desk_client.post(outcome_url(other), {"outcome": "called-twice"}, follow=True)
    assert "That is not one of the outcomes." in response.content.decode()
    assert set(ConsultationRequest.objects.values_list("contact_attempts", flat=True)) == {0}
    assert not Note.objects.exists()


def test_an_outcome_and_its_note_are_one_submit_and_one_note(desk_client, front_desk):
    consultation = make_request()
    response = desk_client.post(
        outcome_url(consultation), {"outcome": "voicemail", "note": "  Left the clinic number.  "}
    )
    assert response.status_code == 302
    consultation.refresh_from_db()
    assert (consultation.status, consultation.contact_attempts) == ("contacted", 1)
    note = Note.objects.get(request=consultation)
    assert (note.text, note.author) == ("No answer, voicemail left\nLeft the clinic number.", front_desk)
    page = desk_client.get(change_url(consultation)).content.decode()
    assert "<p>No answer, voicemail left<br>Left the clinic number.</p>" in page


def test_only_the_ways_the_patient_gave_are_offered_and_the_server_refuses_the_others(desk_client):
    no_email = make_request(email="", preferred_contact="phone")
    no_phone = make_request(phone="", preferred_contact="email")
    buttons = re.compile(r'name="outcome" value="([a-z]+)"')
    assert buttons.findall(desk_client.get(change_url(no_email)).content.decode()) == ["reached", "voicemail"]
    assert buttons.findall(desk_client.get(change_url(no_phone)).content.decode()) == ["reached", "emailed"]
    assert buttons.findall(desk_client.get(change_url(make_request())).content.decode()) == [
        "reached",
        "voicemail",
        "emailed",
    ]

    # A stale page or a hand-made POST: refused, in words, and the typed note comes back in its box.
    response = desk_client.post(outcome_url(no_email), {"outcome": "emailed", "note": "Sent the leaflet <b>"})
    assert response.status_code == 302 and response["Location"] == change_url(no_email)
    page = desk_client.get(change_url(no_email)).content.decode()
    assert "The patient gave no e-mail address, so “E-mailed” cannot be recorded." in page
    assert "Your note was not saved; it is back in its box." in page
    assert re.search(r'<textarea id="outcome-note"[^>]*>Sent the leaflet &lt;b&gt;</textarea>', page)
    # Given back once: the next visit starts with an empty box.
    assert re.search(
        r'<textarea id="outcome-note"[^>]*></textarea>', desk_client.get(change_url(no_email)).content.decode()
    )
    no_email.refresh_from_db()
    assert (no_email.status, no_email.contact_attempts) == ("new", 0)
    assert not Note.objects.exists()
    assert not AuditEntry.objects.filter(action="outcome").exists()
    desk_client.post(outcome_url(no_phone), {"outcome": "voicemail"})
    no_phone.refresh_from_db()
    assert no_phone.contact_attempts == 0


def test_a_note_typed_with_an_outcome_refused_on_a_closed_request_goes_to_add_a_note(desk_client):
    # A colleague closed it while the page was open: no outcome form now, the note lands in "Add a note".
    consultation = make_request()
    consultation.status = "closed"
    consultation.save()
    desk_client.post(outcome_url(consultation), {"outcome": "reached", "note": "Booked for Tuesday"})
    page = desk_client.get(change_url(consultation)).content.decode()
    assert "This request is closed." in page
    assert re.search(r'<textarea name="notes-0-text"[^>]*>\s*Booked for Tuesday</textarea>', page)


def test_a_note_too_long_is_refused_and_kept(desk_client):
    consultation = make_request()
    desk_client.post(outcome_url(consultation), {"outcome": "reached", "note": "x" * 4001})
    page = desk_client.get(change_url(consultation)).content.decode()
    assert "The note is 4001 characters long; it can be 4000 at most." in page
    assert "x" * 4001 in page
    assert not Note.objects.exists()


def test_save_and_next_and_outcome_and_next_follow_the_list_order(desk_client):
    now = timezone.now()
    urgent = make_request(created_at=now - timedelta(hours=2), onset="3-days")
    older = make_request(created_at=now - timedelta(days=3))
    newer = make_request(created_at=now - timedelta(hours=1))
    make_request(created_at=now - timedelta(hours=5), status="closed")  # finished: not in the worklist
    # The list: urgent, older, newer. After the urgent one comes the oldest waiting.
    page = desk_client.get(change_url(urgent)).content.decode()
    assert '<input type="submit" value="Save and next" name="_savenext">' in page
    form = {"status": "contacted", "assigned_to": "", "notes-TOTAL_FORMS": "1", "notes-INITIAL_FORMS": "0"}
    form |= {"notes-MIN_NUM_FORMS": "0", "notes-MAX_NUM_FORMS": "1", "notes-0-text": "", "_savenext": "1"}
    response = desk_client.post(change_url(urgent), form)
    assert response.status_code == 302 and response["Location"] == change_url(older)
    urgent.refresh_from_db()
    assert urgent.status == "contacted"
    # An outcome, then the next: where the request stood before the outcome moved it.
    response = desk_client.post(outcome_url(older), {"outcome": "voicemail", "next": "1"})
    assert response["Location"] == change_url(newer)
    # Now the list reads: urgent (pinned till reached), newer (new), older (contacted, with the rest).
    response = desk_client.post(outcome_url(newer), {"outcome": "reached", "next": "1"})
    assert response["Location"] == change_url(older)
    response = desk_client.post(outcome_url(older), {"outcome": "reached", "next": "1"}, follow=True)
    assert response.redirect_chain[-1][0] == CHANGELIST
    assert "That was the last open request in the list." in response.content.decode()


def test_save_and_next_works_through_the_list_the_desk_came_from(desk_client, front_desk):
    """From the Mine view, the next request is the next one of mine, and each page leads back to
    that view: not the next request of the whole list."""
    now = timezone.now()
    first = make_request(created_at=now - timedelta(days=3), assigned_to=front_desk)
    make_request(created_at=now - timedelta(days=2))  # next in the whole list, not in the view
    second = make_request(created_at=now - timedelta(days=1), assigned_to=front_desk)
    kept = "?" + urlencode({"_changelist_filters": "queue=mine"})
    page = desk_client.get(change_url(first) + kept).content.decode()
    assert f'action="{outcome_url(first)}{kept}"' in page  # the outcome keeps the view too
    form = {"status": "closed", "assigned_to": front_desk.pk, "notes-TOTAL_FORMS": "1", "notes-INITIAL_FORMS": "0"}
    form |= {"notes-MIN_NUM_FORMS": "0", "notes-MAX_NUM_FORMS": "1", "notes-0-text": "", "_savenext": "1"}
    response = desk_client.post(change_url(first) + kept, form)
    assert response.status_code == 302 and response["Location"] == change_url(second) + kept
    # The last one in the view: back to the view, not to the whole list.
    response = desk_client.post(outcome_url(second) + kept, {"outcome": "voicemail", "next": "1"})
    assert response["Location"] == CHANGELIST + "?queue=mine"


# Notes.


def test_notes_so_far_are_read_only_above_one_add_a_note_box_without_a_date(desk_client, front_desk):
    consultation = make_request()
    Note.objects.create(request=consultation, author=front_desk, text="Called, line busy")
    html = desk_client.get(change_url(consultation)).content.decode()
    assert "Internal note" not in html and "#1" not in html
    notes = html[html.index('id="notes-so-far"') : html.index('id="notes-group"')]
    assert "Called, line busy" in notes and "<textarea" not in notes
    add = html[html.index('id="notes-group"') :]
    assert '<h2><label for="id_notes-0-text">Add a note</label></h2>' in add
    # One box for a note on its own, one for a note with an outcome; each labelled for what it does.
    assert html.count("<textarea") == 2
    assert '<label for="outcome-note">Note (optional), saved with the outcome</label>' in html
    assert "<time" not in add[: add.index("</fieldset>")]


# Earlier requests from the same contact.


def test_earlier_requests_from_the_same_phone_or_email_are_flagged_linked_and_audited(desk_client):
    now = timezone.now()
    same_phone = make_request(created_at=now - timedelta(days=30), phone="+12025550111", email="one@example.com")
    same_email = make_request(created_at=now - timedelta(days=20), phone="+12025550122", email="Ada@Example.com")
    deleted = make_request(created_at=now - timedelta(days=10), phone="+12025550111", preferred_contact="phone")
    stranger = make_request(created_at=now - timedelta(days=5), phone="+12025550133", email="b@example.com")
    latest = make_request(created_at=now, phone="+12025550111", email="ada@example.com")
    deleted.delete()  # e.g. by the retention run: no longer counted

    html = desk_client.get(CHANGELIST).content.decode()
    link = f'<a href="{CHANGELIST}?earlier_than={latest.pk}">2 earlier requests</a>'
    assert link in row(html, latest)
    assert "earlier request" not in row(html, stranger) + row(html, same_phone) + row(html, same_email)
    entry = AuditEntry.objects.get(action="earlier")
    assert (entry.username, entry.detail) == ("desk", latest.reference)
    assert set(entry.references.split()) == {same_phone.reference, same_email.reference}

    page = desk_client.get(change_url(latest)).content.decode()
    assert "2 earlier requests from the same phone or e-mail" in page
    for earlier in (same_phone, same_email):
        assert f'<a href="{change_url(earlier)}">{earlier.reference}</a>' in page
    assert AuditEntry.objects.filter(action="earlier").latest("at").references == " ".join(
        sorted([same_phone.reference, same_email.reference])
    )

    # The link lists them by the request's id: no phone number or address in the URL.
    listed = desk_client.get(CHANGELIST, {"earlier_than": latest.pk}).content.decode()
    assert f"Earlier than {latest.reference}" in listed
    assert references_in_order(listed, [same_phone, same_email]) == [same_phone, same_email]
    assert stranger.reference not in listed
    assert f'href="{change_url(latest)}"' not in listed
    entry = AuditEntry.objects.filter(action="filter").latest("at")
    assert (entry.filters, set(entry.references.split())) == (
        "earlier_than",
        {same_phone.reference, same_email.reference},
    )


def test_a_bad_earlier_than_value_is_refused(desk_client):
    make_request()
    response = desk_client.get(CHANGELIST, {"earlier_than": "ada@example.com"})
    assert response.status_code == 302 and response["Location"].endswith("?e=1")
    assert "A request no longer kept" in desk_client.get(CHANGELIST, {"earlier_than": "999999"}).content.decode()


# Saved views.


def test_saved_views_mine_and_unassigned_show_open_requests_and_are_audited(desk_client, front_desk):
    colleague = User.objects.create_user("colleague", password="x" * 12, is_staff=True)
    mine = make_request(assigned_to=front_desk, status="contacted")
    mine_closed = make_request(assigned_to=front_desk, status="closed")
    theirs = make_request(assigned_to=colleague)
    nobodys = make_request()
    nobodys_spam = make_request(status="spam")
    html = desk_client.get(CHANGELIST).content.decode()
    assert '<a href="?queue=mine">Mine</a>' in html and '<a href="?queue=unassigned">Unassigned</a>' in html

    shown = desk_client.get(CHANGELIST, {"queue": "mine"}).content.decode()
    assert mine.reference in shown
    assert not {mine_closed.reference, theirs.reference, nobodys.reference} & set(re.findall(r"FN-[A-Z0-9-]+", shown))
    entry = AuditEntry.objects.filter(action="filter").latest("at")
    assert (entry.username, entry.filters, entry.references) == ("desk", "queue", mine.reference)

    shown = desk_client.get(CHANGELIST, {"queue": "unassigned"}).content.decode()
    found = set(re.findall(r"FN-[A-Z0-9]{4}-[A-Z0-9]{4}", shown))
    assert found == {nobodys.reference}
    assert nobodys_spam.reference not in found
    entry = AuditEntry.objects.filter(action="filter").latest("at")
    assert (entry.filters, entry.references) == ("queue", nobodys.reference)

    assert desk_client.get(CHANGELIST, {"queue": "someone-else"})["Location"].endswith("?e=1")


def test_saved_view_due_today_shows_what_is_due_by_tonight_and_overdue(front_desk, time_machine):
    time_machine.move_to(local(2026, 1, 14, 12, 0), tick=False)  # a Wednesday, noon
    desk = sign_in_verified(Client(), front_desk)
    due_this_morning = make_request(created_at=local(2026, 1, 12, 10, 0))  # Monday -> end of today
    due_this_afternoon = make_request(created_at=local(2026, 1, 12, 13, 0))
    overdue_since_yesterday = make_request(created_at=local(2026, 1, 9, 10, 0))  # Friday -> Tuesday
    due_tomorrow = make_request(created_at=local(2026, 1, 13, 9, 0))
    replied = make_request(created_at=local(2026, 1, 12, 9, 0), status="contacted")
    html = desk.get(CHANGELIST, {"queue": "due-today"}).content.decode()
    found = set(re.findall(r"FN-[A-Z0-9]{4}-[A-Z0-9]{4}", html))
    assert found == {due_this_morning.reference, due_this_afternoon.reference, overdue_since_yesterday.reference}
    assert due_tomorrow.reference not in found and replied.reference not in found
    assert "Overdue" in row(html, overdue_since_yesterday)
    assert "Overdue" not in row(html, due_this_morning) and "Overdue" not in row(html, due_this_afternoon)
    entry = AuditEntry.objects.filter(action="filter").latest("at")
    assert (entry.filters, set(entry.references.split())) == ("queue", found)


def test_saved_views_overdue_and_time_sensitive(front_desk, time_machine):
    time_machine.move_to(local(2026, 1, 14, 12, 0), tick=False)  # a Wednesday, noon
    desk = sign_in_verified(Client(), front_desk)
    late = make_request(created_at=local(2026, 1, 9, 10, 0))  # Friday -> end of Tuesday
    due_tonight = make_request(created_at=local(2026, 1, 12, 10, 0))
    urgent_yesterday = make_request(created_at=local(2026, 1, 13, 10, 0), onset="3-days")
    urgent_today = make_request(created_at=local(2026, 1, 14, 10, 0), onset="3-days")
    urgent_voicemail = make_request(created_at=local(2026, 1, 13, 9, 0), onset="3-days", status="contacted")
    urgent_booked = make_request(created_at=local(2026, 1, 13, 9, 0), onset="3-days", status="scheduled")
    late_replied = make_request(created_at=local(2026, 1, 9, 10, 0), status="contacted")
    html = desk.get(CHANGELIST).content.decode()
    assert '<a href="?queue=overdue">Overdue</a>' in html
    assert '<a href="?queue=time-sensitive">Time-sensitive</a>' in html

    def shown(view):
        html = desk.get(CHANGELIST, {"queue": view}).content.decode()
        return set(re.findall(r"FN-[A-Z0-9]{4}-[A-Z0-9]{4}", html))

    assert shown("overdue") == {late.reference, urgent_yesterday.reference}
    assert shown("time-sensitive") == {urgent_yesterday.reference, urgent_today.reference, urgent_voicemail.reference}
    assert not {due_tonight.reference, urgent_booked.reference, late_replied.reference} & (
        shown("overdue") | shown("time-sensitive")
    )
    entry = AuditEntry.objects.filter(action="filter").latest("at")
    assert entry.filters == "queue"


def test_the_index_counts_time_sensitive_overdue_and_new_requests_each_a_link(desk_client):
    now = timezone.now()
    make_request(created_at=now - timedelta(days=9))  # new and overdue
    make_request(created_at=now - timedelta(minutes=5), onset="3-days")  # new, time-sensitive, due tonight
    make_request(created_at=now - timedelta(minutes=9), onset="3-days", status="contacted")  # still to reach
    make_request(created_at=now - timedelta(minutes=7))  # new
    make_request(status="closed", onset="3-days")
    html = desk_client.get("/admin/").content.decode()
    counts = html[html.index('id="consultation-counts"') : html.index("</ul>", html.index('id="consultation-counts"'))]
    assert f'<a href="{CHANGELIST}?queue=time-sensitive">2 time-sensitive</a>' in counts
    assert f'<a href="{CHANGELIST}?queue=overdue">1 overdue</a>' in counts
    assert f'<a href="{CHANGELIST}?status__exact=new">3 new requests</a>' in counts
    # Each link lists what it counted.
    for view, count in (("time-sensitive", 2), ("overdue", 1)):
        listed = desk_client.get(CHANGELIST, {"queue": view}).content.decode()
        assert len(set(re.findall(r"FN-[A-Z0-9]{4}-[A-Z0-9]{4}", listed))) == count, view


def test_technical_apps_are_in_the_index_for_superusers_only(client, admin_client, db):
    # A Manager who was also given a look at the sign-in records: the heading stays out of their menu.
    manager = User.objects.create_user("manager", password="x" * 12, is_staff=True)
    manager.groups.add(Group.objects.get(name="Manager"))
    manager.user_permissions.add(*Permission.objects.filter(content_type__app_label__in=["axes", "otp_totp"]))
    sign_in_verified(client, manager)
    index = client.get("/admin/").content.decode()
    assert CHANGELIST in index
    for technical in ("/admin/axes/", "/admin/otp_totp/", "/admin/otp_static/", "/admin/django_tasks_database/"):
        assert technical not in index, technical
    everything = admin_client.get("/admin/").content.decode()
    for technical in ("/admin/axes/", "/admin/otp_totp/", "/admin/otp_static/", "/admin/django_tasks_database/"):
        assert technical in everything, technical


# The menu.


# Front desk's menu: the requests, the waitlist, and the bookings with what patients are offered
# (the last two read-only).
DESK_MENU = {
    CHANGELIST,
    "/admin/booking/booking/",
    "/admin/booking/visittype/",
    "/admin/booking/weeklyhours/",
    "/admin/booking/hourschange/",
    "/admin/consultations/waitlistentry/",
}


def test_front_desk_sees_only_requests_the_waitlist_and_booking_in_the_admin_menu(desk_client, admin_client):
    def model_links(html):
        return set(re.findall(r'<th scope="row"[^>]*>\s*<a href="(/admin/[^"]+)"', html))

    index = desk_client.get("/admin/").content.decode()
    assert model_links(index) == DESK_MENU
    sidebar = desk_client.get(CHANGELIST).content.decode()
    assert model_links(sidebar) == DESK_MENU
    # A superuser sees the rest, so the menu above is trimmed by role, not empty by accident.
    everything = model_links(admin_client.get("/admin/").content.decode())
    assert len(everything) >= 10
    for hidden in everything - DESK_MENU:  # Practice, team, pages, tasks, devices, users, audit trail...
        assert hidden not in index and hidden not in sidebar, hidden
        assert desk_client.get(hidden).status_code == 403, hidden


def test_no_column_claims_to_sort_the_queue_until_staff_sort_by_one(desk_client):
    make_request()
    html = desk_client.get(CHANGELIST).content.decode()
    assert "sorted ascending" not in html and "sorted descending" not in html
    # Staff click the "received" heading (its link sorts by that column).
    header = re.search(r'<th scope="col" class="sortable column-received">.*?</th>', html, re.S).group(0)
    html = desk_client.get(CHANGELIST + re.search(r'href="(\?o=[^"]+)"', header).group(1)).content.decode()
    assert 'class="sortable column-received sorted ascending"' in html
