import re

import pytest
from django.utils.html import escape

from conditions.models import Condition
from practice.models import Practice
from tests.pages import PRACTICE_FORM
from treatments.models import Treatment

pytestmark = pytest.mark.usefixtures("content")


def test_view_on_site_leads_to_the_public_page(admin_client):
    condition = Condition.objects.get(slug="synkinesis")
    response = admin_client.get(f"/admin/conditions/condition/{condition.pk}/change/")
    assert response.status_code == 200
    view_on_site = f"/admin/r/{response.context['content_type_id']}/{condition.pk}/"
    assert view_on_site in response.content.decode()
    redirect = admin_client.get(view_on_site)
    assert redirect.url.endswith("/conditions/synkinesis/")


def test_treatment_admin_shows_the_conditions_that_list_it(admin_client):
    botox = Treatment.objects.get(slug="botox")
    html = admin_client.get(f"/admin/treatments/treatment/{botox.pk}/change/").content.decode()
    for condition in botox.conditions.all():
        assert f">{escape(condition.title)}</a>" in html


def test_the_practice_identity_is_one_editable_record(admin_client):
    practice = Practice.objects.current()
    assert admin_client.get("/admin/practice/practice/add/").status_code == 403
    response = admin_client.post(
        f"/admin/practice/practice/{practice.pk}/change/",
        PRACTICE_FORM,
    )
    assert response.status_code == 302
    assert Practice.objects.get().name == "Riverside Facial Nerve Center"


def test_publish_and_unpublish_actions(admin_client):
    pks = list(Condition.objects.filter(slug__in=["synkinesis", "bells-palsy"]).values_list("pk", flat=True))
    admin_client.post("/admin/conditions/condition/", {"action": "unpublish", "_selected_action": pks})
    assert set(Condition.objects.filter(pk__in=pks).values_list("status", flat=True)) == {"draft"}
    admin_client.post("/admin/conditions/condition/", {"action": "publish", "_selected_action": pks})
    assert set(Condition.objects.filter(pk__in=pks).values_list("status", flat=True)) == {"published"}


def test_staff_set_the_open_days_and_the_days_to_reply_as_ticks_and_a_number(admin_client):
    practice = Practice.objects.current()
    url = f"/admin/practice/practice/{practice.pk}/change/"
    html = admin_client.get(url).content.decode()
    for value, day in (("1", "Monday"), ("6", "Saturday"), ("7", "Sunday")):
        assert re.search(rf'name="open_days" value="{value}"[^>]*>\s*{day}</label>', html), day
    assert 'name="open_days" value="1" id="id_open_days_0" checked' in html
    assert 'name="open_days" value="6"' in html and 'value="6" id="id_open_days_5" checked' not in html

    response = admin_client.post(url, {**PRACTICE_FORM, "open_days": ["6", "2", "3"], "reply_working_days": "3"})
    assert response.status_code == 302
    practice.refresh_from_db()
    assert (practice.open_days, practice.reply_working_days) == ("236", 3)

    refused = admin_client.post(url, {**PRACTICE_FORM, "open_days": [], "reply_working_days": "0"})
    assert refused.status_code == 200
    html = refused.content.decode()
    assert "Tick at least one day the practice is open." in html
    assert "Ensure this value is greater than or equal to 1." in html
    # Blank: no date is promised.
    assert admin_client.post(url, {**PRACTICE_FORM, "reply_working_days": ""}).status_code == 302
    assert Practice.objects.get().reply_working_days is None


def test_staff_list_the_practices_closed_days_and_a_date_twice_is_refused(admin_client):
    practice = Practice.objects.current()
    url = f"/admin/practice/practice/{practice.pk}/change/"
    assert "Closed days (holidays)" in admin_client.get(url).content.decode()
    thanksgiving = {
        "closed_days-TOTAL_FORMS": "2",
        "closed_days-0-date": "2026-11-26",
        "closed_days-0-name": "Thanksgiving",
        "closed_days-1-date": "2026-11-26",
        "closed_days-1-name": "",
    }
    refused = admin_client.post(url, {**PRACTICE_FORM, **thanksgiving})
    assert refused.status_code == 200
    assert "Please correct the duplicate data for date" in refused.content.decode()
    assert not practice.closed_days.exists()
    response = admin_client.post(url, {**PRACTICE_FORM, **thanksgiving, "closed_days-TOTAL_FORMS": "1"})
    assert response.status_code == 302
    assert [str(day) for day in practice.closed_days.all()] == ["2026-11-26 Thanksgiving"]
