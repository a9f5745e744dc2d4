"""Loads the medical pages that ship with the code (conditions/content, treatments/content).

Idempotent, and never overwrites staff: each row remembers a fingerprint of the content it was
loaded with. A row whose content still matches that fingerprint has not been edited, so it
receives our fixes; a row that differs was edited in the admin and is left alone.
"""

import hashlib
import json
import tomllib
from collections import Counter
from pathlib import Path

from django.conf import settings
from django.db import transaction

from clinic_site.models import Practice
from conditions.models import Condition
from treatments.models import Treatment

TREATMENT_DIR = Path(settings.BASE_DIR) / "treatments" / "content"
CONDITION_DIR = Path(settings.BASE_DIR) / "conditions" / "content"

PAGE_FIELDS = ["title", "also_known_as", "summary", "lead", "body", "questions", "sources", "last_reviewed"]
FIELDS = {Treatment: [*PAGE_FIELDS, "kind"], Condition: PAGE_FIELDS}


def _normalise(value):
    # The admin sends text back with CRLF line endings and stripped: saving unchanged is no edit.
    return value.replace("\r\n", "\n").strip() if isinstance(value, str) else value


def fingerprint(values):
    normalised = {key: _normalise(value) for key, value in values.items()}
    return hashlib.sha256(json.dumps(normalised, sort_keys=True, default=str).encode()).hexdigest()


def _file_values(model, data):
    values = {field: _normalise(data.get(field, "")) for field in FIELDS[model]}
    if model is Condition:
        # Only treatments that exist can be linked; comparing against the rest would never match.
        values["treatments"] = sorted(
            Treatment.objects.filter(slug__in=data.get("treatments", [])).values_list("slug", flat=True)
        )
    return values


def _row_values(page):
    values = {field: getattr(page, field) for field in FIELDS[type(page)]}
    if isinstance(page, Condition):
        values["treatments"] = sorted(page.treatments.values_list("slug", flat=True))
    return values


def _apply(page, values):
    for field in FIELDS[type(page)]:
        setattr(page, field, values[field])
    page.loaded_hash = fingerprint(values)
    page.save()
    if isinstance(page, Condition):
        page.treatments.set(Treatment.objects.filter(slug__in=values["treatments"]))


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
        current = fingerprint(_row_values(page))
        if current == fingerprint(values):
            outcome["unchanged"] += 1
        elif current == page.loaded_hash:
            _apply(page, values)
            outcome["updated"] += 1
        else:
            outcome["kept staff edits"] += 1
    return outcome


@transaction.atomic
def load_all():
    if not Practice.objects.exists():
        Practice.demo().save()
    return {
        "treatments": load_pages(Treatment, TREATMENT_DIR),
        "conditions": load_pages(Condition, CONDITION_DIR),
    }
