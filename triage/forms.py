"""The guided page's questions. Answers are only read, never saved (triage/views.py)."""

from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from triage import guide, table

NO_ONSET = _("Tell us when it started: give the date, or about how long ago.")
BOTH_ONSETS = _("Give the date or how long ago, not both. Clear one of them.")
FUTURE_DATE = _("That date is in the future. Give the day it started, or today.")
TOO_LONG_AGO = _("That is more than 120 years ago. Check the number or the year.")
BAD_DATE = _("Enter a real date, like 03/14/2026.")
BAD_AMOUNT = _("Enter a whole number, like 3.")
SMALL_AMOUNT = _("Enter a number of 1 or more. If it started today, give today's date.")
BAD_UNIT = _("Choose days, weeks, months or years.")
NO_SIDE = _("Choose one side or both sides.")
NO_WHO = _("Choose who this is for.")
WRONG_AUDIENCE = _("You ticked a sign for a child, but chose “Me”. Check who this is for.")
WRONG_AUDIENCE_ADULT = _("You ticked a sign for an adult, but chose “My child”. Check who this is for.")
# Further back than this is a typing mistake.
LIMIT = timedelta(days=120 * 365)

UNITS = [
    ("days", _("days ago")),
    ("weeks", _("weeks ago")),
    ("months", _("months ago")),
    ("years", _("years ago")),
]


class GuideForm(forms.Form):
    onset_date = forms.DateField(
        label=_("The date it started"),
        required=False,
        input_formats=["%Y-%m-%d", "%m/%d/%Y", "%m/%d/%y"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": BAD_DATE},
    )
    onset_amount = forms.IntegerField(
        label=_("Or about how long ago"),
        required=False,
        min_value=1,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": "1", "class": "triage-guide__amount"}),
        error_messages={"invalid": BAD_AMOUNT, "min_value": SMALL_AMOUNT},
    )
    onset_unit = forms.ChoiceField(
        label=_("Days, weeks, months or years"),
        choices=UNITS,
        initial="days",
        required=False,
        error_messages={"invalid_choice": BAD_UNIT},
    )
    side = forms.ChoiceField(
        label=_("Which side of the face is weak?"),
        choices=list(guide.SIDE_TEXT.items()),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose one side or both sides."),
            "invalid_choice": _("Choose one side or both sides."),
        },
    )
    who = forms.ChoiceField(
        label=_("Who is this for?"),
        choices=list(guide.WHO_TEXT.items()),
        widget=forms.RadioSelect,
        error_messages={"required": NO_WHO, "invalid_choice": NO_WHO},
    )
    signs = forms.MultipleChoiceField(
        label=_("Tick any that are true"),
        required=False,
        choices=[(row.key, row.situation) for row in guide.sign_rows()],
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        error_messages={"invalid_choice": _("Tick only the signs shown on this page.")},
    )
    doctor_seen = forms.BooleanField(label=_("A doctor has already checked this weakness"), required=False)

    # The groups of warning signs, each under its own legend; the page script shows only those for
    # the person chosen under "Who is this for?" (all show without JavaScript).
    SIGN_GROUPS = (
        (table.ANYONE, _("Warning signs")),
        (table.ADULT, _("If this is for you")),
        (table.CHILD, _("If this is for your child")),
    )

    def __init__(self, *args, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()
        for name in ("onset_date", "onset_amount", "onset_unit"):
            self.fields[name].widget.attrs.setdefault("class", "")
            self.fields[name].widget.attrs["class"] += " form-control" if name != "onset_unit" else " form-select"
        self.fields["onset_date"].widget.attrs["max"] = self.today.isoformat()
        self.fields["onset_date"].widget.attrs["aria-describedby"] = "onset-hint"

    def full_clean(self):
        super().full_clean()
        # The date field is described by the hint; once it has an error, by the error too.
        if "onset_date" in self.errors:
            self.fields["onset_date"].widget.attrs["aria-describedby"] = "onset-hint id_onset_date_error"

    def clean(self):
        cleaned = super().clean()
        given_date = cleaned.get("onset_date")
        amount = cleaned.get("onset_amount")
        # A field that failed its own check has its message already; say nothing more about the onset.
        if any(name in self.errors for name in ("onset_date", "onset_amount", "onset_unit")):
            return cleaned
        if given_date is None and amount is None:
            self.add_error("onset_date", NO_ONSET)
        elif given_date is not None and amount is not None:
            self.add_error("onset_date", BOTH_ONSETS)
        elif given_date is not None:
            if given_date > self.today:
                self.add_error("onset_date", FUTURE_DATE)
            elif self.today - given_date > LIMIT:
                self.add_error("onset_date", TOO_LONG_AGO)
            else:
                cleaned["onset"] = given_date
        else:
            unit = cleaned.get("onset_unit") or "days"
            if amount * guide.UNIT_DAYS[unit] > LIMIT.days:
                self.add_error("onset_amount", TOO_LONG_AGO)
            else:
                cleaned["onset"] = guide.onset_from_amount(amount, unit, self.today)
        self._check_audience(cleaned)
        return cleaned

    def _check_audience(self, cleaned):
        who = cleaned.get("who")
        if not who:
            return
        allowed = guide.audiences(who)
        ticked = [table.BY_KEY[key] for key in cleaned.get("signs", [])]
        if any(row.audience not in allowed for row in ticked):
            self.add_error("who", WRONG_AUDIENCE if who == guide.ME else WRONG_AUDIENCE_ADULT)

    def answers(self):
        data = self.cleaned_data
        return guide.Answers(
            onset=data["onset"],
            side=data["side"],
            who=data["who"],
            signs=tuple(data["signs"]),
            doctor_seen=data["doctor_seen"],
        )

    def sign_groups(self):
        """(audience, legend, checkboxes) for each group of warning signs, in the table's order."""
        audience = {row.key: row.audience for row in guide.sign_rows()}
        boxes = list(self["signs"])
        return [
            (group, legend, [box for box in boxes if audience[box.data["value"]] == group])
            for group, legend in self.SIGN_GROUPS
        ]

    def error_summary(self):
        """(anchor, message) for each error in page order, linking to its field (a group's first option)."""
        for name in self.fields:
            field = self[name]
            for message in self.errors.get(name, ()):
                yield field.id_for_label or f"{field.auto_id}_0", message
