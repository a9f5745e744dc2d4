"""The request form opened from a page: pre-filled with what the page is about (issue 18)."""

import re

import pytest

from consultations import prefill
from guides.models import Guide

pytestmark = pytest.mark.usefixtures("content")


def checked(html, name):
    """The values of the ticked check boxes (or radio buttons) named name."""
    return {
        value
        for tag in re.findall(r"<input[^>]*>", html)
        if f'name="{name}"' in tag and " checked" in tag
        for value in re.findall(r'value="([^"]*)"', tag)
    }


def selected(html, name):
    select = re.search(rf'<select name="{name}".*?</select>', html, re.DOTALL).group(0)
    return re.findall(r'<option value="([^"]*)"[^>]*selected', select)


def test_a_request_from_the_synkinesis_decision_aid_carries_its_condition_options_and_what_bothers(client):
    html = client.get("/consultation/?guide=choosing-a-treatment-synkinesis").content.decode()
    assert selected(html, "concern") == ["synkinesis"]
    # The options its table compares, in the table's order on the page, each ticked.
    assert checked(html, "treatments") == {"physical-therapy", "botox", "selective-neurectomy", "myectomy"}
    assert checked(html, "bothers") == {"tightness"}


def test_a_request_from_the_smile_decision_aid_carries_its_options_and_the_smile(client):
    html = client.get("/consultation/?guide=choosing-a-treatment-smile").content.decode()
    assert selected(html, "concern") == ["facial-paralysis"]
    assert checked(html, "treatments") == {
        "static-slings",
        "nerve-grafting",
        "gracilis-muscle-transfer",
        "botox",
        "physical-therapy",
    }
    assert checked(html, "bothers") == {"smile"}


def test_the_decision_aids_request_buttons_open_the_form_with_the_guide(client):
    for path, slug in [
        ("/choosing-a-treatment/synkinesis/", "choosing-a-treatment-synkinesis"),
        ("/choosing-a-treatment/smile/", "choosing-a-treatment-smile"),
    ]:
        html = client.get(path).content.decode()
        assert html.count(f'href="/consultation/?guide={slug}"') >= 3, path  # after the lead, at the end, the phone bar


def test_an_unknown_or_unpublished_guide_pre_fills_nothing(client):
    blank = selected(client.get("/consultation/").content.decode(), "concern")
    for query in ["guide=no-such-guide", "guide=<script>"]:
        html = client.get(f"/consultation/?{query}").content.decode()
        assert checked(html, "treatments") == set() and checked(html, "bothers") == set()
        assert selected(html, "concern") == blank
    Guide.objects.filter(slug="choosing-a-treatment-smile").update(status=Guide.Status.DRAFT)
    assert prefill.initial({"guide": "choosing-a-treatment-smile"}) == {}


def test_what_each_guide_implies_names_a_shipped_guide_and_condition():
    from conditions.models import Condition

    for slug, implied in prefill.GUIDE_IMPLIES.items():
        assert Guide.objects.filter(slug=slug).exists(), slug
        if "concern" in implied:
            assert Condition.objects.filter(slug=implied["concern"]).exists(), slug
