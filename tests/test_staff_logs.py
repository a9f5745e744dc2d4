"""A staff search for a patient's name leaves no trace of the name in any log the stack writes."""

import pytest
from django.contrib.auth.models import Group, User
from django_otp.plugins.otp_totp.models import TOTPDevice

from consultations.groups import FRONT_DESK
from tests.consultation_fixtures import make_request
from tests.servers import database_env, free_port, start_gunicorn, stop
from tests.staff_fixtures import sign_in_in_browser

pytestmark = pytest.mark.browser

NAME = "Vexillmarker Oumbrette"
FRAGMENTS = ("Vexillmarker", "vexillmarker", "Oumbrette", "oumbrette")


@pytest.fixture
def server_with_logs(transactional_db, tmp_path):
    """gunicorn with the options `make serve` uses (gunicorn.conf.py), its whole output kept."""
    port = free_port()
    server = start_gunicorn(port, database_env(), workers=2, logs=tmp_path)
    yield f"http://127.0.0.1:{port}", tmp_path, server
    if server.poll() is None:
        stop(server)


def test_searching_the_admin_for_a_name_writes_it_to_no_log(page, server_with_logs):
    base_url, logs, server = server_with_logs
    desk = User.objects.create_user("desk", password="a long test password", is_staff=True)
    desk.groups.add(Group.objects.get(name=FRONT_DESK))
    device = TOTPDevice.objects.create(user=desk, name="phone", confirmed=True)
    consultation = make_request(name=NAME, email="vexillmarker@example.com", phone="+12025550166")

    sign_in_in_browser(page, base_url, "desk", "a long test password", device)

    # Search by name as staff do, open the result (its link carries the search along), and go back.
    page.goto(base_url + "/admin/consultations/consultationrequest/")
    page.fill("#searchbar", NAME)
    with page.expect_response(lambda response: "/consultationrequest/?q=" in response.url) as searched:
        page.press("#searchbar", "Enter")
    assert searched.value.headers["referrer-policy"] == "strict-origin"
    page.click(f"text={consultation.reference}")
    page.wait_for_url("**/change/?_changelist_filters=**")
    assert NAME in page.content()
    page.go_back()
    page.goto(base_url + "/admin/consultations/consultationrequest/?name__icontains=oumbrette")
    assert consultation.reference in page.content()
    page.close()

    stop(server)  # everything it had to write is written
    written = {name: (logs / name).read_text(errors="replace") for name in ("stdout.log", "stderr.log")}
    access_log = written["stdout.log"] + written["stderr.log"]
    # The logs were captured: the searches are in the access log, by path.
    assert '"GET /admin/consultations/consultationrequest/' in access_log
    assert f'"GET /admin/consultations/consultationrequest/{consultation.pk}/change/' in access_log
    for fragment in FRAGMENTS:
        for name, text in written.items():
            assert fragment not in text, (fragment, name)
