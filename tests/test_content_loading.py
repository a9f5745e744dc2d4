import shutil

import pytest
from django.core.management import call_command

from clinic_site import content_loader
from clinic_site.models import Practice
from conditions.models import Condition
from treatments.models import Treatment


def snapshot():
    return {
        "conditions": list(Condition.objects.order_by("slug").values()),
        "treatments": list(Treatment.objects.order_by("slug").values()),
        "relation": sorted(Condition.treatments.through.objects.values_list("condition_id", "treatment_id")),
        "practice": list(Practice.objects.values()),
    }


def test_loading_twice_changes_nothing(db):
    call_command("load_content", verbosity=0)
    first = snapshot()
    assert len(first["conditions"]) == 7 and len(first["treatments"]) == 8
    outcome = content_loader.load_all()
    assert outcome["conditions"] == {"unchanged": 7}
    assert outcome["treatments"] == {"unchanged": 8}
    assert snapshot() == first


@pytest.fixture
def content_copy(tmp_path, monkeypatch):
    """The shipped content in a folder the test may change, as a later release would."""
    conditions, treatments = tmp_path / "conditions", tmp_path / "treatments"
    shutil.copytree(content_loader.CONDITION_DIR, conditions)
    shutil.copytree(content_loader.TREATMENT_DIR, treatments)
    monkeypatch.setattr(content_loader, "CONDITION_DIR", conditions)
    monkeypatch.setattr(content_loader, "TREATMENT_DIR", treatments)
    return conditions, treatments


def test_a_content_fix_reaches_untouched_pages_but_never_undoes_a_staff_edit(db, content_copy):
    conditions, _ = content_copy
    content_loader.load_all()

    edited = Condition.objects.get(slug="synkinesis")
    edited.lead = "Our own words, written in the admin.\r\n\r\nWith a second paragraph."
    edited.save()
    # Saving a page in the admin without changing it is not an edit.
    untouched = Condition.objects.get(slug="bells-palsy")
    untouched.body = untouched.body.replace("\n", "\r\n")
    untouched.save()

    for slug in ("synkinesis", "bells-palsy"):
        path = conditions / f"{slug}.toml"
        path.write_text(path.read_text().replace("last_reviewed = 2026-11-21", "last_reviewed = 2026-12-01"))

    outcome = content_loader.load_all()
    assert outcome["conditions"] == {"updated": 1, "kept staff edits": 1, "unchanged": 5}
    assert Condition.objects.get(slug="bells-palsy").last_reviewed.isoformat() == "2026-12-01"
    kept = Condition.objects.get(slug="synkinesis")
    assert kept.lead.startswith("Our own words") and kept.last_reviewed.isoformat() == "2026-11-21"


def test_a_staff_change_to_the_relation_is_kept(db, content_copy):
    content_loader.load_all()
    condition = Condition.objects.get(slug="bells-palsy")
    condition.treatments.add(Treatment.objects.get(slug="gracilis-muscle-transfer"))
    content_loader.load_all()
    assert condition.treatments.filter(slug="gracilis-muscle-transfer").exists()


def test_loading_keeps_an_edited_practice_identity(db):
    content_loader.load_all()
    practice = Practice.objects.current()
    practice.name = "Riverside Facial Nerve Center"
    practice.is_demo = False
    practice.save()
    content_loader.load_all()
    assert list(Practice.objects.values_list("name", flat=True)) == ["Riverside Facial Nerve Center"]
