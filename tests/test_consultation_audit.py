"""Every look at or change to requests in the admin is on the audit trail, without the words typed."""

import hashlib
import re

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.utils.crypto import salted_hmac

from consultations.admin import ConsultationRequestAdmin
from consultations.audit import search_digest
from consultations.groups import FRONT_DESK, MANAGER
from consultations.models import AuditEntry, ConsultationRequest
from tests.consultation_fixtures import make_request
from tests.staff_fixtures import sign_in_verified

CHANGELIST = "/admin/consultations/consultationrequest/"


def staff(username, group):
    user = User.objects.create_user(username, password="a long test password", is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def desk(client, db):
    return sign_in_verified(client, staff("desk", FRONT_DESK))


def only_entry(**which):
    entry = AuditEntry.objects.get(**which)
    return entry, set(entry.references.split())


def test_a_plain_list_is_recorded_with_the_references_on_the_page_shown(desk, monkeypatch):
    monkeypatch.setattr(ConsultationRequestAdmin, "list_per_page", 2)
    oldest, middle, newest = make_request(), make_request(), make_request()
    html = desk.get(CHANGELIST).content.decode()
    entry, shown = only_entry(action="list")
    assert (entry.username, entry.action, entry.filters, entry.search_digest) == ("desk", "list", "", "")
    # New requests come oldest due first: the newest is on page 2.
    assert shown == {oldest.reference, middle.reference}
    assert newest.reference not in html
    # They share a phone: the page also looked up the earlier request it counts for the middle one.
    entry, shown = only_entry(action="earlier")
    assert (entry.username, entry.detail, shown) == ("desk", middle.reference, {oldest.reference})
    desk.get(CHANGELIST, {"p": "2"})
    assert AuditEntry.objects.filter(action="list").latest("at").references == newest.reference


def test_a_filter_on_any_field_in_the_url_is_recorded_by_field_not_by_value(desk):
    wanted = make_request(name="Grace Hopper")
    make_request(name="Alan Turing")
    html = desk.get(CHANGELIST, {"name__icontains": "hopper", "status__exact": "new"}).content.decode()
    assert wanted.reference in html
    entry, shown = only_entry()
    assert (entry.action, entry.filters) == ("filter", "name__icontains,status__exact")
    assert shown == {wanted.reference}
    stored = " ".join(str(value) for value in AuditEntry.objects.values_list().get()).casefold()
    assert "hopper" not in stored


def test_a_search_is_recorded_as_a_keyed_hash_with_what_it_found(desk, admin_client):
    wanted = make_request(name="Grace Hopper")
    make_request(name="Alan Turing")
    desk.get(CHANGELIST, {"q": "  grace   HOPPER "})
    entry, shown = only_entry()
    assert entry.action == "search"
    assert shown == {wanted.reference}
    assert entry.search_digest == search_digest("Grace Hopper")
    # Keyed with the site's secret: not a plain hash anyone could compute from a list of names.
    assert entry.search_digest == salted_hmac("clinic.audit-search", "grace hopper", algorithm="sha256").hexdigest()
    assert entry.search_digest != hashlib.sha256(b"grace hopper").hexdigest()
    stored = " ".join(str(value) for value in AuditEntry.objects.values_list().get()).casefold()
    assert "grace" not in stored and "hopper" not in stored
    # A superuser finds who searched for a name by typing the name into the audit trail's search.
    html = admin_client.get("/admin/consultations/auditentry/", {"q": "grace hopper"}).content.decode()
    assert wanted.reference in html


def test_an_export_is_recorded_with_the_references_exported(client, db):
    manager = staff("manager", MANAGER)
    exported, _other = make_request(), make_request()
    sign_in_verified(client, manager)
    response = client.post(CHANGELIST, {"action": "export_csv", "_selected_action": [str(exported.pk)]})
    assert response["Content-Type"].startswith("text/csv")
    entry, shown = only_entry()
    assert (entry.username, entry.action, entry.detail) == ("manager", "export", "export_csv")
    assert shown == {exported.reference}


def test_opening_a_request_and_its_history_is_recorded(desk):
    consultation = make_request()
    assert desk.get(f"{CHANGELIST}{consultation.pk}/change/").status_code == 200
    assert desk.get(f"{CHANGELIST}{consultation.pk}/history/").status_code == 200
    entries = list(AuditEntry.objects.order_by("at").values_list("action", "references"))
    assert entries == [("view", consultation.reference), ("history", consultation.reference)]


def test_changes_and_actions_are_recorded(desk):
    consultation = make_request()
    form = {
        "status": "contacted",
        "assigned_to": "",
        "notes-TOTAL_FORMS": "1",
        "notes-INITIAL_FORMS": "0",
        "notes-MIN_NUM_FORMS": "0",
        "notes-MAX_NUM_FORMS": "1000",
        "notes-0-text": "",
    }
    assert desk.post(f"{CHANGELIST}{consultation.pk}/change/", form).status_code == 302
    desk.post(CHANGELIST, {"action": "mark_closed", "_selected_action": [str(consultation.pk)]})
    entries = list(AuditEntry.objects.order_by("at").values_list("action", "references", "detail"))
    assert entries == [("change", consultation.reference, "status"), ("action", consultation.reference, "mark_closed")]


def test_only_a_manager_deletes_and_the_deletion_is_recorded(client, desk, db):
    consultation = make_request()
    delete_url = f"{CHANGELIST}{consultation.pk}/delete/"
    assert desk.post(delete_url, {"post": "yes"}).status_code == 403
    manager_client = sign_in_verified(client.__class__(), staff("manager", MANAGER))
    assert manager_client.post(delete_url, {"post": "yes"}).status_code == 302
    assert not ConsultationRequest.objects.exists()
    entry = AuditEntry.objects.get(action="delete")
    assert (entry.username, entry.references) == ("manager", consultation.reference)


def test_front_desk_list_leaves_out_the_health_concern_a_manager_sees(client, desk, db):
    make_request(concern_title="Synkinesis after Bell's palsy")
    assert "Synkinesis after" not in desk.get(CHANGELIST).content.decode()
    manager_client = sign_in_verified(client.__class__(), staff("manager", MANAGER))
    assert "Synkinesis after" in manager_client.get(CHANGELIST).content.decode()


# Front desk cannot sort patients out by what they told us about their health, by any URL.

HEALTH_LOOKUPS = [
    {"concern_title": "Synkinesis"},
    {"concern_title__exact": "Synkinesis"},
    {"concern__startswith": "synk"},
    {"message__icontains": "depression"},
    {"bothers__contains": '["feelings"]'},
    {"treatments_of_interest__icontains": "botox"},
]


@pytest.mark.parametrize("lookup", HEALTH_LOOKUPS, ids=lambda lookup: next(iter(lookup)))
def test_front_desk_cannot_filter_by_a_health_field_in_the_url(desk, lookup):
    make_request(concern="synkinesis", concern_title="Synkinesis", message="depression since", bothers=["feelings"])
    response = desk.get(CHANGELIST, lookup)
    assert response.status_code == 400
    assert not AuditEntry.objects.filter(action="filter").exists()


def test_a_manager_filters_by_the_concern_offered_and_by_no_free_text(client, db):
    manager = sign_in_verified(client, staff("manager", MANAGER))
    wanted = make_request(concern_title="Synkinesis", message="depression since")
    make_request(concern_title="Bell's palsy")
    html = manager.get(CHANGELIST, {"concern_title": "Synkinesis"}).content.decode()
    assert wanted.reference in html and "Bell&#x27;s palsy" not in html.split("result_list", 1)[1]
    assert manager.get(CHANGELIST, {"message__icontains": "depression"}).status_code == 400


def test_front_desk_search_finds_contact_details_and_never_what_the_patient_said(desk):
    by_name = make_request(name="Grace Hopper")
    make_request(concern_title="Depression", message="depression since my palsy", bothers=["feelings"])
    assert by_name.reference in desk.get(CHANGELIST, {"q": "hopper"}).content.decode()
    html = desk.get(CHANGELIST, {"q": "depression"}).content.decode()
    assert "0 results" in html


def test_front_desk_cannot_sort_by_the_health_concern(client, desk):
    """A Manager's link that sorts by the concern, followed by Front desk, does not order its list by the concern."""
    first = make_request(concern_title="Aaa concern")
    second = make_request(concern_title="Zzz concern")
    manager = sign_in_verified(client.__class__(), staff("manager", MANAGER))
    header = re.search(
        r'<th scope="col" class="sortable column-concern_title">.*?</th>',
        manager.get(CHANGELIST).content.decode(),
        re.S,
    ).group(0)
    ascending = re.search(r'href="\?o=([^"]+)"', header).group(1)

    def order(user_client, sort):
        html = user_client.get(CHANGELIST, {"o": sort}).content.decode()
        return sorted([first, second], key=lambda consultation: html.index(consultation.reference))

    # The link works for the Manager: ascending and descending swap the two.
    assert order(manager, ascending) == [first, second] and order(manager, f"-{ascending}") == [second, first]
    # For Front desk the same number is another column (onset, the same for both): the order does not swap.
    assert order(desk, ascending) == order(desk, f"-{ascending}")


def test_front_desk_cannot_export(desk):
    consultation = make_request(message="depression since")
    response = desk.post(CHANGELIST, {"action": "export_csv", "_selected_action": [str(consultation.pk)]})
    assert not response.get("Content-Type", "").startswith("text/csv")
    assert b"depression" not in response.content
    assert not AuditEntry.objects.filter(action="export").exists()


AVAILABILITY = ("visittype", "weeklyhours", "hourschange")


def test_the_manager_group_has_exactly_its_permissions(db):
    permissions = {p.codename for p in Permission.objects.filter(group__name=MANAGER)}
    assert permissions == {
        "view_consultationrequest",
        "change_consultationrequest",
        "delete_consultationrequest",
        "export_consultationrequest",
        "view_note",
        "add_note",
        "delete_note",
        # Bookings as Front desk has them, and what patients are offered (tests/test_agenda.py).
        "view_booking",
        "change_booking",
        *(f"{verb}_{model}" for verb in ("view", "add", "change", "delete") for model in AVAILABILITY),
        "view_waitlistentry",
    }
