"""Loads the medical pages that ship with the code: `<app>/content/*.toml` for every app whose models
are medical pages (conditions, treatments, guides), found by registration, never imported by name.

Idempotent, and never overwrites staff: each row remembers a hash of the content it was (`loaded_hash`)
loaded with. A row whose content still matches that hash has not been edited, so it
receives our fixes; a row that differs was edited in the admin and is left alone.
"""

import hashlib
import json
import tomllib
from collections import Counter
from pathlib import Path

from django.apps import apps
from django.db import models, transaction

from images import renditions
from medical_pages.models import MedicalPage
from practice.models import Practice, PublicImage, TeamMember

PAGE_FIELDS = [
    "title", "also_known_as", "summary", "lead", "urgent_situations", "body", "questions", "sources",
    "last_reviewed", "eye_care",
]  # fmt: skip
# Fields added after pages were first loaded, oldest first: a row loaded before one of them existed
# was hashed without it (and without every later one), and is still unedited if it matches
# that older hash.
LATER_FIELDS = ["eye_care", "do_today", "illustration", "urgent_situations"]


def page_models():
    """Every concrete medical page model, with the pages it links to loaded first."""
    found = [model for model in apps.get_models() if issubclass(model, MedicalPage)]
    return sorted(found, key=lambda model: len(_relations(model)))


def content_dir(model):
    return Path(apps.get_app_config(model._meta.app_label).path) / "content"


def _relations(model):
    """Many-to-many fields to other medical pages, loaded from lists of slugs."""
    return [
        field
        for field in model._meta.get_fields()
        if isinstance(field, models.ManyToManyField) and issubclass(field.related_model, MedicalPage)
    ]


def _fields(model):
    # A kind of page may add choice fields of its own (a treatment's kind, a guide's kind).
    extra = [field.name for field in model._meta.concrete_fields if field.name == "kind"]
    return [*PAGE_FIELDS, *extra]


def _normalise(value):
    # The admin sends text back with CRLF line endings and stripped: saving unchanged is no edit.
    return value.replace("\r\n", "\n").strip() if isinstance(value, str) else value


def loaded_hash(values):
    normalised = {key: _normalise(value) for key, value in values.items()}
    return hashlib.sha256(json.dumps(normalised, sort_keys=True, default=str).encode()).hexdigest()


def _illustration_file(model, source):
    return content_dir(model) / "images" / source.split(" ")[0]


def _file_illustration(model, data):
    """An illustration as the file describes it: `illustration = { file = "…", alt = "…", caption = "…" }`,
    the image file in <app>/content/images/. Its digest is part of it, so a redrawn file is an update."""
    spec = data.get("illustration")
    if not spec:
        return ""
    source = renditions.source_label(content_dir(model) / "images" / spec["file"])
    return {"source": source, "alt": _normalise(spec["alt"]), "caption": _normalise(spec.get("caption", ""))}


def _row_illustration(page):
    image = page.illustration
    return {"source": image.source, "alt": image.alt, "caption": image.caption} if image else ""


# What a file that leaves a field out means.
EMPTY = {"eye_care": False, "urgent_situations": []}


def _file_values(model, data):
    values = {field: _normalise(data.get(field, EMPTY.get(field, ""))) for field in _fields(model)}
    values["illustration"] = _file_illustration(model, data)
    for relation in _relations(model):
        # Only pages that exist can be linked; comparing against the rest would never match.
        values[relation.name] = sorted(
            relation.related_model.objects.filter(slug__in=data.get(relation.name, [])).values_list("slug", flat=True)
        )
    return values


def _row_values(page, relations=None):
    values = {field: getattr(page, field) for field in _fields(type(page))}
    values["illustration"] = _row_illustration(page)
    for name in relations if relations is not None else [relation.name for relation in _relations(type(page))]:
        values[name] = sorted(getattr(page, name).values_list("slug", flat=True))
    return values


def _apply(page, values):
    for field in _fields(type(page)):
        setattr(page, field, values[field])
    wanted = values["illustration"]
    if wanted != _row_illustration(page):
        # A new image (renditions made from the shipped file); one staff chose is never changed,
        # as a page staff edited is never updated at all.
        page.illustration = (
            PublicImage.objects.create_from_file(_illustration_file(type(page), wanted["source"]), **text_of(wanted))
            if wanted
            else None
        )
    page.loaded_hash = loaded_hash(values)
    if page.reviewed_by is None:
        page.reviewed_by = TeamMember.objects.reviewers().first()
    page.save()
    for relation in _relations(type(page)):
        getattr(page, relation.name).set(relation.related_model.objects.filter(slug__in=values[relation.name]))


def text_of(illustration):
    return {"alt": illustration["alt"], "caption": illustration["caption"]}


def _loaded_hashes(row):
    """The hashes an unedited row could have been loaded with: now, and before each LATER_FIELD."""
    found = {loaded_hash(row)}
    for index in range(len(LATER_FIELDS)):
        missing = LATER_FIELDS[index:]
        found.add(loaded_hash({key: value for key, value in row.items() if key not in missing}))
    return found


def forget_do_today(page, relations):
    """For the migration that replaced the "Do this today" text with triage situations: a row that was
    unedited with its old text is hashed anew without it, so load_content still updates it.

    relations names the page's links to other pages (a migration's models are not MedicalPage
    subclasses, so they cannot be found as load_content finds them)."""
    row = _row_values(page, relations)
    before = {key: value for key, value in row.items() if key != "urgent_situations"} | {"do_today": page.do_today}
    if page.loaded_hash in _loaded_hashes(before):
        page.loaded_hash = loaded_hash(row)
        page.save(update_fields=["loaded_hash"])


def load_pages(model, directory):
    """Load every TOML file in directory; return a Counter of what happened to the rows."""
    outcome = Counter()
    for path in sorted(directory.glob("*.toml")):
        with open(path, "rb") as f:
            data = tomllib.load(f)
        values = _file_values(model, data)
        page = model.objects.filter(slug=data["slug"]).first()
        if page is None:
            page = model(slug=data["slug"], status=model.Status.PUBLISHED, position=data.get("position", 100))
            _apply(page, values)
            outcome["created"] += 1
            continue
        row = _row_values(page)
        if loaded_hash(row) == loaded_hash(values):
            outcome["unchanged"] += 1
        elif page.loaded_hash in _loaded_hashes(row):
            _apply(page, values)
            outcome["updated"] += 1
        else:
            outcome["kept staff edits"] += 1
    return outcome


@transaction.atomic
def load_all():
    if not Practice.objects.exists():
        Practice.demo().save()
    if not TeamMember.objects.exists():
        TeamMember.create_demo_team()
    return {model._meta.app_label: load_pages(model, content_dir(model)) for model in page_models()}
