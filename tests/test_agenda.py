"""The desk's side of booking: the agenda, one-click marks, no-shows counted, and who may do what."""

import re
from datetime import datetime, time, timedelta

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group, Permission, User
from django.test import Client
from django.utils import timezone

from booking.models import Booking, BookingStatus, VisitType, WeeklyHours
from consultations.groups import FRONT_DESK, MANAGER
from consultations.models import AuditEntry
from practice.models import TeamMember
from tests.consultation_fixtures import make_request
from tests.staff_fixtures import sign_in_verified

AGENDA = "/admin/consultations/consultationrequest/agenda/"
CHANGELIST = "/admin/consultations/consultationrequest/"


def mark_url(booking):
    return f"{AGENDA}visit/{booking.pk}/"


def at(day, hour, minute=0):
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


@pytest.fixture
def clinic(db):
    doctor = TeamMember.objects.create(name="Dr. Alex Example", role="Surgeon")
    nurse = TeamMember.objects.create(name="Sam Nurse", role="Nurse")
    for member in (doctor, nurse):
        WeeklyHours.objects.create(team_member=member, weekday=1, starts=time(9), ends=time(12))
    visit = VisitType.objects.create(name="New consultation, in person", minutes=30)
    visit.clinicians.add(doctor, nurse)
    return doctor, nurse, visit


def book(member, visit, starts_at, status=BookingStatus.BOOKED, **request_fields):
    """A visit at `starts_at`, booked with a request (unless request_fields is None)."""
    booking = Booking.objects.create(
        team_member=member, visit_type=visit, starts_at=starts_at, ends_at=starts_at + visit.length, status=status
    )
    if request_fields is not None:
        make_request(booking=booking, **request_fields)
    return booking


def user_in(group, username):
    user = User.objects.create_user(username, password="x" * 12, is_staff=True)
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def desk(db):
    return sign_in_verified(Client(), user_in(FRONT_DESK, "desk"))


@pytest.fixture
def manager(db):
    return sign_in_verified(Client(), user_in(MANAGER, "manager"))


def visit_row(html, booking):
    return re.search(rf'<tr id="visit-{booking.pk}".*?</tr>', html, re.S).group(0)


def test_a_day_shows_each_team_members_visits_with_their_request_and_is_audited(clinic, desk):
    doctor, nurse, visit = clinic
    day = timezone.localdate() + timedelta(days=3)
    first = book(doctor, visit, at(day, 9, 30), name="Ada Example")
    second = book(nurse, visit, at(day, 10), status=BookingStatus.CONFIRMED, name="Ben Example")
    cancelled = book(doctor, visit, at(day, 11), status=BookingStatus.CANCELLED_BY_PATIENT, name="Cy Example")
    book(doctor, visit, at(day + timedelta(days=1), 9), name="Dee Tomorrow")

    html = desk.get(AGENDA, {"day": day.isoformat()}).content.decode()
    row = visit_row(html, first)
    assert "9:30 a.m.</time>–10 a.m." in row and "New consultation, in person" in row and "Booked" in row
    assert f'href="{CHANGELIST}{first.consultation.pk}/change/">Ada Example</a>' in row
    assert "Ben Example" in visit_row(html, second) and "Confirmed" in visit_row(html, second)
    # A cancelled visit has freed its time: counted, not listed; another day's visit is not shown.
    assert f'id="visit-{cancelled.pk}"' not in html and "Cy Example" not in html and "Dee Tomorrow" not in html
    counts = html[html.index('id="agenda-counts"') : html.index("</table>", html.index('id="agenda-counts"'))]
    assert "Dr. Alex Example" in counts and "1 visit,\n" in counts and "1 cancelled" in counts

    entry = AuditEntry.objects.get(action=AuditEntry.Action.AGENDA)
    assert entry.username == "desk"
    assert set(entry.references.split()) == {first.consultation.reference, second.consultation.reference}
    assert entry.detail == f"day {day.isoformat()} member=all"


def test_a_week_for_one_team_member_counts_the_visits_missed_each_day(clinic, desk):
    doctor, nurse, visit = clinic
    monday = timezone.localdate() - timedelta(days=timezone.localdate().weekday() + 7)  # last week
    book(doctor, visit, at(monday, 9), status=BookingStatus.NO_SHOW)
    book(doctor, visit, at(monday, 10), status=BookingStatus.ARRIVED)
    book(doctor, visit, at(monday + timedelta(days=2), 9), status=BookingStatus.NO_SHOW)
    book(nurse, visit, at(monday, 9), status=BookingStatus.NO_SHOW, name="Not Her Patient")

    html = desk.get(
        AGENDA, {"day": (monday + timedelta(days=4)).isoformat(), "view": "week", "member": doctor.pk}
    ).content.decode()
    assert "Agenda: the week of " + monday.strftime("%B %-d, %Y") in html
    cells = re.findall(r"<td>(.*?)</td>", html[html.index('id="agenda-counts"') :].split("</table>")[0], re.S)
    assert len(cells) == 7  # the doctor only, Monday to Sunday
    assert "2 visits" in cells[0] and "1 did not come" in cells[0]
    assert "1 visit" in cells[2] and "1 did not come" in cells[2]
    assert all("0 visits" in cell for cell in cells[3:])
    assert 'id="agenda-member-' + str(nurse.pk) not in html and "Not Her Patient" not in html
    assert html.count("No visits.") == 5


def test_a_bad_day_is_said_and_today_shown(clinic, desk):
    html = desk.get(AGENDA, {"day": "next tuesday"}).content.decode()
    assert "Enter a valid date." in html and "the agenda shows today meanwhile" in html
    assert "Agenda: " + timezone.localdate().strftime("%A, %B %-d, %Y") in html


def test_the_desk_marks_a_visit_in_one_click_and_it_is_audited(clinic, desk):
    doctor, _nurse, visit = clinic
    day = timezone.localdate()
    booking = book(doctor, visit, timezone.now() - timedelta(minutes=10), name="Ada Example")
    here = f"{AGENDA}?day={day.isoformat()}"
    row = visit_row(desk.get(here).content.decode(), booking)
    assert re.findall(r'name="status" value="(\w+)"', row) == ["confirmed", "arrived", "no_show"]

    response = desk.post(mark_url(booking), {"status": "arrived", "next": here})
    assert response.status_code == 302 and response["Location"] == here
    booking.refresh_from_db()
    assert (booking.status, booking.sequence) == (BookingStatus.ARRIVED, 0)  # links and reminders unchanged
    entry = AuditEntry.objects.get(action=AuditEntry.Action.VISIT)
    assert (entry.username, entry.references) == ("desk", booking.consultation.reference)
    assert entry.detail == f"booking {booking.pk} status=arrived"
    assert LogEntry.objects.get(object_id=str(booking.pk)).get_change_message() == "Marked: Arrived"
    assert "is now: Arrived." in desk.get(here).content.decode()


def test_a_visit_not_yet_begun_cannot_be_marked_missed(clinic, desk):
    doctor, _nurse, visit = clinic
    booking = book(doctor, visit, timezone.now() + timedelta(hours=1))
    row = visit_row(desk.get(AGENDA).content.decode(), booking)
    assert 'value="no_show"' not in row
    desk.post(mark_url(booking), {"status": "no_show"})
    booking.refresh_from_db()
    assert booking.status == BookingStatus.BOOKED
    assert "has not started yet" in desk.get(AGENDA).content.decode()
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.VISIT).exists()


def test_a_visit_on_a_later_day_cannot_be_marked_arrived(clinic, desk):
    doctor, _nurse, visit = clinic
    booking = book(doctor, visit, at(timezone.localdate() + timedelta(days=1), 9))
    day = {"day": timezone.localdate(booking.starts_at).isoformat()}
    assert re.findall(r'name="status" value="(\w+)"', visit_row(desk.get(AGENDA, day).content.decode(), booking)) == [
        "confirmed"
    ]
    desk.post(mark_url(booking), {"status": "arrived"})
    booking.refresh_from_db()
    assert booking.status == BookingStatus.BOOKED
    assert "the patient cannot have arrived for it yet" in desk.get(AGENDA).content.decode()


def test_a_cancelled_visit_cannot_be_marked_back(clinic, desk):
    doctor, _nurse, visit = clinic
    booking = book(doctor, visit, timezone.now() - timedelta(hours=1), status=BookingStatus.CANCELLED_BY_PATIENT)
    desk.post(mark_url(booking), {"status": "arrived"})
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED_BY_PATIENT
    assert "This visit was cancelled by the patient: it cannot be marked." in desk.get(AGENDA).content.decode()


def test_marks_are_post_only_a_known_status_and_return_only_to_this_site(clinic, desk):
    doctor, _nurse, visit = clinic
    booking = book(doctor, visit, timezone.now() - timedelta(hours=1))
    assert desk.get(mark_url(booking)).status_code == 405
    desk.post(mark_url(booking), {"status": "cancelled_practice"})
    booking.refresh_from_db()
    assert booking.status == BookingStatus.BOOKED  # cancelling tells the patient: the booking's own page
    assert "Choose confirmed, arrived, did not come or booked." in desk.get(AGENDA).content.decode()
    response = desk.post(mark_url(booking), {"status": "confirmed", "next": "https://evil.example/"})
    assert response["Location"] == AGENDA


def test_the_request_shows_its_visit_with_marks_and_the_visits_missed_before(clinic, desk):
    doctor, nurse, visit = clinic
    earlier = timezone.now() - timedelta(days=40)
    missed = book(doctor, visit, earlier, status=BookingStatus.NO_SHOW, phone="+12025550143", created_at=earlier)
    book(doctor, visit, earlier + timedelta(days=1), status=BookingStatus.ARRIVED, phone="+12025550143")
    book(nurse, visit, earlier, status=BookingStatus.NO_SHOW, phone="+12025550100", email="other@example.com")
    now = book(doctor, visit, timezone.now() - timedelta(minutes=5), phone="+12025550143")
    consultation = now.consultation

    url = f"{CHANGELIST}{consultation.pk}/change/"
    html = desk.get(url).content.decode()
    missed_cell = re.search(r'<dd id="front-desk-missed">(.*?)</dd>', html, re.S).group(1)
    assert "1 earlier visit not attended" in missed_cell and missed.consultation.reference in missed_cell
    assert 'id="front-desk-visit-marks"' in html
    response = desk.post(mark_url(now), {"status": "no_show", "next": url})
    assert response["Location"] == url
    now.refresh_from_db()
    assert now.status == BookingStatus.NO_SHOW
    # The earlier lookup that found them is on the audit trail, as before.
    assert AuditEntry.objects.filter(action=AuditEntry.Action.EARLIER, detail=consultation.reference).exists()


def test_the_queue_shows_each_requests_visit(clinic, desk):
    doctor, _nurse, visit = clinic
    day = timezone.localdate() - timedelta(days=1)
    booking = book(doctor, visit, at(day, 9, 30), status=BookingStatus.NO_SHOW, name="Ada Example")
    make_request(name="No Visit")
    html = desk.get(CHANGELIST).content.decode()
    assert '<th scope="col" class="sortable column-visit">' in html
    row = re.search(rf"<tr>(?:(?!</tr>).)*{booking.consultation.reference}.*?</tr>", html, re.S).group(0)
    cell = re.search(r'<td class="field-visit">(.*?)</td>', row, re.S).group(1)
    assert "9:30 a.m." in cell and '<strong class="agenda-no-show">Did not come</strong>' in cell


def test_the_index_and_the_booking_list_lead_to_the_agenda(clinic, desk):
    assert f'<a href="{AGENDA}">' in desk.get("/admin/").content.decode()
    assert f'<a href="{AGENDA}" id="booking-agenda-link">' in desk.get("/admin/booking/booking/").content.decode()


def test_a_booking_changed_in_its_own_page_is_audited_and_not_missed_before_it_starts(clinic, desk):
    doctor, _nurse, visit = clinic
    booking = book(doctor, visit, timezone.now() + timedelta(days=2))
    local = timezone.localtime(booking.starts_at)
    fields = {
        "team_member": doctor.pk,
        "visit_type": visit.pk,
        "starts_at_0": local.strftime("%Y-%m-%d"),
        "starts_at_1": local.strftime("%H:%M:%S"),
    }
    url = f"/admin/booking/booking/{booking.pk}/change/"
    response = desk.post(url, {**fields, "status": "no_show"})
    assert response.status_code == 200 and "has not started yet" in response.content.decode()
    assert desk.post(url, {**fields, "status": "confirmed"}).status_code == 302
    entry = AuditEntry.objects.get(action=AuditEntry.Action.VISIT)
    assert (entry.username, entry.references) == ("desk", booking.consultation.reference)
    assert entry.detail == f"booking {booking.pk} status"


# Who may do what.


def test_the_groups_hold_exactly_their_booking_permissions(db):
    def booking_permissions(name):
        return set(
            Group.objects.get(name=name)
            .permissions.filter(content_type__app_label="booking")
            .values_list("codename", flat=True)
        )

    desk = {"view_booking", "change_booking", "view_visittype", "view_weeklyhours", "view_hourschange"}
    assert booking_permissions(FRONT_DESK) == desk
    availability = {
        f"{verb}_{model}"
        for verb in ("add", "change", "delete")
        for model in ("visittype", "weeklyhours", "hourschange")
    }
    assert booking_permissions(MANAGER) == desk | availability


@pytest.mark.parametrize(
    ("who", "allowed", "refused"),
    [
        (
            FRONT_DESK,
            [
                AGENDA,
                "/admin/booking/booking/",
                "/admin/booking/visittype/",
                "/admin/booking/weeklyhours/",
                "/admin/booking/hourschange/",
            ],
            [
                "/admin/booking/booking/add/",
                "/admin/booking/visittype/add/",
                "/admin/booking/weeklyhours/add/",
                "/admin/booking/hourschange/add/",
            ],
        ),
        (
            MANAGER,
            [
                AGENDA,
                "/admin/booking/visittype/add/",
                "/admin/booking/weeklyhours/add/",
                "/admin/booking/hourschange/add/",
            ],
            ["/admin/booking/booking/add/"],
        ),
        (None, [], [AGENDA, "/admin/booking/booking/", "/admin/booking/visittype/"]),
    ],
)
def test_each_role_reaches_only_its_booking_pages(clinic, who, allowed, refused):
    doctor, _nurse, visit = clinic
    booking = book(doctor, visit, timezone.now() - timedelta(hours=1))
    client = sign_in_verified(Client(), user_in(who, "someone"))
    for url in allowed:
        assert client.get(url).status_code == 200, url
    for url in [*refused, f"/admin/booking/booking/{booking.pk}/delete/"]:
        assert client.get(url).status_code == 403, url
    marked = client.post(mark_url(booking), {"status": "arrived"})
    booking.refresh_from_db()
    assert (booking.status == BookingStatus.ARRIVED) == (who is not None), marked.status_code


def test_the_agenda_needs_both_bookings_and_requests(clinic, client):
    # Someone who may see bookings but not requests would read patients' names there.
    user = user_in(None, "calendar-only")
    user.user_permissions.add(Permission.objects.get(codename="view_booking"))
    sign_in_verified(client, user)
    assert client.get("/admin/booking/booking/").status_code == 200
    assert client.get(AGENDA).status_code == 403
    assert 'id="booking-agenda-link"' not in client.get("/admin/booking/booking/").content.decode()
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.AGENDA).exists()
