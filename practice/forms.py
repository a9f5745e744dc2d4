from django import forms
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext_lazy as _

from images import uploads as images
from practice.models import WEEKDAY_DIGITS, Practice, PublicImage


class PracticeForm(forms.ModelForm):
    """The practice identity as staff edit it: the open days as a row of ticked weekdays."""

    open_days = forms.MultipleChoiceField(
        label=_("Days the practice is open"),
        # django.utils.dates.WEEKDAYS counts from Monday = 0; the model stores ISO numbers (Monday = 1).
        choices=[(str(number + 1), name) for number, name in WEEKDAYS.items()],
        widget=forms.CheckboxSelectMultiple,
        help_text=Practice._meta.get_field("open_days").help_text,
        error_messages={"required": _("Tick at least one day the practice is open.")},
    )

    class Meta:
        model = Practice
        # The admin adds the practice's other fields from its fieldsets.
        fields = ["open_days", "reply_working_days"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial["open_days"] = list(self.instance.open_days)

    def clean_open_days(self):
        chosen = set(self.cleaned_data["open_days"])
        return "".join(digit for digit in WEEKDAY_DIGITS if digit in chosen)


class PublicImageForm(forms.ModelForm):
    """An image for public pages: the file is checked here and only its renditions are kept."""

    upload = forms.FileField(
        label=_("image file"),
        help_text=_(
            "JPEG, PNG, WebP or HEIC, up to 10 MB. It is checked, turned the right way up and saved again in "
            "web formats at a few sizes, without its metadata (such as the camera or where it was taken)."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp,image/heic,image/heif"}),
    )

    class Meta:
        model = PublicImage
        fields = ["upload", "alt", "decorative", "caption"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A saved image keeps its renditions unless a new file is chosen.
        self.fields["upload"].required = self.instance.pk is None
        self.checked_image = None

    def clean_upload(self):
        upload = self.cleaned_data.get("upload")
        if upload:
            self.checked_image = images.open_checked(upload)
        return upload

    def save(self, commit=True):
        if self.checked_image is not None:
            self.instance.replace_image(self.checked_image)
        return super().save(commit)
