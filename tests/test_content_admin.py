import pytest
from django.utils.html import escape

from clinic_site.models import Practice
from conditions.models import Condition
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
    assert admin_client.get("/admin/clinic_site/practice/add/").status_code == 403
    response = admin_client.post(
        f"/admin/clinic_site/practice/{practice.pk}/change/",
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
