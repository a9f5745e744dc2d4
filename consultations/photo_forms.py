"""The photo part of the consultation form: one optional file input per pose.

While the form is validated, each photo's header is checked (size, format, pixels, frames: cheap),
so such a refusal is shown together with any other mistake. Decoding and re-encoding, the costly
part, waits for `decode_photos`, which the view calls only once the rate limit, the CSRF check,
the form token and every other answer have passed; a photo damaged past its header is refused
then. Either way nothing is stored unless every photo passed. A form shown again for another
answer's mistake keeps each photo that was fine (consultations/held_photos.py: held privately
under an id signed with the form's token), shown as "“face.jpg” attached" with a box to remove it.
A form shown again for any other reason (an expired or forged token, a failed CSRF check) cannot
carry files back to the browser: each photo that was fine is then marked "attach it again", next
to its input and in the error summary, so none is lost silently.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from consultations import held_photos
from consultations.photos import FIELD_NAMES, GUIDES, check, limits, prepare
from images.uploads import display_name

# Phones offer the camera and the photo library for image/*; HEIC is named for desktop browsers
# that do not count it as an image. No `capture`: it would force the camera and hide the library.
ACCEPT = "image/*,.heic,.heif"

EXTRA_FILE = _("“%(name)s” was not accepted: you can send up to six photos, one for each pose.")
NOT_KEPT = _("Your photo “%(name)s” was not kept because the form was not sent. Please attach it again.")


class PhotoField(forms.FileField):
    """An optional photo; cleans to a CheckedPhoto (consultations.photos: header checked, not decoded) or None."""

    widget = forms.FileInput(attrs={"accept": ACCEPT})
    default_error_messages = {
        "invalid": _("The photo did not arrive. Please attach it again."),
    }

    def __init__(self, guide, **kwargs):
        self.guide = guide
        # An empty file is refused by the image check, with a message that names it.
        kwargs.setdefault("allow_empty_file", True)
        super().__init__(label=guide.pose.label, help_text=guide.instruction, required=False, **kwargs)

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if not upload:
            return None
        return check(upload, self.guide.pose)


class PhotoFields(forms.Form):
    """Mixed into the consultation form (a Form, so its fields are collected as declared fields)."""

    photo_rest = PhotoField(GUIDES[0])
    photo_eyebrows = PhotoField(GUIDES[1])
    photo_eyes_gentle = PhotoField(GUIDES[2])
    photo_eyes_tight = PhotoField(GUIDES[3])
    photo_smile = PhotoField(GUIDES[4])
    photo_pucker = PhotoField(GUIDES[5])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.extra_photo_errors = []
        self.prepared = None
        # Photos held for this form (consultations/held_photos.py), by field name, and the token they are held under.
        self.held = {}
        self.held_token = None

    def clean(self):
        cleaned = super().clean()
        for name in self.extra_file_names():
            message = EXTRA_FILE % {"name": name}
            self.extra_photo_errors.append(message)
            self.add_error(None, forms.ValidationError(message, code="too_many_photos"))
        return cleaned

    def extra_file_names(self):
        """Names of files sent beyond one per pose input (a seventh photo): refused, never dropped."""
        extra = []
        for key in self.files:
            uploads = self.files.getlist(key)
            # A file input takes the last file under its name; anything else is one too many.
            extra += uploads[:-1] if key in FIELD_NAMES else uploads
        return [display_name(upload) for upload in extra]

    @property
    def photo_fields(self):
        """(bound field, guide, held photo shown or None) per pose, in order, for the template."""
        return [
            (
                self[guide.field_name],
                guide,
                held_photos.shown(held, self.held_token) if (held := self.held.get(guide.field_name)) else None,
            )
            for guide in GUIDES
        ]

    def take_held_photos(self, token_hash):
        """Before validation: each photo held for this form (by the signed id the page sent back) takes
        its pose's place as if attached again, unless the patient ticked "remove" or chose another
        photo for that pose. Ids forged, expired or signed for another form find nothing."""
        self.held_token = token_hash
        for guide in GUIDES:
            name = guide.field_name
            held = held_photos.find(self.data.get(f"{name}_held"), token_hash, guide.pose)
            if held is None:
                continue
            if self.data.get(f"{name}_remove") or self.files.get(name):
                held_photos.remove(held)
                continue
            self.held[name] = held
            self.files[name] = held_photos.as_upload(held)

    def release_held_photos(self):
        """The request is stored: the photos held for this form are in it now, as our own copies.
        (No query when none was held; a hold the page did not send back goes with the daily clean-up.)"""
        for held in self.held.values():
            held_photos.remove(held)
        self.held = {}

    def hold_photos(self):
        """The form goes back with a mistake: hold each photo that passed its checks, so that the patient
        need not attach it again. Only under a genuine form token (take_held_photos was called)."""
        if self.held_token is None:
            return
        for name in FIELD_NAMES:
            checked = self.cleaned_data.get(name)
            if checked is None or self.has_error(name):
                # Refused: not kept. A held photo refused now (it cannot be, once checked) would go too.
                if (held := self.held.pop(name, None)) is not None:
                    held_photos.remove(held)
                continue
            if name not in self.held:
                self.held[name] = held_photos.hold(checked.upload, checked.pose, self.held_token)

    @property
    def photo_max_bytes(self):
        return limits()["max_bytes"]

    def decode_photos(self):
        """Decode and re-encode each photo of a valid form; False, with the reason by the photo, if one fails.

        Call it last, once nothing cheaper can refuse the request: this is where the work is.
        """
        prepared = []
        for name in FIELD_NAMES:
            if (checked := self.cleaned_data.get(name)) is None:
                continue
            try:
                prepared.append(prepare(checked))
            except forms.ValidationError as error:
                self.add_error(name, error)
        if self.errors:
            return False
        self.prepared = prepared
        return True

    @property
    def prepared_photos(self):
        if self.prepared is None:
            raise RuntimeError("decode_photos() must succeed before the photos are stored.")
        return self.prepared

    def mark_photos_not_kept(self):
        """Shown again without storing: each photo that was fine must be attached again; say so."""
        if not self.is_bound:
            return
        for name in FIELD_NAMES:
            upload = self.files.get(name)
            if upload and not self.has_error(name) and name not in self.held:
                self.add_error(name, forms.ValidationError(NOT_KEPT % {"name": display_name(upload)}, code="not_kept"))
