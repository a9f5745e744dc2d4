"""Booking's core: the times offered, and a time never given twice."""

import threading
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import IntegrityError, connection, transaction

from booking.availability import openings, times_by_day
from booking.holding import TimeTaken, book
from booking.models import Booking, BookingStatus, HoursChange, VisitType, WeeklyHours
from practice.models import TeamMember

NEW_YORK = ZoneInfo("America/New_York")
# A Monday, with the practice's clock at 8:00 in the morning.
MONDAY = datetime(2027, 3, 8, 8, 0, tzinfo=NEW_YORK)


def at(day, hour, minute=0):
    return datetime.combine(day, time(hour, minute), NEW_YORK)


@pytest.fixture
def clinic(db, settings):
    settings.TIME_ZONE = "America/New_York"
    doctor = TeamMember.objects.create(name="Dr. Alex Example", role="Surgeon")
    # Tuesdays 9:00 to 10:00 and Thursdays 14:00 to 15:00, in the practice's time zone.
    WeeklyHours.objects.create(team_member=doctor, weekday=2, starts=time(9), ends=time(10))
    WeeklyHours.objects.create(team_member=doctor, weekday=4, starts=time(14), ends=time(15))
    visit = VisitType.objects.create(name="New consultation, in person", minutes=30, notice_hours=24, horizon_days=14)
    visit.clinicians.add(doctor)
    return doctor, visit


def starts(found):
    return [opening.starts_at.astimezone(NEW_YORK).replace(tzinfo=None) for opening in found]


def test_weekly_hours_become_visits_of_the_visit_types_length_in_local_time(clinic):
    doctor, visit = clinic
    found = openings(visit, now=MONDAY)
    assert starts(found)[:4] == [
        datetime(2027, 3, 9, 9, 0),
        datetime(2027, 3, 9, 9, 30),
        datetime(2027, 3, 11, 14, 0),
        datetime(2027, 3, 11, 14, 30),
    ]
    assert all(opening.ends_at - opening.starts_at == timedelta(minutes=30) for opening in found)
    assert {opening.team_member_id for opening in found} == {doctor.pk}


def test_a_session_stays_at_its_local_hour_across_the_march_change(clinic):
    _doctor, visit = clinic
    # Clocks go forward on Sunday, March 14, 2027: 9:00 is 14:00 UTC before it and 13:00 UTC after.
    found = openings(visit, now=MONDAY)
    tuesdays = [opening.starts_at for opening in found if opening.starts_at.astimezone(NEW_YORK).hour == 9]
    assert [moment.astimezone(ZoneInfo("UTC")).hour for moment in tuesdays[::2]] == [14, 13]


def test_notice_horizon_closed_days_time_off_and_extra_sessions(clinic):
    doctor, visit = clinic
    # Less than 24 hours ahead: Tuesday 9:00 is not offered on Monday at 10:00.
    assert datetime(2027, 3, 9, 9, 0) not in starts(openings(visit, now=MONDAY + timedelta(hours=25)))
    # Nothing beyond the horizon (14 days).
    assert max(starts(openings(visit, now=MONDAY))) < datetime(2027, 3, 22, 8, 0)
    # A closed day (a holiday) takes its sessions away.
    assert date(2027, 3, 9) not in {
        s.date() for s in starts(openings(visit, now=MONDAY, closed_dates={date(2027, 3, 9)}))
    }
    # Time off removes what it covers, an extra session adds visits.
    HoursChange.objects.create(
        team_member=doctor, starts_at=at(date(2027, 3, 9), 9), ends_at=at(date(2027, 3, 9), 9, 30)
    )
    HoursChange.objects.create(
        team_member=doctor, starts_at=at(date(2027, 3, 10), 11), ends_at=at(date(2027, 3, 10), 12), available=True
    )
    found = starts(openings(visit, now=MONDAY))
    assert datetime(2027, 3, 9, 9, 0) not in found and datetime(2027, 3, 9, 9, 30) in found
    assert [s for s in found if s.date() == date(2027, 3, 10)] == [
        datetime(2027, 3, 10, 11),
        datetime(2027, 3, 10, 11, 30),
    ]


def test_a_booked_time_is_not_offered_and_a_cancelled_one_is_again(clinic):
    _doctor, visit = clinic
    tuesday_nine = at(date(2027, 3, 9), 9)
    with transaction.atomic():
        booking = book(visit, tuesday_nine, now=MONDAY)
    assert datetime(2027, 3, 9, 9, 0) not in starts(openings(visit, now=MONDAY))
    with pytest.raises(TimeTaken):
        book(visit, tuesday_nine, now=MONDAY)
    booking.status = BookingStatus.CANCELLED_BY_PATIENT
    booking.save()
    assert datetime(2027, 3, 9, 9, 0) in starts(openings(visit, now=MONDAY))


def test_a_time_never_offered_cannot_be_booked(clinic):
    _doctor, visit = clinic
    with pytest.raises(TimeTaken):
        book(visit, at(date(2027, 3, 9), 9, 10), now=MONDAY)  # not on the half hour
    with pytest.raises(TimeTaken):
        book(visit, at(date(2027, 3, 8), 9), now=MONDAY)  # a Monday: no session


def test_the_patient_chooses_from_distinct_times_grouped_by_local_day(clinic):
    doctor, visit = clinic
    second = TeamMember.objects.create(name="Dr. Jordan Sample", role="Surgeon")
    WeeklyHours.objects.create(team_member=second, weekday=2, starts=time(9), ends=time(10))
    visit.clinicians.add(second)
    by_day = times_by_day(visit, now=MONDAY, days=2)
    assert list(by_day) == [date(2027, 3, 9), date(2027, 3, 11)]
    # Two team members free at 9:00 make one time to choose, not two.
    assert [moment.astimezone(NEW_YORK).time() for moment in by_day[date(2027, 3, 9)]] == [time(9), time(9, 30)]


def test_the_database_refuses_two_holding_bookings_of_one_team_members_time(clinic):
    doctor, visit = clinic
    tuesday_nine = at(date(2027, 3, 9), 9)
    Booking.objects.create(
        team_member=doctor, visit_type=visit, starts_at=tuesday_nine, ends_at=tuesday_nine + visit.length
    )
    # Overlapping by a quarter of an hour, written straight to the table: no application check runs.
    with pytest.raises(IntegrityError), transaction.atomic():
        Booking.objects.create(
            team_member=doctor,
            visit_type=visit,
            starts_at=tuesday_nine + timedelta(minutes=15),
            ends_at=tuesday_nine + timedelta(minutes=45),
        )
    # Back to back is fine, and so is a cancelled booking's time.
    Booking.objects.create(
        team_member=doctor,
        visit_type=visit,
        starts_at=tuesday_nine + visit.length,
        ends_at=tuesday_nine + 2 * visit.length,
    )
    Booking.objects.create(
        team_member=doctor,
        visit_type=visit,
        starts_at=tuesday_nine,
        ends_at=tuesday_nine + visit.length,
        status=BookingStatus.CANCELLED_BY_PRACTICE,
    )


def test_twenty_patients_racing_for_one_time_give_exactly_one_booking(transactional_db, settings):
    settings.TIME_ZONE = "America/New_York"
    doctor = TeamMember.objects.create(name="Dr. Alex Example", role="Surgeon")
    WeeklyHours.objects.create(team_member=doctor, weekday=2, starts=time(9), ends=time(10))
    visit = VisitType.objects.create(name="New consultation", minutes=30, notice_hours=24, horizon_days=14)
    visit.clinicians.add(doctor)
    tuesday_nine = at(date(2027, 3, 9), 9)
    ready, results = threading.Barrier(20), []

    def patient():
        try:
            ready.wait()
            with transaction.atomic():
                booking = book(visit, tuesday_nine, now=MONDAY)
                # Hold the transaction open a moment, as a request saving its answers would.
                Booking.objects.filter(pk=booking.pk).exists()
            results.append("booked")
        except TimeTaken:
            results.append("taken")
        finally:
            connection.close()

    threads = [threading.Thread(target=patient) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == ["booked"] + ["taken"] * 19
    assert Booking.objects.count() == 1
