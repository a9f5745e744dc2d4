import phonenumbers
from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from conditions.models import Condition
from consultations import phones, questions, visit_choice
from consultations.choices import Bother, ContactMethod, ForWhom, HeardFrom, Onset, PatientType
from consultations.models import CHILD_AGE_MAX, ConsultationRequest
from consultations.photo_forms import PhotoFields
from consultations.photos import FIELD_NAMES as PHOTO_FIELD_NAMES
from consultations.validators import no_control_characters, no_control_characters_multiline
from practice.models import Practice
from treatments.models import Treatment
from triage import table

MESSAGE_MAX_LENGTH = 2000
HONEYPOT_FIELD = "website"
# Answered with one of a few buttons: no empty "---------" option.
RADIO_FIELDS = ("for_whom", "preferred_contact", "best_time", "onset", "patient_type")
# The order the fields appear on the page (templates/consultations/request_form.html): the questions
# (consultations/questions.py), the photos, the honeypot, the agreement. The error summary lists
# errors in this order, so it reads from the top of the page down.
PAGE_ORDER = (*questions.NAMES, *PHOTO_FIELD_NAMES, "visit", "waitlist", HONEYPOT_FIELD, "consent_to_contact")
# The best time of day is asked only for these ways of contact.
CALLED_OR_TEXTED = (ContactMethod.PHONE, ContactMethod.TEXT)


TIME_TAKEN = _("That time was just taken by someone else. Choose another time below, or a call to arrange one.")


def _choice_errors(what):
    return {"required": _("Choose %(what)s.") % {"what": what}, "invalid_choice": _("Choose one of the options shown.")}


class ConsultationRequestForm(PhotoFields, forms.ModelForm):
    """What a patient tells us, in words they know. Every answer is checked on the server; the
    messages say how to fix it.

    The stored fields come from the model; only what differs on the form is declared here: the
    condition and treatments (offered from the published pages), the phone number as typed (longer
    than its stored international form), and the honeypot, which is not stored. The photos, one optional field per
    pose, come from PhotoFields (consultations.photo_forms).
    """

    field_order = PAGE_ORDER
    visit_declined = False

    phone = forms.CharField(
        label=_("Phone number"),
        required=False,
        max_length=30,
        validators=[no_control_characters],
        error_messages={"max_length": _("Enter a phone number of 30 characters or fewer.")},
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    bothers = forms.MultipleChoiceField(
        label=_("What bothers you most?"),
        help_text=_("Choose all that fit. If you are asking for someone else, answer for them."),
        choices=Bother.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Choose what bothers you most. If none of these fit, choose “Something else”."),
            "invalid_choice": _("Choose only from the answers shown."),
        },
    )
    # Patients who came from a condition page have it pre-selected; others may name one if a doctor did.
    concern = forms.ChoiceField(
        label=_("Has a doctor told you what it is called? (optional)"),
        required=False,
        error_messages={"invalid_choice": _("Choose one of the options shown.")},
    )
    # Offered only when the patient came from a treatment's page: not a list of operations to choose from.
    treatments = forms.MultipleChoiceField(
        label=_("The treatment you read about (optional)"),
        help_text=_("Leave it ticked to ask us about it."),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Choose only from the treatments shown.")},
    )
    # A time to come (consultations.visit_choice), or a call to arrange one; rendered by
    # templates/consultations/visit_fields.html as radio buttons grouped by day.
    visit = forms.CharField(label=_("When would you like to come?"), required=False, max_length=40)
    # With a time chosen: e-mail me if an earlier one opens (consultations.waitlist). Ignored with a call.
    waitlist = forms.BooleanField(
        label=_("If an earlier time opens, e-mail me so that I can take it"),
        help_text=_("Only with a time chosen above and an e-mail address. Your visit stays as it is unless you do."),
        required=False,
    )
    # Hidden from people (see the template); bots fill it in.
    website = forms.CharField(required=False, max_length=200, label=_("Leave this empty"))

    class Meta:
        model = ConsultationRequest
        # Every question; those the model does not keep as answered (treatments) are declared above.
        fields = (*questions.NAMES, "consent_to_contact")
        labels = {
            "for_whom": _("Who is this for?"),
            "child_first_name": _("Your child's first name"),
            "child_age": _("Your child's age in years"),
            "name": _("Your name"),
            "email": _("E-mail address"),
            "preferred_contact": _("How should we contact you?"),
            "best_time": _("Best time of day to call or text you (optional)"),
            "onset": _("When did it start?"),
            "patient_type": _("Have you, or the person this is for, been our patient before?"),
            "message": _("Anything else you would like us to know (optional)"),
            "heard_from": _("How did you hear about us? (optional)"),
            "consent_to_contact": _(
                "I agree that the practice may keep what I send here and contact me about a consultation, "
                "as the privacy notice explains."
            ),
        }
        help_texts = {
            "for_whom": "",  # the model's is for staff
            "child_first_name": _("Only if this is for your child."),
            "child_age": _("Only if this is for your child. For a baby under one year old, enter 0."),
            "name": _("If you are asking for someone else, give your own name."),
            "email": _("We need an e-mail address or a phone number, or both."),
            "best_time": _("Only if you chose a phone call or a text message."),
            # "onset": the triage table's advice, set in __init__ (onset_advice).
            "message": _(
                "Up to 2,000 characters. Please do not send medical records here; "
                "you can add photos of your face below."
            ),
        }
        error_messages = {
            "for_whom": _choice_errors(_("who this request is for")),
            "child_first_name": {
                "max_length": _("Enter a first name of 100 characters or fewer."),
            },
            "child_age": {
                "invalid": _("Enter your child's age as a number of years, like 7."),
                "min_value": _("Enter your child's age as a number of years, like 7."),
            },
            "name": {
                "required": _("Enter your name."),
                "max_length": _("Enter a name of 150 characters or fewer."),
            },
            "email": {
                "invalid": _("Enter an e-mail address like name@example.com."),
                "max_length": _("Enter an e-mail address of 254 characters or fewer."),
            },
            "preferred_contact": _choice_errors(_("how we should contact you")),
            "best_time": _choice_errors(_("the best time of day to reach you")),
            "onset": _choice_errors(_("when it started")),
            "patient_type": _choice_errors(_("whether you have been our patient before")),
            "message": {"max_length": _("Shorten your message to 2,000 characters or fewer.")},
            "heard_from": {"invalid_choice": _("Choose one of the options shown.")},
            "consent_to_contact": {
                "required": _("Tick the box to agree. We need this to keep your request and contact you."),
            },
        }
        widgets = {
            "for_whom": forms.RadioSelect,
            "child_first_name": forms.TextInput(attrs={"autocomplete": "off"}),
            "child_age": forms.NumberInput(attrs={"inputmode": "numeric", "min": 0, "max": CHILD_AGE_MAX}),
            "name": forms.TextInput(attrs={"autocomplete": "name"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
            "preferred_contact": forms.RadioSelect,
            "best_time": forms.RadioSelect,
            "onset": forms.RadioSelect,
            "patient_type": forms.RadioSelect,
            "message": forms.Textarea(attrs={"rows": 5}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        conditions = list(Condition.objects.published().order_by("title").values_list("slug", "title"))
        self.fields["concern"].choices = [("", _("No, or I do not know")), *conditions]
        treatments = self.fields["treatments"]
        treatments.choices = list(Treatment.objects.published().order_by("title").values_list("slug", "title"))
        # Any published treatment is accepted; only the ones the patient brought along are shown.
        brought = set(self._answer("treatments") or ())
        treatments.widget.choices = [choice for choice in treatments.choices if choice[0] in brought]
        for name in RADIO_FIELDS:
            self.fields[name].choices = [choice for choice in self.fields[name].choices if choice[0] != ""]
        # A yes/no question on the page; staff see "new patient" or "returning patient".
        self.fields["patient_type"].choices = [(PatientType.NEW, _("No")), (PatientType.RETURNING, _("Yes"))]
        self.fields["heard_from"].choices = [("", _("Choose if you like")), *HeardFrom.choices]
        self.fields["onset"].help_text = self.onset_advice()
        # Older requests have no "who is this for", and a model BooleanField is optional on a form:
        # both are required here.
        self.fields["for_whom"].required = True
        self.fields["consent_to_contact"].required = True
        # Pasted text can carry invisible control characters; say so rather than store them.
        self.fields["name"].validators.append(no_control_characters)
        self.fields["child_first_name"].validators.append(no_control_characters)
        self.fields["email"].validators.append(no_control_characters)
        self.fields["message"].validators.append(no_control_characters_multiline)
        self.fields[HONEYPOT_FIELD].widget.attrs.update({"autocomplete": "off", "tabindex": "-1"})

    @staticmethod
    def onset_advice():
        """The onset question's description: for a recent onset, the triage table's own words (the
        "today" tier and its note, and the emergency line), on the page before anything is sent, with or
        without JavaScript. The full urgent box (consultations/urgent_guidance.html) follows the question."""
        today, emergency = table.TIERS[table.TODAY], table.TIERS[table.EMERGENCY]
        return format_html(
            "{} <strong>{}.</strong> {} {} <strong>{}.</strong>",
            _("Started in the last 3 days?"),
            today.text(),
            today.note_text(),
            table.BAR_QUESTION,
            emergency.text(),
        )

    def _answer(self, name):
        """What the form shows for a field: the posted answer, or the pre-selection."""
        if self.is_bound:
            return self.fields[name].widget.value_from_datadict(self.data, self.files, self.add_prefix(name))
        return self.initial.get(name)

    @property
    def sections(self):
        """(legend, bound fields) per section of questions, in page order, for the template."""
        return [
            (section, [self[question.name] for question in questions.QUESTIONS if question.section == section])
            for section in questions.SECTIONS
        ]

    @property
    def offers_treatments(self):
        return bool(self.fields["treatments"].widget.choices)

    @cached_property
    def closed_dates(self):
        return Practice.objects.current().closed_dates

    @cached_property
    def visit_offers(self):
        """What the form offers, ready to show: [(visit type, [(day, [radio, …]), …], holds the choice)],
        each radio a dict of its value, id, label ("9:30 a.m. Eastern") and whether it is ticked."""
        chosen, found = self.visit_chosen, []
        zone = visit_choice.zone_name()
        for visit_type, days in visit_choice.offers(self.closed_dates):
            times, holds_choice = [], False
            for number, (day, moments) in enumerate(days.items(), 1):
                radios = []
                for index, moment in enumerate(moments, 1):
                    value = visit_choice.value(visit_type, moment)
                    label = f"{date_format(timezone.localtime(moment), 'g:i a')} {zone}"
                    radios.append(
                        {
                            "value": value,
                            "id": f"visit-{visit_type.pk}-{number}-{index}",
                            "label": label,
                            "checked": value == chosen,
                        }
                    )
                    holds_choice = holds_choice or value == chosen
                times.append((date_format(day, "l, F j"), radios))
            found.append((visit_type, times, holds_choice))
        return found

    @property
    def visit_chosen(self):
        """The value to show ticked: the answer sent, unless it was refused; a call by default."""
        if self.is_bound and "visit" in self.errors:
            return visit_choice.CALL
        return self._answer("visit") or visit_choice.CALL

    def clean_visit(self):
        """(visit type, start) for a time still free; None for a call to arrange one."""
        text = self.cleaned_data["visit"]
        if text in ("", visit_choice.CALL):
            return None
        parsed = visit_choice.parse(text)
        if parsed is None:
            raise forms.ValidationError(_("Choose one of the times shown, or a call to arrange a time."))
        visit_type = visit_choice.still_free(*parsed, self.closed_dates)
        if visit_type is None:
            # held_token: this form's token, known once it passed its check (take_held_photos).
            visit_type = visit_choice.booked_by_this_form(self.held_token, *parsed)
        if visit_type is None:
            raise forms.ValidationError(TIME_TAKEN, code="taken")
        return visit_type, parsed[1]

    def clean_name(self):
        return " ".join(self.cleaned_data["name"].split())

    def save(self, commit=True):
        # Copied, not linked: a request outlives any page being renamed or unpublished.
        self.instance.treatments_of_interest = self.cleaned_data["treatments"]
        self.instance.concern_title = self.concern_title
        return super().save(commit)

    def clean_child_first_name(self):
        return " ".join(self.cleaned_data["child_first_name"].split())

    def _clean_child(self, cleaned):
        """The child's first name and age: required for "My child", dropped for anyone else."""
        if cleaned.get("for_whom") != ForWhom.CHILD:
            # Sent anyway (the page shows these without JavaScript): not about a child, so not kept,
            # and not an error either, as for the best time of day.
            cleaned["child_first_name"], cleaned["child_age"] = "", None
            self.errors.pop("child_first_name", None)
            self.errors.pop("child_age", None)
            return
        if "child_first_name" in cleaned and not cleaned["child_first_name"]:
            self.add_error("child_first_name", _("Enter your child's first name, or choose who else this is for."))
        age = cleaned.get("child_age")
        if "child_age" in cleaned and age is None:
            self.add_error("child_age", _("Enter your child's age in years. For a baby under one year old, enter 0."))
        elif age is not None and age > CHILD_AGE_MAX:
            self.add_error(
                "child_age",
                _("Enter an age under 18. For a son or daughter of 18 or older, choose “Someone I care for”."),
            )

    def clean_bothers(self):
        # Each answer once, in the order the form lists them, however a client sends them.
        chosen = set(self.cleaned_data["bothers"])
        return [value for value in Bother.values if value in chosen]

    def clean_treatments(self):
        # Each treatment once, in the order given, however often a client repeats it.
        return list(dict.fromkeys(self.cleaned_data["treatments"]))

    def clean_phone(self):
        raw = self.cleaned_data["phone"].strip()
        if not raw:
            return ""
        number = phones.parse_typed(raw)
        if number is None or not phonenumbers.is_valid_number(number):
            raise forms.ValidationError(
                _("Enter a phone number we can call, like 202 555 0143, or +44 20 7946 0958 from abroad."),
                code="invalid_phone",
            )
        return phones.stored_form(number)

    def clean(self):
        cleaned = super().clean()
        self._clean_child(cleaned)
        email, phone = cleaned.get("email"), cleaned.get("phone")
        method = cleaned.get("preferred_contact")
        # Only when the fields themselves were valid: otherwise their own error says what to fix.
        if "email" in cleaned and "phone" in cleaned and not email and not phone:
            self.add_error("email", _("Enter an e-mail address or a phone number so that we can reach you."))
        elif method == ContactMethod.EMAIL and "email" in cleaned and not email:
            self.add_error("email", _("Enter an e-mail address, or choose another way for us to contact you."))
        elif method in CALLED_OR_TEXTED and "phone" in cleaned and not phone:
            self.add_error("phone", _("Enter a phone number, or choose e-mail as the way for us to contact you."))
        if cleaned.get("visit") and cleaned.get("onset") == Onset.LAST_3_DAYS:
            # A face that changed in the last 3 days needs a doctor today, not a visit in weeks: no
            # booking; the front desk calls (the form and the confirmation say so).
            cleaned["visit"] = None
            self.visit_declined = True
        if not cleaned.get("visit"):
            cleaned["waitlist"] = False  # a call to arrange a time: there is no time to bring forward
        elif cleaned.get("waitlist") and "email" in cleaned and not email:
            self.add_error("waitlist", _("Enter an e-mail address to hear of an earlier time, or untick this box."))
        if method == ContactMethod.EMAIL:
            # The time of day is asked only for a call or a text (the page hides it for e-mail):
            # an answer sent anyway is dropped, a garbled one too, rather than shown as an error.
            cleaned["best_time"] = ""
            self.errors.pop("best_time", None)
        return cleaned

    def error_summary(self):
        """(anchor, message) for each error in page order, linking to its field (a group's first option).

        Errors about the whole form come first; then the fields' in the order they appear, whichever
        check found them (the e-mail and phone checks in clean() run last, but their fields are near
        the top).
        """
        for message in self.errors.get(NON_FIELD_ERRORS, ()):
            yield "consultation-form", message
        for name in self.fields:
            field = self[name]
            for message in self.errors.get(name, ()):
                yield field.id_for_label or f"{field.auto_id}_0", message

    @property
    def is_honeypot_filled(self):
        return bool(self.data.get(HONEYPOT_FIELD, ""))

    @property
    def concern_title(self):
        concern = self.cleaned_data["concern"]
        return dict(self.fields["concern"].choices).get(concern, "") if concern else ""

    @property
    def shows_urgent_guidance(self):
        answers = self.data if self.is_bound else self.initial
        return answers.get("onset") == Onset.LAST_3_DAYS
