"""The strict policy (CSP default-src 'none') breaks nothing: public pages, the form and the admin in Chromium."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from conditions.models import Condition
from practice.models import Practice
from tests.consultation_fixtures import make_request
from tests.staff_fixtures import sign_in_verified
from treatments.models import Treatment

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("live_content")]

# Every violation the browser reports, from the page itself, before any of the page's scripts run.
LISTEN = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(`${event.violatedDirective} blocked ${event.blockedURI || "inline"}`);
});
"""


# page.goto() returns after the load event: every script, stylesheet and image has been fetched or
# blocked by then, and the admin's scripts have run.
class Violations:
    def __init__(self, page):
        self.page = page
        self.console = []
        page.add_init_script(LISTEN)
        page.on(
            "console",
            lambda message: "Content Security Policy" in message.text and self.console.append(message.text),
        )

    def on(self, path):
        """Everything blocked on this page so far, with the console's reports."""
        return [f"{path}: {item}" for item in self.page.evaluate("window.__violations") + self.console]


@pytest.fixture
def violations(page):
    return Violations(page)


def sign_in(page, base_url, user):
    session = sign_in_verified(Client(), user).cookies["sessionid"].value
    page.context.add_cookies([{"name": "sessionid", "value": session, "url": base_url}])


def test_public_pages_and_the_form_run_under_the_policy(page, live_server, violations):
    for path in ["/", "/conditions/bells-palsy/", "/treatments/botox/", "/eye-care/"]:
        page.goto(live_server.url + path)
        assert violations.on(path) == []

    page.goto(live_server.url + "/consultation/")
    # The form's script shows the guidance for symptoms that started in the last 3 days.
    page.check("input[name=onset][value='3-days']")
    assert page.locator("#urgent-guidance").is_visible()
    with page.expect_navigation():
        page.click("#consultation-form [type=submit]")
    assert page.locator("#error-summary").is_visible()
    assert violations.on("/consultation/") == []


def test_the_admin_runs_under_the_policy(page, live_server, violations):
    admin = get_user_model().objects.create_superuser("csp-admin", "csp-admin@clinic.example", "a long test password")
    sign_in(page, live_server.url, admin)
    consultation = make_request(name="Ada Example")
    condition = Condition.objects.get(slug="bells-palsy")
    paths = [
        "/admin/",
        "/admin/consultations/consultationrequest/",
        "/admin/consultations/consultationrequest/?q=Ada",
        f"/admin/consultations/consultationrequest/{consultation.pk}/change/",
        "/admin/conditions/condition/",
        f"/admin/conditions/condition/{condition.pk}/change/",
        f"/admin/treatments/treatment/{Treatment.objects.get(slug='botox').pk}/change/",
        f"/admin/practice/practice/{Practice.objects.current().pk}/change/",
        "/admin/practice/teammember/add/",
        "/admin/auth/user/add/",
        "/admin/auth/user/",
    ]
    for path in paths:
        response = page.goto(live_server.url + path)
        assert response.status == 200, path
        assert violations.on(path) == []

    # The admin's own scripts at work: the date picker, the two-box treatments selector, saving.
    page.goto(live_server.url + f"/admin/conditions/condition/{condition.pk}/change/")
    page.click("#calendarlink0")
    assert page.locator(".calendarbox").first.is_visible()
    page.keyboard.press("Escape")
    page.fill("#id_treatments_input", "botox")
    assert page.locator("#id_treatments_from option").count() + page.locator("#id_treatments_to option").count() > 0
    with page.expect_navigation():
        page.click("input[name=_continue]")
    assert "was changed successfully" in page.content()
    assert violations.on("condition change form") == []


def test_enrolling_a_second_factor_shows_the_qr_code_under_the_policy(page, live_server, violations):
    newcomer = get_user_model().objects.create_user("csp-newcomer", password="a long test password", is_staff=True)
    client = Client()
    client.force_login(newcomer)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page.goto(live_server.url + "/admin/")
    page.wait_for_url("**/admin/second-factor/enrol/**")
    # A data: image, which img-src allows: drawn, not blocked.
    assert page.locator("#enrol-qr-code").evaluate("image => image.complete && image.naturalWidth > 0")
    assert violations.on("enrol") == []
