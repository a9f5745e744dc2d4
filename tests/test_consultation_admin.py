"""Staff work through requests in the admin: permissions, list, notes, export, audit trail, sign-in."""

import csv
import io
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from consultations.groups import FRONT_DESK
from consultations.models import AuditEntry, ConsultationRequest, Note
from tests.consultation_fixtures import make_request
from tests.staff_fixtures import sign_in_verified

CHANGELIST = "/admin/consultations/consultationrequest/"


def change_url(consultation):
    return f"{CHANGELIST}{consultation.pk}/change/"


@pytest.fixture
def front_desk(db):
    user = User.objects.create_user("desk", password="desk-password-123", is_staff=True)
    user.groups.add(Group.objects.get(name=FRONT_DESK))
    return user


@pytest.fixture
def desk_client(client, front_desk):
    return sign_in_verified(client, front_desk)


def test_front_desk_group_is_created_by_migrate_with_exactly_its_permissions(db):
    # pytest-django built this database from nothing with migrate, which ran the post_migrate handler.
    permissions = {p.codename for p in Group.objects.get(name=FRONT_DESK).permissions.all()}
    assert permissions == {"view_consultationrequest", "change_consultationrequest", "view_note", "add_note"} | {
        # The agenda, marks, moves and cancellations; the availability read-only (tests/test_agenda.py).
        "view_booking",
        "change_booking",
        "view_visittype",
        "view_weeklyhours",
        "view_hourschange",
        "view_waitlistentry",
    }


def test_front_desk_can_work_on_requests_but_not_delete_them_or_manage_users(desk_client):
    consultation = make_request()
    assert desk_client.get(CHANGELIST).status_code == 200
    assert desk_client.get(change_url(consultation)).status_code == 200
    assert desk_client.get(f"{CHANGELIST}{consultation.pk}/delete/").status_code == 403
    assert desk_client.post(f"{CHANGELIST}{consultation.pk}/delete/", {"post": "yes"}).status_code == 403
    assert desk_client.get("/admin/auth/user/").status_code == 403
    assert desk_client.get("/admin/auth/group/").status_code == 403
    assert ConsultationRequest.objects.filter(pk=consultation.pk).exists()
    html = desk_client.get(CHANGELIST).content.decode()
    assert 'value="delete_selected"' not in html
    assert 'value="export_csv"' not in html
    assert 'value="mark_contacted"' in html


def _change_form(consultation, **changes):
    data = {
        "status": consultation.status,
        "assigned_to": "",
        "notes-TOTAL_FORMS": "1",
        "notes-INITIAL_FORMS": "0",
        "notes-MIN_NUM_FORMS": "0",
        "notes-MAX_NUM_FORMS": "1000",
        "notes-0-text": "",
    }
    return {**data, **changes}


def test_front_desk_updates_status_and_adds_a_note_signed_with_their_name(desk_client, front_desk):
    consultation = make_request()
    response = desk_client.post(
        change_url(consultation),
        _change_form(consultation, status="contacted", assigned_to=str(front_desk.pk), **{"notes-0-text": "Called"}),
    )
    assert response.status_code == 302
    consultation.refresh_from_db()
    assert consultation.status == "contacted"
    assert consultation.assigned_to == front_desk
    note = Note.objects.get()
    assert (note.text, note.author) == ("Called", front_desk)


def test_patient_answers_cannot_be_changed_in_the_admin(desk_client):
    consultation = make_request(name="Original Name")
    # The save goes through (the answers are not fields of the form, so it lacks none of them)...
    assert desk_client.post(change_url(consultation), _change_form(consultation, name="Changed")).status_code == 302
    assert 'name="name"' not in desk_client.get(change_url(consultation)).content.decode()
    consultation.refresh_from_db()
    assert consultation.name == "Original Name"


def test_list_puts_new_requests_on_top_oldest_due_first_then_the_rest_newest_first(admin_client):
    now = timezone.now()
    old_new = make_request(created_at=now - timedelta(days=3))
    recent_contacted = make_request(created_at=now, status="contacted")
    older_contacted = make_request(created_at=now - timedelta(days=5), status="contacted")
    newest_new = make_request(created_at=now - timedelta(days=1))
    html = admin_client.get(CHANGELIST).content.decode()
    positions = [html.index(c.reference) for c in (old_new, newest_new, recent_contacted, older_contacted)]
    assert positions == sorted(positions)


def test_actions_mark_and_assign(admin_client, admin_user):
    first, second = make_request(), make_request()
    ids = [str(first.pk), str(second.pk)]
    admin_client.post(CHANGELIST, {"action": "mark_scheduled", "_selected_action": ids})
    assert set(ConsultationRequest.objects.values_list("status", flat=True)) == {"scheduled"}
    admin_client.post(CHANGELIST, {"action": "assign_to_me", "_selected_action": ids})
    assert set(ConsultationRequest.objects.values_list("assigned_to", flat=True)) == {admin_user.pk}
    admin_client.post(CHANGELIST, {"action": "mark_spam", "_selected_action": ids[:1]})
    assert ConsultationRequest.objects.get(pk=first.pk).status == "spam"


def test_search_finds_by_reference_name_email_and_phone_as_typed(admin_client):
    wanted = make_request(name="Grace Hopper", email="grace@example.com", phone="+12025550177")
    other = make_request(name="Alan Turing", email="alan@example.com", phone="+12025550188")
    for term in (wanted.reference, "hopper", "grace@example", "(202) 555-0177", "+12025550177"):
        html = admin_client.get(CHANGELIST, {"q": term}).content.decode()
        assert wanted.reference in html, term
        assert other.reference not in html, term


def test_text_shown_in_the_admin_is_escaped(admin_client):
    consultation = make_request(name="<script>alert('n')</script>", message="<img src=x onerror=alert(1)>")
    for url in (CHANGELIST, change_url(consultation)):
        html = admin_client.get(url).content.decode()
        assert "<script>alert(" not in html
        assert "<img src=x" not in html
        assert "&lt;script&gt;alert(" in html


def test_csv_export_neutralises_formulas_and_needs_its_permission(client, front_desk):
    consultation = make_request(name='=HYPERLINK("http://evil")', message="@SUM(A1)", phone="+12025550143")
    make_request(name="-2+3", message="+cmd")
    data = {"action": "export_csv", "_selected_action": [str(c.pk) for c in ConsultationRequest.objects.all()]}
    sign_in_verified(client, front_desk)
    refused = client.post(CHANGELIST, data)
    assert refused.get("Content-Type", "").startswith("text/html")
    front_desk.user_permissions.add(Permission.objects.get(codename="export_consultationrequest"))
    sign_in_verified(client, User.objects.get(pk=front_desk.pk))
    response = client.post(CHANGELIST, data)
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:4] == ["Reference", "Received", "Status", "Name"]
    assert rows[1][2] == "New"
    cells = [cell for row in rows[1:] for cell in row]
    assert '\'=HYPERLINK("http://evil")' in cells
    assert "'@SUM(A1)" in cells
    assert "'-2+3" in cells
    assert "'+cmd" in cells
    assert "'+12025550143" in cells
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in cells)
    entry = AuditEntry.objects.get(action="export")
    assert consultation.reference in entry.references
    assert entry.username == "desk"


def test_audit_trail_is_readable_by_superusers_only_and_never_editable(admin_client, desk_client, admin_user):
    entry = AuditEntry.record(admin_user, AuditEntry.Action.VIEW, ["FN-TEST-0001"])
    url = f"/admin/consultations/auditentry/{entry.pk}/"
    assert admin_client.get("/admin/consultations/auditentry/").status_code == 200
    assert desk_client.get("/admin/consultations/auditentry/").status_code == 403
    assert admin_client.post(f"{url}change/", {"username": "someone else"}).status_code == 403
    assert admin_client.post(f"{url}delete/", {"post": "yes"}).status_code == 403
    assert admin_client.get("/admin/consultations/auditentry/add/").status_code == 403
    entry.username = "changed"
    with pytest.raises(PermissionDenied):
        entry.save()
    with pytest.raises(PermissionDenied):
        entry.delete()
    assert AuditEntry.objects.get(pk=entry.pk).username == "admin"


def test_admin_index_shows_new_requests_and_how_long_the_oldest_waited(desk_client):
    make_request(created_at=timezone.now() - timedelta(hours=5))
    make_request()
    make_request(status="contacted")
    html = desk_client.get("/admin/").content.decode()
    assert "2 new requests" in html
    assert "the oldest has waited 5\xa0hours" in html


def test_admin_index_says_nothing_to_staff_without_access(client, db):
    user = User.objects.create_user("editor", password="x" * 12, is_staff=True)
    sign_in_verified(client, user)
    make_request()
    assert 'id="consultation-queue"' not in client.get("/admin/").content.decode()


def test_phone_search_respects_the_filters(admin_client):
    contacted = make_request(phone="+12025550177", status="contacted", message="one")
    new = make_request(phone="+12025550177", email="other@example.com", message="two")
    html = admin_client.get(CHANGELIST, {"q": "(202) 555-0177", "status__exact": "new"}).content.decode()
    assert new.reference in html
    assert contacted.reference not in html


def test_front_desk_group_is_restored_by_migrate(db):
    from django.core.management import call_command

    Group.objects.filter(name=FRONT_DESK).delete()
    call_command("migrate", verbosity=0)
    assert Group.objects.get(name=FRONT_DESK).permissions.count() == 10


def test_the_database_refuses_to_change_or_delete_the_audit_trail(admin_user):
    from django.db import IntegrityError, connection, transaction

    entry = AuditEntry.record(admin_user, AuditEntry.Action.VIEW, ["FN-TEST-0002"])
    for sql in (
        "UPDATE consultations_auditentry SET username = 'someone' WHERE id = %s",
        "DELETE FROM consultations_auditentry WHERE id = %s",
    ):
        with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [entry.pk])
    # Deleting the account keeps the entry, with the username it was made under.
    admin_user.delete()
    entry = AuditEntry.objects.get(pk=entry.pk)
    assert (entry.user, entry.username) == (None, "admin")


def test_staff_see_the_answers_in_the_patients_words(desk_client):
    consultation = make_request(for_whom="child", bothers=["smile", "feelings"])
    html = desk_client.get(change_url(consultation)).content.decode()
    assert "Who is this for" in html and "My child" in html
    assert "What bothers you most" in html
    assert "My smile is uneven or gone, How I feel about my face" in html


def test_csv_export_includes_who_it_is_for_and_what_bothers_them(admin_client):
    consultation = make_request(for_whom="cared-for", bothers=["eye", "other"])
    older = make_request(for_whom="", bothers=[], message="from before the question was asked")
    data = {"action": "export_csv", "_selected_action": [str(consultation.pk), str(older.pk)]}
    rows = list(csv.DictReader(io.StringIO(admin_client.post(CHANGELIST, data).content.decode())))
    by_reference = {row["Reference"]: row for row in rows}
    assert by_reference[consultation.reference]["Who is this for"] == "Someone I care for"
    assert by_reference[consultation.reference]["What bothers you most"] == (
        "My eye does not close all the way; Something else"
    )
    older_row = by_reference[older.reference]
    assert (older_row["Who is this for"], older_row["What bothers you most"]) == ("", "")


def test_staff_see_the_childs_first_name_and_age_and_the_csv_has_them(desk_client, admin_client):
    consultation = make_request(for_whom="child", child_first_name="Sam", child_age=4)
    html = desk_client.get(change_url(consultation)).content.decode()
    assert "Child&#x27;s first name" in html and "Sam" in html
    assert "Child&#x27;s age" in html and ">4<" in html
    data = {"action": "export_csv", "_selected_action": [str(consultation.pk)]}
    (row,) = csv.DictReader(io.StringIO(admin_client.post(CHANGELIST, data).content.decode()))
    assert (row["Child's first name"], row["Child's age"]) == ("Sam", "4")
