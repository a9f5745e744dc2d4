import phonenumbers
from django import forms
from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS
from django.utils.translation import gettext_lazy as _

from conditions.models import Condition
from consultations.choices import NOT_SURE, ContactMethod, HeardFrom, Onset
from consultations.models import ConsultationRequest
from consultations.validators import no_control_characters, no_control_characters_multiline
from treatments.models import Treatment

MESSAGE_MAX_LENGTH = 2000
HONEYPOT_FIELD = "website"
# Answered with one of a few buttons: no empty "---------" option.
RADIO_FIELDS = ("preferred_contact", "best_time", "onset", "patient_type")


def _choice_errors(what):
    return {"required": _("Choose %(what)s.") % {"what": what}, "invalid_choice": _("Choose one of the options shown.")}


class ConsultationRequestForm(forms.ModelForm):
    """What a patient tells us. Every answer is checked on the server; the messages say how to fix it.

    The stored fields come from the model; only what differs on the form is declared here: the
    concern and treatments (offered from the published pages), the phone number as typed (longer
    than its stored international form), and the two fields that are not stored.
    """

    phone = forms.CharField(
        label=_("Phone number"),
        required=False,
        max_length=30,
        validators=[no_control_characters],
        error_messages={"max_length": _("Enter a phone number of 30 characters or fewer.")},
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    concern = forms.ChoiceField(
        label=_("What would you like to talk about?"),
        error_messages=_choice_errors(_("what you would like to talk about, or “I am not sure”")),
    )
    treatments = forms.MultipleChoiceField(
        label=_("Treatments you are interested in (optional)"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Choose only from the treatments shown.")},
    )
    privacy_acknowledged = forms.BooleanField(
        label=_("I have read the privacy notice."),
        error_messages={"required": _("Tick this box to confirm you have read the privacy notice.")},
    )
    # Hidden from people (see the template); bots fill it in.
    website = forms.CharField(required=False, max_length=200, label=_("Leave this empty"))

    class Meta:
        model = ConsultationRequest
        fields = (
            "name",
            "email",
            "phone",
            "preferred_contact",
            "best_time",
            "concern",
            "onset",
            "patient_type",
            "message",
            "heard_from",
            "consent_to_contact",
        )
        labels = {
            "name": _("Your name"),
            "email": _("E-mail address"),
            "preferred_contact": _("How should we contact you?"),
            "best_time": _("Best time of day to reach you"),
            "onset": _("When did the symptoms start?"),
            "patient_type": _("Have you been our patient before?"),
            "message": _("Anything else you would like us to know (optional)"),
            "heard_from": _("How did you hear about us? (optional)"),
            "consent_to_contact": _("You may contact me about a consultation by the means I chose above."),
        }
        help_texts = {
            "email": _("We need an e-mail address or a phone number, or both."),
            "onset": _("If they started in the last 3 days, please also see a doctor today."),
            "message": _("Up to 2,000 characters. Please do not send photos or medical records here."),
        }
        error_messages = {
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
            "onset": _choice_errors(_("when the symptoms started")),
            "patient_type": _choice_errors(_("whether you have been our patient before")),
            "message": {"max_length": _("Shorten your message to 2,000 characters or fewer.")},
            "heard_from": {"invalid_choice": _("Choose one of the options shown.")},
            "consent_to_contact": {"required": _("Tick this box so that we may contact you.")},
        }
        widgets = {
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
        self.fields["concern"].choices = [("", _("Choose one")), *conditions, (NOT_SURE, _("I am not sure"))]
        self.fields["treatments"].choices = list(
            Treatment.objects.published().order_by("title").values_list("slug", "title")
        )
        for name in RADIO_FIELDS:
            self.fields[name].choices = [choice for choice in self.fields[name].choices if choice[0] != ""]
        self.fields["heard_from"].choices = [("", _("Choose if you like")), *HeardFrom.choices]
        # A model BooleanField is optional on a form; consent is not.
        self.fields["consent_to_contact"].required = True
        # Pasted text can carry invisible control characters; say so rather than store them.
        self.fields["name"].validators.append(no_control_characters)
        self.fields["email"].validators.append(no_control_characters)
        self.fields["message"].validators.append(no_control_characters_multiline)
        self.fields[HONEYPOT_FIELD].widget.attrs.update({"autocomplete": "off", "tabindex": "-1"})

    def clean_name(self):
        return " ".join(self.cleaned_data["name"].split())

    def save(self, commit=True):
        # Copied, not linked: a request outlives any page being renamed or unpublished.
        self.instance.treatments_of_interest = self.cleaned_data["treatments"]
        self.instance.concern_title = self.concern_title
        return super().save(commit)

    def clean_treatments(self):
        # Each treatment once, in the order given, however often a client repeats it.
        return list(dict.fromkeys(self.cleaned_data["treatments"]))

    def clean_phone(self):
        raw = self.cleaned_data["phone"].strip()
        if not raw:
            return ""
        try:
            number = phonenumbers.parse(raw, settings.CLINIC_PHONE_REGION)
        except phonenumbers.NumberParseException:
            number = None
        if number is None or not phonenumbers.is_valid_number(number):
            raise forms.ValidationError(
                _("Enter a phone number we can call, like 202 555 0143, or +44 20 7946 0958 from abroad."),
                code="invalid_phone",
            )
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)

    def clean(self):
        cleaned = super().clean()
        email, phone = cleaned.get("email"), cleaned.get("phone")
        method = cleaned.get("preferred_contact")
        # Only when the fields themselves were valid: otherwise their own error says what to fix.
        if "email" in cleaned and "phone" in cleaned and not email and not phone:
            self.add_error("email", _("Enter an e-mail address or a phone number so that we can reach you."))
        elif method == ContactMethod.EMAIL and "email" in cleaned and not email:
            self.add_error("email", _("Enter an e-mail address, or choose another way for us to contact you."))
        elif method in (ContactMethod.PHONE, ContactMethod.TEXT) and "phone" in cleaned and not phone:
            self.add_error("phone", _("Enter a phone number, or choose e-mail as the way for us to contact you."))
        return cleaned

    def error_summary(self):
        """(anchor, message) for each error, linking to the field (the first option of a group)."""
        for name, errors in self.errors.items():
            if name == NON_FIELD_ERRORS:
                anchor = "consultation-form"
            else:
                field = self[name]
                anchor = field.id_for_label or f"{field.auto_id}_0"
            for message in errors:
                yield anchor, message

    @property
    def is_honeypot_filled(self):
        return bool(self.data.get(HONEYPOT_FIELD, ""))

    @property
    def concern_title(self):
        return dict(self.fields["concern"].choices).get(self.cleaned_data["concern"], "")

    @property
    def shows_urgent_guidance(self):
        answers = self.data if self.is_bound else self.initial
        return answers.get("onset") == Onset.LAST_3_DAYS
