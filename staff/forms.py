from django import forms
from django.utils.translation import gettext_lazy as _


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=20,
        help_text=_("The 6-digit code your authenticator app shows now, or one of your recovery codes."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True, "spellcheck": "false"}),
    )

    def __init__(self, *args, check, **kwargs):
        # check(code) returns the device that accepted the code, or None.
        self.check = check
        self.device = None
        super().__init__(*args, **kwargs)

    def clean_code(self):
        code = self.cleaned_data["code"]
        self.device = self.check(code)
        if self.device is None:
            raise forms.ValidationError(
                _(
                    "That code was not accepted. Type the code your app shows now (codes change every 30 seconds), "
                    "or an unused recovery code. After several wrong codes you must wait a little before trying again."
                ),
                code="invalid",
            )
        return code
