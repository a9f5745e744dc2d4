"""Whatever is sent to the form, it answers with a specific error or one complete request: never a 500,
never a partial row. The spam and rate-limit gates are off so every example reaches validation."""

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from consultations.forms import ConsultationRequestForm
from consultations.models import ConsultationRequest
from tests.consultation_fixtures import VALID, post_data

NASTY = [
    "",
    " ",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "\x00",
    "a\x1b[31mb",
    "\u202eevil",
    "' OR 1=1 --",
    '=HYPERLINK("x")',
    "x" * 5000,
    "🙂" * 200,
    "not-a-choice",
    "3-days",
    "synkinesis",
]
values = st.one_of(st.sampled_from(NASTY), st.text(max_size=300))
field_values = st.one_of(values, st.lists(values, max_size=3))


def mutated_answers():
    """The valid answers with any of them replaced, removed, or joined by unknown fields."""
    fields = [*VALID, "treatments", "website"]
    return st.fixed_dictionaries(
        {},
        optional={
            **{name: st.one_of(st.just(VALID.get(name, "")), field_values, st.none()) for name in fields},
            "unexpected_field": values,
            "reference": values,
            "status": values,
        },
    ).map(lambda changes: {**VALID, **changes})


def _clean_data(data):
    return {key: value for key, value in data.items() if value is not None}


def _as_querydict(data):
    from django.http import QueryDict

    query = QueryDict(mutable=True)
    for key, value in _clean_data(data).items():
        query.setlist(key, value if isinstance(value, list) else [value])
    return query


@pytest.fixture
def gates_off(settings):
    settings.CLINIC_CONSULTATION_SPAM_CHECKS = False
    settings.CLINIC_CONSULTATION_RATE_LIMIT = 0


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=mutated_answers())
def test_form_validation_never_raises_and_valid_data_fits_the_model(content, data):
    form = ConsultationRequestForm(_as_querydict(data))
    if form.is_valid():
        cleaned = form.cleaned_data
        assert len(cleaned["name"]) <= 150
        assert len(cleaned["message"]) <= 2000
        assert cleaned["email"] or cleaned["phone"]
        assert not any(char in cleaned["name"] for char in "\x00\x1b")
    else:
        assert form.errors
        assert all(str(message) for errors in form.errors.values() for message in errors)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=mutated_answers())
def test_view_never_fails_and_never_stores_a_partial_request(client, content, gates_off, data):
    before = ConsultationRequest.objects.count()
    response = client.post("/consultation/", {**_clean_data(data), "form_token": post_data()["form_token"]})
    after = ConsultationRequest.objects.count()
    assert response.status_code in (200, 302)
    event(f"status {response.status_code}")
    if response.status_code == 200:
        assert after == before
        assert "There is a problem" in response.content.decode()
    else:
        assert response["Location"] == "/consultation/received/"
        assert after - before in (0, 1)  # 0: the same request as one already stored
    for consultation in ConsultationRequest.objects.all():
        # Every stored row is whole: it passes every model and database rule.
        consultation.full_clean()
