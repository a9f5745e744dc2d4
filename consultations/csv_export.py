"""CSV export of requests, safe to open in a spreadsheet."""

import csv

from django.http import HttpResponse
from django.utils import timezone

# A cell starting with one of these is read as a formula by spreadsheet programs.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

COLUMNS = (
    ("reference", "Reference"),
    ("created_at", "Received"),
    ("status", "Status"),
    ("name", "Name"),
    ("email", "E-mail"),
    ("phone", "Phone"),
    ("preferred_contact", "Preferred contact"),
    ("best_time", "Best time"),
    ("concern_title", "Concern"),
    ("onset", "Symptoms started"),
    ("treatments_of_interest", "Treatments of interest"),
    ("patient_type", "New or returning"),
    ("message", "Message"),
    ("heard_from", "Heard of us from"),
    ("assigned_to", "Assigned to"),
)


def neutralise(value):
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _cell(consultation, field):
    value = getattr(consultation, field)
    if field == "created_at":
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if field == "treatments_of_interest":
        return ", ".join(value)
    if field == "assigned_to":
        return value.get_username() if value else ""
    return value


def export(queryset):
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="consultation-requests.csv"'
    response["Cache-Control"] = "no-store"
    writer = csv.writer(response)
    writer.writerow([title for _field, title in COLUMNS])
    for consultation in queryset:
        writer.writerow([neutralise(_cell(consultation, field)) for field, _title in COLUMNS])
    return response
