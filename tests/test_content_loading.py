import re
import shutil

import pytest
from django.core.management import call_command
from PIL import Image

from conditions.models import Condition
from guides.models import Guide
from medical_pages import content_loader
from practice.models import Practice, PublicImage, TeamMember
from tests.content_checks import CONDITION_SLUGS, GUIDE_SLUGS, TREATMENT_SLUGS
from treatments.models import Treatment


def snapshot():
    return {
        "conditions": list(Condition.objects.order_by("slug").values()),
        "treatments": list(Treatment.objects.order_by("slug").values()),
        "relation": sorted(Condition.treatments.through.objects.values_list("condition_id", "treatment_id")),
        "guides": list(Guide.objects.order_by("slug").values()),
        "practice": list(Practice.objects.values()),
        "team": list(TeamMember.objects.values()),
    }


def test_loading_twice_changes_nothing(db):
    call_command("load_content", verbosity=0)
    first = snapshot()
    assert len(first["conditions"]) == len(CONDITION_SLUGS)
    assert len(first["treatments"]) == len(TREATMENT_SLUGS)
    assert len(first["guides"]) == len(GUIDE_SLUGS)
    outcome = content_loader.load_all()
    assert outcome == {
        "conditions": {"unchanged": len(CONDITION_SLUGS)},
        "treatments": {"unchanged": len(TREATMENT_SLUGS)},
        "guides": {"unchanged": len(GUIDE_SLUGS)},
    }
    assert snapshot() == first


def test_every_loaded_page_has_a_clinical_reviewer(db):
    content_loader.load_all()
    reviewer = TeamMember.objects.reviewers().get()
    for model in (Condition, Treatment, Guide):
        assert set(model.objects.values_list("reviewed_by", flat=True)) == {reviewer.pk}


@pytest.fixture
def content_copy(tmp_path, monkeypatch):
    """The shipped content in a folder the test may change, as a later release would."""
    original = content_loader.content_dir
    copies = {}
    for model in content_loader.page_models():
        copies[model] = tmp_path / model._meta.app_label
        shutil.copytree(original(model), copies[model])
    monkeypatch.setattr(content_loader, "content_dir", copies.__getitem__)
    return copies[Condition], copies[Treatment]


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

    shipped = {}
    for slug in ("synkinesis", "bells-palsy"):
        path = conditions / f"{slug}.toml"
        shipped[slug] = re.search(r"^last_reviewed = (\S+)$", path.read_text(), re.MULTILINE).group(1)
        path.write_text(re.sub(r"^last_reviewed = \S+$", "last_reviewed = 2030-12-01", path.read_text(), flags=re.M))

    outcome = content_loader.load_all()
    assert outcome["conditions"] == {"updated": 1, "kept staff edits": 1, "unchanged": len(CONDITION_SLUGS) - 2}
    assert Condition.objects.get(slug="bells-palsy").last_reviewed.isoformat() == "2030-12-01"
    kept = Condition.objects.get(slug="synkinesis")
    assert kept.lead.startswith("Our own words") and kept.last_reviewed.isoformat() == shipped["synkinesis"]


@pytest.mark.parametrize(
    "missing",
    [["eye_care", "illustration", "urgent_situations"], ["illustration", "urgent_situations"], ["urgent_situations"]],
)
def test_a_page_loaded_before_a_later_field_still_receives_fixes(db, content_copy, missing):
    """Rows hashed before a field existed are unedited if they match that older hash."""
    conditions, _ = content_copy
    content_loader.load_all()
    page = Condition.objects.get(slug="bells-palsy")
    Condition.objects.filter(pk=page.pk).update(urgent_situations=[])  # the column's value before it was loaded
    page.refresh_from_db()
    row = content_loader._row_values(page)
    for field in missing:
        del row[field]
    Condition.objects.filter(pk=page.pk).update(loaded_hash=content_loader.loaded_hash(row))
    path = conditions / "bells-palsy.toml"
    path.write_text(re.sub(r"^last_reviewed = \S+$", "last_reviewed = 2030-12-01", path.read_text(), flags=re.M))
    assert content_loader.load_all()["conditions"]["updated"] == 1


def test_a_staff_change_to_the_relation_is_kept(db, content_copy):
    # The file links Bell's palsy to every treatment, so the change staff can make is to unlink one.
    content_loader.load_all()
    condition = Condition.objects.get(slug="bells-palsy")
    assert condition.treatments.filter(slug="gracilis-muscle-transfer").exists()
    condition.treatments.remove(Treatment.objects.get(slug="gracilis-muscle-transfer"))
    content_loader.load_all()
    assert not condition.treatments.filter(slug="gracilis-muscle-transfer").exists()


def test_loading_keeps_an_edited_practice_identity(db):
    content_loader.load_all()
    practice = Practice.objects.current()
    practice.name = "Riverside Facial Nerve Center"
    practice.is_demo = False
    practice.save()
    content_loader.load_all()
    assert list(Practice.objects.values_list("name", flat=True)) == ["Riverside Facial Nerve Center"]


def test_shipped_images_are_made_into_renditions_once(db):
    content_loader.load_all()
    therapy = Treatment.objects.get(slug="physical-therapy")
    assert therapy.illustration.alt.startswith("Drawing of a person at a table")
    assert therapy.illustration.source.startswith("mirror-practice.png sha256:")
    assert {r["format"] for r in therapy.illustration.renditions} == {"avif", "webp", "jpg"}
    assert all(member.portrait and member.portrait.renditions for member in TeamMember.objects.all())
    images = list(PublicImage.objects.values())
    content_loader.load_all()
    assert list(PublicImage.objects.values()) == images


def test_a_redrawn_illustration_reaches_an_untouched_page_but_not_one_staff_changed(db, content_copy):
    content_loader.load_all()
    _, treatments = content_copy
    first = Treatment.objects.get(slug="physical-therapy").illustration
    # Staff take the illustration off another page that ships one (made here for the test).
    botox = treatments / "botox.toml"
    line = 'illustration = { file = "mirror-practice.png", alt = "A mirror." }\n'
    botox.write_text(botox.read_text().replace("\nbody = ", "\n" + line + "body = ", 1))
    content_loader.load_all()
    Treatment.objects.filter(slug="botox").update(illustration=None)

    drawing = treatments / "images" / "mirror-practice.png"
    Image.open(drawing).transpose(Image.Transpose.FLIP_LEFT_RIGHT).save(drawing)
    assert content_loader.load_all()["treatments"] == {
        "updated": 1,
        "kept staff edits": 1,
        "unchanged": len(TREATMENT_SLUGS) - 2,
    }
    redrawn = Treatment.objects.get(slug="physical-therapy").illustration
    assert redrawn.pk != first.pk and redrawn.source != first.source
    assert Treatment.objects.get(slug="botox").illustration is None


def test_the_migration_to_triage_situations_keeps_unedited_pages_updatable(transactional_db):
    """Dropping "Do this today" changes every row's loaded hash: the migration hashes unedited rows
    anew (so load_content still brings them fixes) and leaves edited rows counted as edited."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    from guides.models import Guide

    before = [("guides", "0003_illustration")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old_guide = executor.loader.project_state(before).apps.get_model("guides", "Guide")
    fields = ["title", "also_known_as", "summary", "lead", "do_today", "body", "questions", "sources"]
    pages = {}
    for slug, edited in (("unedited", False), ("edited", True)):
        page = old_guide.objects.create(
            slug=slug, title=slug, summary="s", lead="l", do_today="- Call today.", body="b", sources="",
            last_reviewed="2026-11-22", kind="guide", status="published",
        )  # fmt: skip
        values = {name: getattr(page, name) for name in fields}
        values |= {"last_reviewed": page.last_reviewed, "eye_care": False, "kind": "guide", "illustration": ""}
        page.loaded_hash = "staff changed it" if edited else content_loader.loaded_hash(values)
        page.save()
        pages[slug] = page.pk

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    unedited, edited = Guide.objects.get(pk=pages["unedited"]), Guide.objects.get(pk=pages["edited"])
    assert unedited.loaded_hash in content_loader._loaded_hashes(content_loader._row_values(unedited))
    assert edited.loaded_hash == "staff changed it"
