"""The patient's side of /consultation/: the form, its errors, the confirmation, and the spam gates."""

import re
import time
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from client_limits.addresses import client_address
from consultations import form_tokens
from consultations.models import ConsultationRequest
from consultations.worklist import due_by
from practice.models import Practice
from practice.privacy import NOTICE_VERSION
from tests.consultation_fixtures import answers, post_data

URL = "/consultation/"
NEW_YORK = ZoneInfo("America/New_York")


@pytest.fixture
def gates_off(settings):
    settings.CLINIC_CONSULTATION_SPAM_CHECKS = False
    settings.CLINIC_CONSULTATION_RATE_LIMIT = 0


def send(client, **changes):
    return client.post(URL, post_data(**changes))


def test_form_is_never_stored_by_caches(client, content):
    response = client.get(URL)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "sessionid" not in response.cookies


def test_form_asks_what_patients_know_with_autocomplete(client, content):
    html = client.get(URL).content.decode()
    assert "What bothers you most?" in html
    assert 'name="bothers" value="eye"' in html and "My eye does not close all the way" in html
    assert 'name="bothers" value="other"' in html and "Something else" in html
    assert "Who is this for?" in html and "Someone I care for" in html
    # The condition's name is optional; operations are not offered to choose from.
    assert '<option value="synkinesis">' in html
    assert '<option value="" selected>No, or I do not know</option>' in html
    assert 'name="treatments"' not in html
    assert re.search(r'<input type="email" name="email"[^>]*autocomplete="email"', html)
    assert re.search(r'<input type="tel" name="phone"[^>]*autocomplete="tel"', html)
    assert re.search(r'name="name"[^>]*maxlength="150"', html) or re.search(r'maxlength="150"[^>]*name="name"', html)
    assert 'maxlength="2000"' in html


def test_condition_link_preselects_the_concern(client, content):
    html = client.get(URL, {"condition": "synkinesis"}).content.decode()
    assert '<option value="synkinesis" selected>' in html


def test_treatment_link_preselects_the_treatment(client, content):
    html = client.get(URL, {"treatment": "eyelid-weight"}).content.decode()
    assert re.search(r'value="eyelid-weight"[^>]*checked', html)
    # Only the treatment the patient came from, not every operation.
    assert re.findall(r'name="treatments" value="([^"]+)"', html) == ["eyelid-weight"]


def test_unknown_preselection_is_ignored(client, content):
    response = client.get(URL, {"condition": "<script>", "treatment": "nope"})
    assert response.status_code == 200
    html = response.content.decode()
    assert '<option value="" selected>No, or I do not know</option>' in html
    assert "&lt;script&gt;" not in html
    assert not re.search(r'name="treatments"[^>]*checked', html)


def test_condition_pages_link_to_the_form_with_their_slug(client, content):
    html = client.get("/conditions/synkinesis/").content.decode()
    assert 'href="/consultation/?condition=synkinesis"' in html
    html = client.get("/treatments/eyelid-weight/").content.decode()
    assert 'href="/consultation/?treatment=eyelid-weight"' in html


def test_valid_request_is_stored_with_consent_proof_and_notices_queued(client, content, gates_off):
    response = send(client, concern="synkinesis", treatments=["eyelid-weight"], message="Line one\nline two")
    assert response.status_code == 302
    assert response["Location"] == "/consultation/received/"
    consultation = ConsultationRequest.objects.get()
    assert re.fullmatch(r"FN-[0-9A-Z]{4}-[0-9A-Z]{4}", consultation.reference)
    assert consultation.privacy_notice_version == NOTICE_VERSION
    assert consultation.consented_at is not None
    assert consultation.concern_title == "Synkinesis"
    assert consultation.treatments_of_interest == ["eyelid-weight"]
    assert consultation.for_whom == "self"
    assert consultation.bothers == ["eye", "smile"]
    assert consultation.phone == "+12025550143"
    assert consultation.status == "new"
    assert consultation.deliveries.get(kind="staff").enqueued_at is not None
    tasks = sorted(DBTaskResult.objects.values_list("task_path", flat=True))
    assert tasks == ["consultations.tasks.email_patient", "consultations.tasks.notify_staff"]
    # Only the request's id goes to the task queue, which staff can browse in the admin.
    assert all(args == [consultation.pk] for args in DBTaskResult.objects.values_list("args_kwargs__args", flat=True))


def test_confirmation_shows_the_reference_and_is_not_cached(client, content, gates_off):
    send(client)
    consultation = ConsultationRequest.objects.get()
    response = client.get("/consultation/received/")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    assert consultation.reference in html
    assert "What happens next" in html
    assert "Ada" not in html


def test_confirmation_without_a_request_goes_back_to_the_form(client, db):
    response = client.get("/consultation/received/")
    assert response.status_code == 302
    assert response["Location"] == URL


def test_double_click_makes_one_request(client, content, gates_off):
    data = post_data()
    first = client.post(URL, data)
    second = client.post(URL, data)
    assert first.status_code == second.status_code == 302
    assert ConsultationRequest.objects.count() == 1


def test_back_and_send_again_makes_one_request(client, content, gates_off):
    send(client)
    reference = ConsultationRequest.objects.get().reference
    # Going back reloads the form (it is never cached), so the second send carries a new token.
    response = send(client)
    assert response.status_code == 302
    assert ConsultationRequest.objects.count() == 1
    assert reference in client.get("/consultation/received/").content.decode()


def test_a_different_request_from_the_same_person_is_kept(client, content, gates_off):
    send(client)
    send(client, message="Something else to add")
    assert ConsultationRequest.objects.count() == 2


def test_the_same_request_after_the_duplicate_window_is_kept(client, content, gates_off, settings):
    settings.CLINIC_CONSULTATION_DUPLICATE_WINDOW = 1
    send(client)
    time.sleep(1.2)
    send(client)
    assert ConsultationRequest.objects.count() == 2


def test_mistakes_give_a_summary_specific_messages_and_keep_every_answer(client, content, gates_off):
    response = send(client, email="ada@", name="Ada Kept", message="kept message", phone="12")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="error-summary" tabindex="-1" autofocus' in html
    assert '<a href="#id_email">Enter an e-mail address like name@example.com.</a>' in html
    assert '<a href="#id_phone">Enter a phone number we can call' in html
    assert 'value="Ada Kept"' in html
    assert "kept message</textarea>" in html
    assert "<title>Error:" in html
    assert ConsultationRequest.objects.count() == 0


def test_unanswered_radio_groups_link_to_their_first_option(client, content, gates_off):
    html = send(client, onset=None, consent_to_contact=None, for_whom=None, bothers=None).content.decode()
    assert '<a href="#id_onset_0">Choose when it started.</a>' in html
    assert '<a href="#id_for_whom_0">Choose who this request is for.</a>' in html
    assert '<a href="#id_bothers_0">Choose what bothers you most.' in html
    assert '<a href="#id_consent_to_contact">Tick the box to agree.' in html


def test_a_way_to_contact_is_required(client, content, gates_off):
    html = send(client, email="", phone="").content.decode()
    assert "Enter an e-mail address or a phone number so that we can reach you." in html
    html = send(client, email="", preferred_contact="email").content.decode()
    assert "Enter an e-mail address, or choose another way for us to contact you." in html
    html = send(client, phone="", preferred_contact="text").content.decode()
    assert "Enter a phone number, or choose e-mail" in html
    assert ConsultationRequest.objects.count() == 0


def test_control_characters_are_refused(client, content, gates_off):
    html = send(client, name="Ada\x07Example").content.decode()
    assert "Remove the hidden control characters" in html
    assert ConsultationRequest.objects.count() == 0


def test_phone_numbers_from_abroad_are_normalised(client, content, gates_off):
    send(client, phone="+44 20 7946 0958", preferred_contact="phone")
    assert ConsultationRequest.objects.get().phone == "+442079460958"


def test_urgent_guidance_shows_for_symptoms_in_the_last_3_days(client, content, gates_off):
    form_html = send(client, onset="3-days", email="broken").content.decode()
    assert 'id="urgent-guidance" aria-labelledby="urgent-guidance-title">' in form_html
    assert "Today: see a doctor" in form_html
    send(client, onset="3-days")
    received = client.get("/consultation/received/").content.decode()
    assert "Today: see a doctor" in received
    assert "Call 911 now" in received


def test_urgent_guidance_is_hidden_for_older_symptoms(client, content, gates_off):
    html = send(client, onset="6-months", email="broken").content.decode()
    assert 'aria-labelledby="urgent-guidance-title" hidden>' in html
    send(client)
    assert "Today: see a doctor" not in client.get("/consultation/received/").content.decode()


def test_a_forged_token_stores_nothing_and_keeps_the_answers(client, content, gates_off):
    response = client.post(URL, {**answers(name="Ada Kept"), "form_token": "forged"})
    assert response.status_code == 200
    assert "Something went wrong with the form" in response.content.decode()
    assert 'value="Ada Kept"' in response.content.decode()
    assert ConsultationRequest.objects.count() == 0


def test_an_expired_form_asks_to_send_again(client, content, gates_off, settings):
    token = form_tokens.issue_token()
    settings.CLINIC_CONSULTATION_FORM_MAX_AGE = 0
    time.sleep(1.1)
    response = client.post(URL, {**answers(), "form_token": token})
    assert "This form was open for a long time" in response.content.decode()
    assert ConsultationRequest.objects.count() == 0


# The spam gates.


def test_honeypot_sets_the_request_aside_as_spam_without_telling_staff(client, content, settings):
    settings.CLINIC_CONSULTATION_MIN_FILL_SECONDS = 0
    response = send(client, website="http://spam.example")
    assert response.status_code == 302
    consultation = ConsultationRequest.objects.get()
    assert consultation.status == "spam"
    assert not DBTaskResult.objects.exists()


def test_a_form_sent_too_quickly_is_asked_for_again(client, content, settings):
    settings.CLINIC_CONSULTATION_MIN_FILL_SECONDS = 60
    response = send(client, name="Ada Kept")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Please check your answers, then send the form again." in html
    assert 'value="Ada Kept"' in html
    assert ConsultationRequest.objects.count() == 0


def test_a_mistake_fixed_quickly_is_not_taken_for_a_bots_speed(client, content, settings):
    """The fill time counts from when the form was first shown, not from the page with the errors."""
    settings.CLINIC_CONSULTATION_MIN_FILL_SECONDS = 3
    with time_machine.travel(time.time() - 60, tick=False):
        token = form_tokens.issue_token()  # shown a minute ago
    mistake = client.post(URL, {**answers(email="ada@@example.com"), "form_token": token})
    assert "Enter an e-mail address like name@example.com." in mistake.content.decode()
    sent_back = re.search(r'name="form_token" value="([^"]+)"', mistake.content.decode()).group(1)
    # Fixed and sent again at once.
    assert client.post(URL, {**answers(), "form_token": sent_back}).status_code == 302
    assert ConsultationRequest.objects.count() == 1


def test_rate_limit_answers_429_per_client_address(client, content, settings):
    settings.CLINIC_CONSULTATION_MIN_FILL_SECONDS = 0
    settings.CLINIC_CONSULTATION_RATE_LIMIT = 2
    for number in range(2):
        assert client.post(URL, post_data(message=f"m{number}"), HTTP_X_FORWARDED_FOR="203.0.113.5").status_code == 302
    refused = client.post(URL, post_data(message="m3"), HTTP_X_FORWARDED_FOR="203.0.113.5")
    assert refused.status_code == 429
    assert "We could not take this request just now" in refused.content.decode()
    # A forged header in front of the proxy's own entry changes nothing.
    refused = client.post(URL, post_data(message="m4"), HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.5")
    assert refused.status_code == 429
    assert client.post(URL, post_data(message="m5"), HTTP_X_FORWARDED_FOR="203.0.113.6").status_code == 302
    assert ConsultationRequest.objects.count() == 3


def test_rate_limit_window_passes(client, content, settings):
    settings.CLINIC_CONSULTATION_MIN_FILL_SECONDS = 0
    settings.CLINIC_CONSULTATION_RATE_LIMIT = 1
    settings.CLINIC_CONSULTATION_RATE_WINDOW = 1
    assert client.post(URL, post_data(message="a")).status_code == 302
    assert client.post(URL, post_data(message="b")).status_code == 429
    time.sleep(1.1)
    assert client.post(URL, post_data(message="c")).status_code == 302


@pytest.mark.parametrize(
    ("remote", "forwarded", "expected"),
    [
        ("203.0.113.9", "", "203.0.113.9"),
        # An untrusted peer's header is ignored: it would let anyone pick their own address.
        ("203.0.113.9", "198.51.100.1", "203.0.113.9"),
        ("127.0.0.1", "", "127.0.0.1"),
        ("127.0.0.1", "198.51.100.1", "198.51.100.1"),
        ("127.0.0.1", "6.6.6.6, 198.51.100.1", "198.51.100.1"),
        ("127.0.0.1", "198.51.100.1, 10.0.0.2", "198.51.100.1"),
        ("127.0.0.1", "garbage, 198.51.100.1", "198.51.100.1"),
        ("127.0.0.1", "198.51.100.1, garbage", "127.0.0.1"),
        ("::1", "2001:db8::1", "2001:db8::1"),
    ],
)
def test_client_address_trusts_only_configured_proxies(settings, remote, forwarded, expected):
    settings.CLINIC_TRUSTED_PROXIES = ["127.0.0.1/32", "::1/128", "10.0.0.0/8"]
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_address(request) == expected


def test_a_form_changed_and_sent_again_with_its_used_token_is_refused_politely(client, content, gates_off):
    data = post_data()
    client.post(URL, data)
    changed = {**data, "message": "I forgot to say something"}
    response = client.post(URL, changed)
    assert response.status_code == 409
    html = response.content.decode()
    assert "This form was already sent" in html
    assert "I forgot to say something" in html  # the answers are kept
    new_token = re.search(r'name="form_token" value="([^"]+)"', html).group(1)
    assert new_token != data["form_token"]
    assert list(ConsultationRequest.objects.values_list("message", flat=True)) == [""]
    # Sent again with the new token, the changed answers are a request of their own.
    assert client.post(URL, {**changed, "form_token": new_token}).status_code == 302
    assert sorted(ConsultationRequest.objects.values_list("message", flat=True)) == ["", "I forgot to say something"]


def test_the_same_form_sent_again_is_the_same_request(client, content, gates_off):
    data = post_data()
    client.post(URL, data)
    first = client.cookies["consultation_receipt"].value
    second = client.post(URL, data)
    assert second.status_code == 302
    assert second.cookies["consultation_receipt"].value.split(":")[0] == first.split(":")[0]
    assert ConsultationRequest.objects.count() == 1


def test_repeated_treatments_are_stored_once(client, content, gates_off):
    send(client, treatments=["botox", "eyelid-weight"] * 450)
    assert ConsultationRequest.objects.get().treatments_of_interest == ["botox", "eyelid-weight"]


def test_the_reply_date_promised_is_the_practices_own(client, content):
    with time_machine.travel(datetime(2026, 11, 20, 10, 0, tzinfo=NEW_YORK), tick=False):  # a Friday
        assert "will contact you by Tuesday, November 24, in the way you asked" in client.get(URL).content.decode()
        practice = Practice.objects.current()
        practice.reply_working_days = None
        practice.save()
        html = client.get(URL).content.decode()
    assert "Our front desk team will contact you in the way you asked." in html
    assert "contact you by" not in html


def test_a_post_without_the_csrf_cookie_keeps_the_answers(content, gates_off):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    data = post_data(
        name="Ada <b>Example</b>",
        concern="synkinesis",
        onset="3-weeks",
        treatments=["eyelid-weight"],
        message='My eye "waters" <script>alert(1)</script>',
    )
    response = browser.post(URL, data)
    assert response.status_code == 403
    html = response.content.decode()
    assert "Your request was not sent yet" in html
    assert '<main id="main-content"' in html  # the site's own layout
    assert 'value="Ada &lt;b&gt;Example&lt;/b&gt;"' in html
    assert 'value="ada@example.com"' in html
    assert '<option value="synkinesis" selected>' in html
    assert re.search(r'value="eyelid-weight"[^>]*checked', html)
    assert re.search(r'value="3-weeks"[^>]*checked', html)
    assert "My eye &quot;waters&quot; &lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)" not in html
    assert not ConsultationRequest.objects.exists()

    # A fresh CSRF cookie and token came with it: sending the refilled form now works, once.
    assert "csrftoken" in response.cookies
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    token = re.search(r'name="form_token" value="([^"]+)"', html).group(1)
    assert token == data["form_token"]  # the same form: sending it twice still makes one request
    resent = browser.post(URL, {**data, "csrfmiddlewaretoken": csrf, "form_token": token})
    assert resent.status_code == 302
    assert ConsultationRequest.objects.count() == 1


def test_a_csrf_failure_elsewhere_is_a_plain_page_in_the_site_layout(db):
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post("/admin/login/", {"username": "x", "password": "y"})
    assert response.status_code == 403
    html = response.content.decode()
    assert "Your form could not be sent" in html and '<main id="main-content"' in html


def test_the_rate_limit_counts_an_ipv6_client_by_its_64_network_and_ipv4_exactly(client, content, settings):
    settings.CLINIC_CONSULTATION_MIN_FILL_SECONDS = 0
    settings.CLINIC_CONSULTATION_RATE_LIMIT = 2

    def status(address, number):
        return client.post(URL, post_data(message=f"Request {number}"), REMOTE_ADDR=address).status_code

    # One host rotating through its /64 is one client.
    assert [status(f"2001:db8:1:2::{n}", n) for n in range(1, 4)] == [302, 302, 429]
    assert status("2001:db8:1:2:ffff:ffff:ffff:ffff", 4) == 429
    assert status("2001:db8:1:3::1", 5) == 302  # the next /64 is someone else
    # IPv4 addresses are counted one by one, also when written as IPv4-mapped IPv6.
    assert [status("198.51.100.7", n) for n in range(6, 9)] == [302, 302, 429]
    assert status("::ffff:198.51.100.7", 9) == 429
    assert status("198.51.100.8", 10) == 302


def test_the_form_offers_only_real_answers(client, content):
    html = client.get(URL).content.decode()
    assert "---------" not in html
    assert '<option value="" selected>Choose if you like</option>' in html
    assert 'name="reference"' not in html and 'name="status"' not in html


# What the form asks, and in what order it reports mistakes.


def test_errors_are_summarised_in_the_order_the_questions_appear(client, content, gates_off):
    # Missing answers all over the page, and the cross-field contact check (run last, in clean()).
    html = send(
        client, for_whom=None, name="", email="", phone="", bothers=None, onset=None, consent_to_contact=None
    ).content.decode()
    summary = html[html.index('id="error-summary"') : html.index("</ul>", html.index('id="error-summary"'))]
    anchors = re.findall(r'<a href="#([^"]+)">', summary)
    assert anchors == [
        "id_for_whom_0",
        "id_name",
        "id_email",
        "id_bothers_0",
        "id_onset_0",
        "id_consent_to_contact",
    ]
    assert "Enter an e-mail address or a phone number so that we can reach you." in summary
    form = html[html.index('<form method="post"') :]
    positions = [form.index(f'id="{anchor}"') for anchor in anchors]
    assert positions == sorted(positions)


def test_every_question_on_the_page_is_in_the_summary_order(client, content):
    from consultations.forms import PAGE_ORDER, ConsultationRequestForm

    # A question added to the template must also go into PAGE_ORDER, at the same place.
    from tests.test_booking_form import clinic

    clinic()  # a visit type with free times, so that the form asks for one
    fields = list(ConsultationRequestForm().fields)
    assert fields == list(PAGE_ORDER)
    html = client.get(URL, {"treatment": "eyelid-weight"}).content.decode()
    form = html[html.index('<form method="post"') :]
    names = list(dict.fromkeys(re.findall(r'name="([a-z_]+)"', form)))
    assert [name for name in names if name in fields] == fields


def test_the_phone_error_from_the_contact_check_comes_before_later_questions(client, content, gates_off):
    html = send(client, phone="", preferred_contact="text", onset=None).content.decode()
    summary = html[html.index('id="error-summary"') :]
    assert summary.index("Enter a phone number, or choose e-mail") < summary.index("Choose when it started.")


@pytest.mark.parametrize("best_time", ["morning", "", "not-a-time"])
def test_for_e_mail_the_time_of_day_is_ignored_and_stored_blank(client, content, gates_off, best_time):
    response = send(client, preferred_contact="email", best_time=best_time)
    assert response.status_code == 302
    assert ConsultationRequest.objects.get().best_time == ""


def test_for_a_call_or_a_text_the_time_of_day_is_optional_and_kept(client, content, gates_off):
    assert send(client, preferred_contact="phone", message="one").status_code == 302
    assert send(client, preferred_contact="text", best_time="evening", message="two").status_code == 302
    stored = dict(ConsultationRequest.objects.values_list("message", "best_time"))
    assert stored == {"one": "", "two": "evening"}
    html = send(client, preferred_contact="phone", best_time="midnight").content.decode()
    assert '<a href="#id_best_time_0">Choose one of the options shown.</a>' in html


def test_the_time_of_day_is_marked_optional_without_javascript(client, content):
    html = client.get(URL).content.decode()
    assert "Best time of day to call or text you (optional)" in html
    assert not re.search(r'name="best_time"[^>]*required', html)


def test_the_database_refuses_a_time_of_day_for_e_mail(db):
    from django.db import IntegrityError, transaction

    from tests.consultation_fixtures import make_request

    with pytest.raises(IntegrityError), transaction.atomic():
        make_request(preferred_contact="email", best_time="morning")
    assert make_request(preferred_contact="phone", best_time="morning").best_time == "morning"


def test_a_request_is_stored_in_35_queries_its_checks_asked_in_one(client, content, settings):
    """The first request from a client, stored: rate limit and attempt, token and duplicate lookups,
    the form's choices, the model's check constraints (one query for all 13), the row, its mail."""
    settings.CLINIC_CONSULTATION_MIN_FILL_SECONDS = 0
    with CaptureQueriesContext(connection) as queries:
        assert client.post(URL, post_data()).status_code == 302
    assert len(queries) <= 35, "\n".join(query["sql"][:100] for query in queries.captured_queries)
    assert sum('AS "check_0"' in query["sql"] for query in queries.captured_queries) == 1


@pytest.mark.parametrize(
    "fields",
    [
        {"name": "", "email": "", "phone": "", "best_time": "morning", "consent_to_contact": False},
        {"preferred_contact": "phone", "phone": "", "status": "lost", "onset": "never"},
        {"preferred_contact": "fax", "for_whom": "dog", "privacy_notice_version": ""},
        {},
    ],
)
def test_the_checks_asked_in_one_query_find_what_django_finds_one_by_one(db, fields):
    consultation = ConsultationRequest(
        **{
            "reference": "FN-TEST-0001",
            "name": "Ada Example",
            "email": "ada@example.com",
            "phone": "+12025550143",
            "preferred_contact": "email",
            "onset": "6-months",
            "patient_type": "new",
            "consent_to_contact": True,
            "privacy_notice_version": "1",
            **fields,
        }
    )
    one_by_one = set()
    for constraint in ConsultationRequest._meta.constraints:
        try:
            constraint.validate(ConsultationRequest, consultation)
        except ValidationError as error:
            one_by_one.update(error.messages)
    try:
        consultation.validate_constraints()
    except ValidationError as error:
        at_once = set(error.messages)
    else:
        at_once = set()
    assert at_once == one_by_one
    assert bool(fields) == bool(at_once)


def test_what_bothers_is_stored_once_each_in_the_forms_order(client, content, gates_off):
    send(client, bothers=["other", "eye", "other", "speaking"])
    assert ConsultationRequest.objects.get().bothers == ["eye", "speaking", "other"]


def test_unknown_answers_to_what_bothers_are_refused(client, content, gates_off):
    html = send(client, bothers=["eye", "operation"]).content.decode()
    assert '<a href="#id_bothers_0">Choose only from the answers shown.</a>' in html
    assert not ConsultationRequest.objects.exists()


def test_the_model_accepts_only_known_answers_to_what_bothers(db):
    from django.core.exceptions import ValidationError

    from tests.consultation_fixtures import make_request

    consultation = make_request(bothers=["eye", "other"])
    consultation.full_clean()
    for wrong in (["eye", "operation"], "eye", {"eye": True}):
        consultation.bothers = wrong
        with pytest.raises(ValidationError) as refused:
            consultation.full_clean()
        assert "bothers" in refused.value.message_dict


def test_one_agreement_box_replaces_the_read_the_notice_claim(client, content):
    html = client.get(URL).content.decode()
    assert "I agree that the practice may keep what I send here and contact me about a consultation" in html
    assert "I have read" not in html
    assert len(re.findall(r'type="checkbox" name="consent_to_contact"', html)) == 1
    assert 'href="/privacy/"' in html


# The confirmation.


def test_the_confirmation_shows_what_was_sent_what_to_have_ready_and_eye_care(client, content, gates_off):
    response = send(
        client,
        for_whom="child",
        child_first_name="Sam",
        child_age="4",
        bothers=["eye", "feelings"],
        preferred_contact="phone",
        best_time="afternoon",
    )
    assert response["Location"] == "/consultation/received/"  # nothing about the patient in the URL
    html = client.get("/consultation/received/").content.decode()
    assert 'class="reference-box"' in html
    assert re.search(r'id="reference">FN-[0-9A-Z]{4}-[0-9A-Z]{4}<', html)
    assert "My child" in html
    assert "My eye does not close all the way" in html and "How I feel about my face" in html
    assert "My smile is uneven" not in html
    assert "By phone call to (202) 555-0143" in html and "Best time: Afternoon" in html
    assert "What to have ready" in html and "insurance card" in html and "letters from your doctors" in html
    assert 'href="/eye-care/"' in html
    assert "Ada" not in html  # the name stays off the page


def test_the_confirmation_for_e_mail_names_the_address_and_no_time(client, content, gates_off):
    send(client, best_time="morning")
    html = client.get("/consultation/received/").content.decode()
    assert "By e-mail to ada@example.com" in html
    assert "Best time" not in html


def test_a_request_on_a_friday_is_answered_by_tuesday(client, content, gates_off):
    from consultations.emails import patient_confirmation

    with time_machine.travel(datetime(2026, 11, 20, 16, 30, tzinfo=NEW_YORK), tick=False):
        send(client)
        html = client.get("/consultation/received/").content.decode()
    assert "Our front desk team will contact you by Tuesday, November 24, in the way you asked." in html
    # The e-mail, sent later by the worker, promises the same date.
    body = patient_confirmation(ConsultationRequest.objects.get()).body
    assert "will contact you by Tuesday, November 24" in body
    assert "My eye" not in body


def test_the_reply_date_skips_the_practices_closed_days(client, content, gates_off):
    """Sent the day before Thanksgiving, with Thursday and Friday closed: Monday and Tuesday count."""
    practice = Practice.objects.current()
    practice.closed_days.create(date=date(2026, 11, 26), name="Thanksgiving")
    practice.closed_days.create(date=date(2026, 11, 27), name="Day after Thanksgiving")
    with time_machine.travel(datetime(2026, 11, 25, 11, 0, tzinfo=NEW_YORK), tick=False):
        form_page = client.get(URL).content.decode()
        send(client)
        html = client.get("/consultation/received/").content.decode()
    assert "Tuesday, December 1" in form_page
    assert "Our front desk team will contact you by Tuesday, December 1, in the way you asked." in html
    # The front desk works to the same date.
    due = due_by(ConsultationRequest.objects.get().created_at, Practice.objects.current())
    assert timezone.localtime(due).date() == date(2026, 12, 1)


@pytest.mark.parametrize(
    ("received", "open_days", "working_days", "expected"),
    [
        (datetime(2026, 11, 20, 10, 0), "12345", 2, "2026-11-24"),  # Friday: Monday, Tuesday
        (datetime(2026, 11, 21, 10, 0), "12345", 2, "2026-11-24"),  # Saturday
        (datetime(2026, 11, 23, 10, 0), "12345", 2, "2026-11-25"),  # Monday: Wednesday
        (datetime(2026, 11, 22, 23, 30), "12345", 1, "2026-11-23"),  # late Sunday in New York is Monday in UTC
        (datetime(2026, 11, 20, 10, 0), "23456", 2, "2026-11-24"),  # open Tuesday to Saturday: Saturday, Tuesday
        (datetime(2026, 11, 20, 10, 0), "1234567", 2, "2026-11-22"),  # open every day
        (datetime(2026, 11, 20, 10, 0), "3", 2, "2026-12-02"),  # open Wednesdays only
        (datetime(2026, 11, 20, 10, 0), "12345", None, None),  # no promise
    ],
)
def test_the_reply_date_counts_only_the_days_the_practice_is_open(received, open_days, working_days, expected):
    practice = Practice.demo()
    practice.open_days, practice.reply_working_days = open_days, working_days
    reply_by = practice.reply_by(received.replace(tzinfo=NEW_YORK))
    assert (reply_by.isoformat() if reply_by else None) == expected


def test_my_child_asks_the_childs_first_name_and_age_with_specific_errors(client, content, gates_off):
    html = send(client, for_whom="child").content.decode()
    first_name = "Enter your child&#x27;s first name, or choose who else this is for."
    age = "Enter your child&#x27;s age in years. For a baby under one year old, enter 0."
    assert f'<a href="#id_child_first_name">{first_name}</a>' in html
    assert f'<a href="#id_child_age">{age}</a>' in html
    html = send(client, for_whom="child", child_first_name="Sam", child_age="18").content.decode()
    assert "Enter an age under 18. For a son or daughter of 18 or older, choose “Someone I care for”." in html
    html = send(client, for_whom="child", child_first_name="Sam", child_age="seven").content.decode()
    assert "Enter your child&#x27;s age as a number of years, like 7." in html
    assert not ConsultationRequest.objects.exists()

    assert send(client, for_whom="child", child_first_name="  Sam  ", child_age="0").status_code == 302
    stored = ConsultationRequest.objects.get()
    assert (stored.for_whom, stored.child_first_name, stored.child_age) == ("child", "Sam", 0)


def test_the_childs_details_are_dropped_for_anyone_else(client, content, gates_off):
    # Without JavaScript the fields are on the page whatever is chosen; for "Me" they are not kept.
    html = client.get(URL).content.decode()
    assert 'id="child-details"' in html and "Only if this is for your child." in html
    assert send(client, for_whom="self", child_first_name="Sam", child_age="99").status_code == 302
    stored = ConsultationRequest.objects.get()
    assert (stored.child_first_name, stored.child_age) == ("", None)


def test_two_children_of_one_parent_are_two_requests(client, content, gates_off):
    assert send(client, for_whom="child", child_first_name="Sam", child_age="4").status_code == 302
    assert send(client, for_whom="child", child_first_name="sam", child_age="4").status_code == 302
    assert ConsultationRequest.objects.count() == 1  # the same child, sent again: the same request
    assert send(client, for_whom="child", child_first_name="Kim", child_age="4").status_code == 302
    assert send(client, for_whom="child", child_first_name="Kim", child_age="9").status_code == 302
    assert ConsultationRequest.objects.count() == 3


def test_the_fingerprint_of_a_request_without_a_child_is_unchanged():
    from consultations.submissions import fingerprint

    without = {**answers(), "email": "ada@example.com", "bothers": ["eye"], "treatments": []}
    assert fingerprint({**without, "child_first_name": "", "child_age": None}) == fingerprint(
        {**without, "child_first_name": None, "child_age": None}
    )
    assert fingerprint({**without, "child_first_name": "Sam", "child_age": 4}) != fingerprint(
        {**without, "child_first_name": "", "child_age": None}
    )


@pytest.mark.parametrize(
    "fields",
    [
        {"for_whom": "self", "child_first_name": "Sam"},
        {"for_whom": "cared-for", "child_age": 4},
        {"for_whom": "child", "child_first_name": "Sam", "child_age": 18},
    ],
)
def test_the_database_refuses_a_childs_details_that_do_not_fit(db, fields):
    from django.db import IntegrityError, transaction

    from tests.consultation_fixtures import make_request

    with pytest.raises(IntegrityError), transaction.atomic():
        make_request(**fields)
    assert make_request(for_whom="child", child_first_name="Sam", child_age=17).child_age == 17


def test_the_onset_question_carries_the_triage_tables_advice_before_anything_is_sent(client, content):
    from triage import table

    html = client.get(URL).content.decode()
    onset = html.split('id="div_id_onset"', 1)[1].split("</fieldset>", 1)[0]
    description = onset.split('id="id_onset_helptext"', 1)[1]
    today, emergency = table.TIERS[table.TODAY], table.TIERS[table.EMERGENCY]
    # The table's words (no advice written here), visible without JavaScript: the description is not hidden.
    assert "Started in the last 3 days?" in description
    assert f"<strong>{today.text()}.</strong>" in description
    assert str(today.note_text()).replace("'", "&#x27;") in description
    assert f"<strong>{emergency.text()}.</strong>" in description and "911" in description
    assert "also see a doctor today" not in html
    # The full urgent box follows the question (hidden until a recent onset is chosen).
    after = html.split('id="div_id_onset"', 1)[1]
    assert after.index('id="urgent-guidance"') < after.index('id="div_id_concern"')
