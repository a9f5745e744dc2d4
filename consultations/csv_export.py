"""CSV export of requests, safe to open in a spreadsheet."""

import csv

from django.http import HttpResponse
from django.utils import timezone
from django.utils.text import capfirst

from consultations.questions import QUESTIONS

# A cell starting with one of these is read as a formula by spreadsheet programs.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

# A row is found by its reference and the patient's name; the other answers follow in the form's order.
COLUMNS = (
    "reference",
    "created_at",
    "status",
    "name",
    *(question.column for question in QUESTIONS if question.name != "name"),
    "assigned_to",
)


def neutralise(value):
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _cell(consultation, field):
    if consultation._meta.get_field(field).choices:
        # The label staff see in the admin, not the stored code.
        return getattr(consultation, f"get_{field}_display")()
    value = getattr(consultation, field)
    if field == "created_at":
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if field == "treatments_of_interest":
        return ", ".join(value)
    if field == "bothers":
        return "; ".join(map(str, consultation.bothers_labels))
    if field == "assigned_to":
        return value.get_username() if value else ""
    return value


def export(queryset):
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="consultation-requests.csv"'
    response["Cache-Control"] = "no-store"
    writer = csv.writer(response)
    meta = queryset.model._meta
    writer.writerow([neutralise(capfirst(meta.get_field(field).verbose_name)) for field in COLUMNS])
    for consultation in queryset:
        writer.writerow([neutralise(_cell(consultation, field)) for field in COLUMNS])
    return response
