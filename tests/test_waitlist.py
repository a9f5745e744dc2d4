"""The waitlist: a freed time offered to the patients waiting, first come; exactly one gets it."""

import email
import http.client
import re
import threading
import time as clock
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, time, timedelta

import pytest
import time_machine
from django.conf import settings as django_settings
from django.core import signing
from django.db import connection, transaction
from django.utils import timezone
from django.utils.crypto import get_random_string

from booking import holding, links
from booking.models import Booking, BookingStatus, VisitType
from consultations import tasks, visit_choice, waitlist, waitlist_links
from consultations.models import AuditEntry, ConsultationRequest, Delivery, FreedTime, WaitlistEntry, WaitlistOffer
from practice.models import Practice
from tests.consultation_fixtures import database_env, free_port, make_request, post_data, smtp  # noqa: F401
from tests.servers import start_gunicorn, stop
from tests.test_booking_form import URL, clinic
from tests.test_consultation_concurrency import waiting_for_a_lock

Kind = Delivery.Kind


def at(days, hour, minute=0):
    """A local time `days` from today: far enough ahead for the visit types' 24 hours' notice."""
    day = timezone.localdate() + timedelta(days=days)
    return datetime.combine(day, time(hour, minute), timezone.get_current_timezone())


def patient(visit, starts_at, number, waiting=True):
    """A request with its visit booked at `starts_at`, on the waitlist unless told otherwise."""
    consultation = make_request(name=f"Patient {number}", email=f"p{number}@example.com")
    with transaction.atomic():
        consultation.booking = holding.book(visit, starts_at)
        consultation.save(update_fields=["booking"])
    if waiting:
        waitlist.join(consultation, consultation.booking)
    return consultation


def offers_to(consultation):
    return WaitlistOffer.objects.filter(entry__request=consultation)


def mail(consultation, kind):
    return Delivery.objects.filter(request=consultation, kind=kind)


def send(deliveries):
    for delivery in deliveries:
        tasks.send_visit_mail.call(delivery.pk)


def body(message):
    """A message's text as the patient reads it (the SMTP server receives it quoted-printable)."""
    return email.message_from_string(message).get_payload(decode=True).decode()


def claim_path(consultation):
    return waitlist_links.url(offers_to(consultation).get())


@pytest.fixture
def visit(db, settings):
    settings.CLINIC_CONSULTATION_SPAM_CHECKS = False
    settings.CLINIC_CONSULTATION_RATE_LIMIT = 0
    return clinic()


@pytest.fixture
def offered(visit, django_capture_on_commit_callbacks):
    """Two patients waiting with visits in 10 and 11 days; a visit in 4 days is cancelled."""
    leaving = patient(visit, at(4, 9), 0, waiting=False)
    first, second = patient(visit, at(10, 9), 1), patient(visit, at(11, 9), 2)
    with django_capture_on_commit_callbacks(execute=True):
        holding.cancel(leaving.booking, by="patient")
    return first, second


# Joining


def test_a_patient_who_picks_a_time_on_the_form_can_ask_for_an_earlier_one(client, visit):
    (visit_type, days), *_rest = visit_choice.offers(frozenset())
    moment = list(days.values())[2][0]
    data = post_data(visit=visit_choice.value(visit_type, moment), email="ada@example.com", waitlist="on")
    assert client.post(URL, data).status_code == 302
    consultation = ConsultationRequest.objects.get()
    entry = WaitlistEntry.objects.get()
    assert (entry.request, entry.booking, entry.wanted_before) == (consultation, consultation.booking, moment)
    assert entry.is_waiting
    page = client.get("/consultation/received/").content.decode()
    assert "You are on the waitlist: if an earlier time opens, we will e-mail you." in page


def test_the_box_needs_an_e_mail_address_and_is_ignored_with_a_call(client, visit):
    (visit_type, days), *_rest = visit_choice.offers(frozenset())
    value = visit_choice.value(visit_type, list(days.values())[2][0])
    phone_only = post_data(visit=value, email="", preferred_contact="phone", waitlist="on")
    html = client.post(URL, phone_only).content.decode()
    assert "Enter an e-mail address to hear of an earlier time, or untick this box." in html
    assert 'href="#id_waitlist"' in html  # in the error summary, linked to the box
    assert not ConsultationRequest.objects.exists()
    assert client.post(URL, post_data(visit="call", waitlist="on")).status_code == 302
    assert not WaitlistEntry.objects.exists()


def test_the_confirmation_link_adds_the_visit_to_the_waitlist_and_takes_it_off(client, visit):
    consultation = patient(visit, at(10, 9), 1, waiting=False)
    url = waitlist_links.join_url(consultation.booking)
    page = client.get(url)
    assert page.status_code == 200 and "E-mail me if an earlier time opens" in page.content.decode()
    assert not WaitlistEntry.objects.exists()  # a mail scanner opening the link changes nothing
    joined = client.post(url, {"action": "join"}).content.decode()
    assert "You are on the waitlist." in joined and "On the waitlist since" in joined
    client.post(url, {"action": "join"})  # twice: still one place
    entry = WaitlistEntry.objects.get()
    assert client.post(url, {"action": "leave"}).status_code == 200
    entry.refresh_from_db()
    assert entry.ended_why == WaitlistEntry.Ended.LEFT
    # A link for another purpose does not open the page.
    assert client.get(f"/consultation/earlier-time/{links.token(consultation.booking, 'move')}/").status_code == 404


# Offering a freed time


def test_a_cancelled_time_is_offered_to_those_it_fits_in_the_order_they_asked(
    visit, django_capture_on_commit_callbacks
):
    Practice.objects.current().__class__.objects.update(waitlist_offers=2)
    video = VisitType.objects.create(name="New consultation, by video", minutes=30, by_video=True)
    video.clinicians.add(visit.clinicians.get())
    leaving = patient(visit, at(4, 9), 0, waiting=False)
    first = patient(visit, at(10, 9), 1)
    patient(visit, at(3, 9), 2)  # already earlier than the freed time
    patient(video, at(10, 10), 3)  # another visit type
    left = patient(visit, at(10, 11), 4)
    waitlist.leave(left.waitlist_entries.get(), WaitlistEntry.Ended.LEFT)
    second = patient(visit, at(11, 9), 5)
    patient(visit, at(12, 9), 6)  # fits, but two are offered each freed time
    with django_capture_on_commit_callbacks(execute=True):
        holding.cancel(leaving.booking, by="patient")
    freed = FreedTime.objects.get()
    assert (freed.starts_at, freed.visit_type, freed.is_open) == (at(4, 9), visit, True)
    offers = list(freed.offers.order_by("pk"))
    assert [offer.entry.request for offer in offers] == [first, second]
    sent_first = Delivery.objects.filter(kind=Kind.WAITLIST_OFFER).order_by("pk")
    assert [delivery.request for delivery in sent_first] == [first, second]
    assert all(delivery.enqueued_at is not None for delivery in sent_first)


def test_a_time_freed_closer_than_the_notice_or_fitting_nobody_is_not_offered(
    visit, django_capture_on_commit_callbacks
):
    soon = patient(visit, at(2, 9), 0, waiting=False)
    patient(visit, at(10, 9), 1)
    with time_machine.travel(at(1, 10), tick=False), django_capture_on_commit_callbacks(execute=True):
        holding.cancel(soon.booking, by="patient")  # 23 hours ahead: inside the 24 hours' notice
    nobody = patient(visit, at(20, 9), 2, waiting=False)
    with django_capture_on_commit_callbacks(execute=True):
        holding.cancel(nobody.booking, by="practice")  # later than every visit waiting
    assert not FreedTime.objects.exists() and not WaitlistOffer.objects.exists()


def test_staff_cancelling_a_visit_in_the_admin_offers_its_time(visit, admin_client, django_capture_on_commit_callbacks):
    leaving = patient(visit, at(4, 9), 0, waiting=False)
    waiting = patient(visit, at(10, 9), 1)
    booking = leaving.booking
    local = timezone.localtime(booking.starts_at)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            f"/admin/booking/booking/{booking.pk}/change/",
            {
                "team_member": booking.team_member_id,
                "visit_type": booking.visit_type_id,
                "starts_at_0": local.strftime("%Y-%m-%d"),
                "starts_at_1": local.strftime("%H:%M:%S"),
                "status": BookingStatus.CANCELLED_BY_PRACTICE,
            },
        )
    assert response.status_code == 302
    assert offers_to(waiting).get().freed_time.starts_at == at(4, 9)


# Claiming


def test_the_first_claim_gets_the_time_and_the_others_are_told_once(
    client,
    offered,
    smtp,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    first, second = offered
    send(Delivery.objects.filter(kind=Kind.WAITLIST_OFFER))
    mails = smtp.wait_for(2)
    assert len(mails) == 2 and all("An earlier time has opened" in body(m) for m in mails)
    for message in mails:
        assert "Patient 1" not in message and "Patient 2" not in message  # nobody's name, nor anything else
    # The second patient claims first, from the link in their own e-mail.
    second_mail = body(next(m for m in mails if "p2@example.com" in m))
    path = urllib.parse.urlsplit(re.search(r"http://\S+/consultation/earlier-time/claim/\S+/", second_mail)[0]).path
    page = client.get(path)
    assert page.status_code == 200 and "Take an earlier time" in page.content.decode()
    assert second.booking.starts_at == at(11, 9)  # opening the link changed nothing
    with django_capture_on_commit_callbacks(execute=True):
        moved = client.post(path)
    assert moved.status_code == 200 and "Your visit is moved" in moved.content.decode()
    second.booking.refresh_from_db()
    assert (second.booking.starts_at, second.booking.sequence) == (at(4, 9), 1)
    assert second.waitlist_entries.get().ended_why == WaitlistEntry.Ended.EARLIER
    freed = FreedTime.objects.get(starts_at=at(4, 9))
    assert freed.closed_why == FreedTime.Closed.CLAIMED
    assert mail(second, Kind.VISIT_MOVED).count() == 1  # the usual "new time" mail with its invitation

    # The other is told it is gone, once; their visit and their place stay.
    assert mail(first, Kind.WAITLIST_TAKEN).count() == 1 and not mail(second, Kind.WAITLIST_TAKEN).exists()
    late = client.post(claim_path_for(first, freed))
    assert late.status_code == 409 and "That time was just taken" in late.content.decode()
    assert "You are still on the waitlist" in late.content.decode()
    first.booking.refresh_from_db()
    assert (first.booking.starts_at, first.booking.status) == (at(10, 9), BookingStatus.BOOKED)
    assert mail(first, Kind.WAITLIST_TAKEN).count() == 1
    send(mail(first, Kind.WAITLIST_TAKEN))
    taken = [body(m) for m in smtp.wait_for(3) if "has been taken" in body(m)]
    assert len(taken) == 1 and "still on the waitlist" in taken[0] and practice_phone() in taken[0]

    # The claim freed the second patient's old time: later than the first patient's, so offered to nobody.
    assert not FreedTime.objects.filter(starts_at=at(11, 9)).exists()


def practice_phone():
    return Practice.objects.current().phone


def claim_path_for(consultation, freed):
    return waitlist_links.url(offers_to(consultation).get(freed_time=freed))


def test_a_claim_frees_the_old_time_for_the_next_in_line(client, visit, django_capture_on_commit_callbacks):
    leaving = patient(visit, at(4, 9), 0, waiting=False)
    first, later = patient(visit, at(6, 9), 1), patient(visit, at(10, 9), 2)
    with django_capture_on_commit_callbacks(execute=True):
        holding.cancel(leaving.booking, by="patient")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(claim_path_for(first, FreedTime.objects.get()))
    first.booking.refresh_from_db()
    assert first.booking.starts_at == at(4, 9)
    # The first patient's old time, two days later, goes to the one still waiting.
    cascade = FreedTime.objects.get(starts_at=at(6, 9))
    assert [offer.entry.request for offer in cascade.offers.all()] == [later]


def test_an_offer_mail_is_not_sent_once_the_patients_visit_is_cancelled(offered, smtp):  # noqa: F811
    first, second = offered
    # The second patient cancels their visit before the worker reaches their offer.
    holding.cancel(second.booking, by="patient")
    send(Delivery.objects.filter(kind=Kind.WAITLIST_OFFER))
    assert len(smtp.messages) == 1 and "p1@example.com" in smtp.messages[0]
    assert not mail(second, Kind.WAITLIST_OFFER).exists()
    assert mail(first, Kind.WAITLIST_OFFER).get().sent_at is not None


def test_telling_the_others_twice_owes_each_one_mail(offered):
    first, second = offered
    send_marked = mail(first, Kind.WAITLIST_OFFER)
    send_marked.update(sent_at=timezone.now())  # the offer went out (a real send is tested above)
    freed = FreedTime.objects.get()
    waitlist.tell_the_others(freed, None, timezone.now())
    waitlist.tell_the_others(freed, None, timezone.now())
    assert mail(first, Kind.WAITLIST_TAKEN).count() == 1
    # The second patient's offer mail never went: it is dropped, and there is nothing to take back.
    assert not mail(second, Kind.WAITLIST_OFFER).exists() and not mail(second, Kind.WAITLIST_TAKEN).exists()


# Refused claims


def test_a_claim_too_close_to_the_time_is_refused(client, offered):
    first, _second = offered
    path = claim_path(first)
    with time_machine.travel(at(3, 10), tick=False):  # the freed time is 23 hours away
        page = client.get(path).content.decode()
        assert "It is too close now to change your visit online." in page and "Move my visit" not in page
        assert client.post(path).status_code == 409
    first.booking.refresh_from_db()
    assert first.booking.starts_at == at(10, 9)


def test_a_claim_after_someone_else_booked_the_time_is_refused_and_the_others_told(client, offered):
    first, second = offered
    mail(second, Kind.WAITLIST_OFFER).update(sent_at=timezone.now())
    with transaction.atomic():
        holding.book(first.booking.visit_type, at(4, 9))  # on the form, by a patient not waiting
    response = client.post(claim_path(first))
    assert response.status_code == 409 and "That time was just taken" in response.content.decode()
    first.booking.refresh_from_db()
    assert first.booking.starts_at == at(10, 9)
    assert FreedTime.objects.get().closed_why == FreedTime.Closed.TAKEN
    assert mail(second, Kind.WAITLIST_TAKEN).count() == 1 and not mail(first, Kind.WAITLIST_TAKEN).exists()


def test_a_claim_after_the_patient_cancelled_or_with_a_bad_link_is_refused(client, offered):
    first, second = offered
    path = claim_path(first)
    holding.cancel(first.booking, by="patient")
    refused = client.post(path)
    assert refused.status_code == 409 and "was cancelled or changed" in refused.content.decode()
    assert not Booking.objects.holding().filter(starts_at=at(4, 9)).exists()
    assert FreedTime.objects.get().is_open
    assert client.get(claim_path(second) + "x/").status_code == 404
    assert client.get(claim_path(second)[:-5] + "abcd/").status_code == 404


def test_a_link_for_another_purpose_with_the_same_numbers_claims_nothing(client, offered):
    first, _second = offered
    offer = offers_to(first).get()
    numbers = [offer.pk, first.booking.sequence]
    for purpose in ("move", "cancel", "waitlist"):
        forged = signing.dumps(numbers, salt=f"booking.link.{purpose}")
        assert client.post(f"/consultation/earlier-time/claim/{forged}/").status_code == 404
    # And a claim link is no link to move or cancel a visit.
    claim = waitlist_links.token(offer)
    with pytest.raises(links.LinkRefused):
        links.booking_for(claim, "cancel")
    first.booking.refresh_from_db()
    assert first.booking.starts_at == at(10, 9)


# Races, through real servers and threads


CLAIMERS = 8


def test_patients_claiming_one_freed_time_at_once_through_gunicorn_give_it_to_one(live_content, smtp):  # noqa: F811
    visit = clinic()
    Practice.objects.update(waitlist_offers=CLAIMERS)
    leaving = patient(visit, at(4, 9), 0, waiting=False)
    waiting = [patient(visit, at(10 + n // 6, 9 + n % 6 // 2, 30 * (n % 2)), n + 1) for n in range(CLAIMERS)]
    holding.cancel(leaving.booking, by="patient")  # committed: the offers are made after it
    send(Delivery.objects.filter(kind=Kind.WAITLIST_OFFER))
    assert len(smtp.wait_for(CLAIMERS)) == CLAIMERS
    paths = [claim_path(consultation) for consultation in waiting]
    port = free_port()
    server = start_gunicorn(port, database_env(), workers=3, threads=4)
    try:
        ready = threading.Barrier(CLAIMERS)

        def claim(path):
            csrf = get_random_string(32)
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            ready.wait(timeout=60)
            connection.request(
                "POST",
                path,
                body=urllib.parse.urlencode({"csrfmiddlewaretoken": csrf}),
                headers={
                    "Cookie": f"{django_settings.CSRF_COOKIE_NAME}={csrf}",
                    "Content-Type": "application/x-www-form-urlencoded",
                },
            )
            response = connection.getresponse()
            result = response.status, response.read().decode()
            connection.close()
            return result

        with ThreadPoolExecutor(CLAIMERS) as pool:
            results = list(pool.map(claim, paths))
    finally:
        stop(server)
    statuses = sorted(status for status, _body in results)
    assert statuses == [200] + [409] * (CLAIMERS - 1), statuses
    assert Booking.objects.holding().filter(starts_at=at(4, 9)).count() == 1
    winner = ConsultationRequest.objects.get(booking__in=Booking.objects.holding().filter(starts_at=at(4, 9)))
    freed = FreedTime.objects.get(starts_at=at(4, 9))
    assert freed.closed_why == FreedTime.Closed.CLAIMED
    assert [o.entry.request for o in freed.offers.filter(claimed_at__isnull=False)] == [winner]
    for consultation in waiting:
        told = mail(consultation, Kind.WAITLIST_TAKEN).filter(offer__freed_time=freed).count()
        assert told == (0 if consultation == winner else 1), consultation
        consultation.booking.refresh_from_db()
        if consultation != winner:
            assert consultation.booking.status == BookingStatus.BOOKED
            assert consultation.booking.starts_at > at(4, 9)
    for status, body in results:
        if status == 409:
            assert "That time was just taken" in body


def _claim_in_a_thread(offer_pk, sequence):
    result = {}

    def run():
        try:
            result["booking"] = waitlist.claim(offer_pk, sequence)
        except waitlist.ClaimRefused as refused:
            result["refused"] = refused.reason
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, result


def _until_waiting_for_a_lock(seconds=5):
    database = connection.settings_dict["NAME"]
    deadline = clock.monotonic() + seconds
    while clock.monotonic() < deadline and not waiting_for_a_lock(database):
        clock.sleep(0.05)


def test_a_claim_racing_a_booking_made_elsewhere_loses_to_the_database(live_content):
    visit = clinic()
    leaving = patient(visit, at(4, 9), 0, waiting=False)
    first = patient(visit, at(10, 9), 1)
    holding.cancel(leaving.booking, by="patient")
    offer = offers_to(first).get()
    with transaction.atomic():
        holding.book(visit, at(4, 9))  # a patient on the form, not yet committed when the claim looks
        thread, result = _claim_in_a_thread(offer.pk, first.booking.sequence)
        _until_waiting_for_a_lock()  # the claim's move waits on the database's constraint
    thread.join(30)
    assert result == {"refused": waitlist.TAKEN}
    assert Booking.objects.holding().filter(starts_at=at(4, 9)).count() == 1
    first.booking.refresh_from_db()
    assert first.booking.starts_at == at(10, 9)


def test_a_claim_waits_for_the_patients_own_cancellation_and_then_refuses(live_content):
    visit = clinic()
    leaving = patient(visit, at(4, 9), 0, waiting=False)
    first = patient(visit, at(10, 9), 1)
    holding.cancel(leaving.booking, by="patient")
    offer = offers_to(first).get()
    with transaction.atomic():
        booking = Booking.objects.select_for_update().get(pk=first.booking_id)
        holding.cancel(booking, by="patient")  # by their cancel link, committing as the claim arrives
        thread, result = _claim_in_a_thread(offer.pk, first.booking.sequence)
        _until_waiting_for_a_lock()
    thread.join(30)
    assert result == {"refused": waitlist.ENDED}
    first.booking.refresh_from_db()
    assert (first.booking.status, first.booking.starts_at) == (BookingStatus.CANCELLED_BY_PATIENT, at(10, 9))
    assert FreedTime.objects.get(starts_at=at(4, 9)).is_open


# Staff


def test_staff_see_the_waitlist_read_only_and_every_look_is_audited(admin_client, offered):
    first, second = offered
    html = admin_client.get("/admin/consultations/waitlistentry/").content.decode()
    assert first.reference in html and second.reference in html and "Waiting" in html
    assert "Add waitlist entry" not in html
    entry = AuditEntry.objects.get(action=AuditEntry.Action.WAITLIST)
    assert set(entry.references.split()) == {first.reference, second.reference}
    panel = admin_client.get(f"/admin/consultations/consultationrequest/{first.pk}/change/").content.decode()
    assert 'id="front-desk-waitlist"' in panel and "On the waitlist since" in panel
