import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Line breaks and tabs are fine in a multi-line message; nowhere else.
MULTILINE_ALLOWED = frozenset("\n\r\t")


def _refuse(value, allowed=frozenset()):
    for char in value:
        if char not in allowed and unicodedata.category(char) in ("Cc", "Cs", "Co"):
            raise ValidationError(
                _("Remove the hidden control characters from this answer (they sometimes come with pasted text)."),
                code="control_characters",
            )


def no_control_characters(value):
    _refuse(value)


def no_control_characters_multiline(value):
    _refuse(value, MULTILINE_ALLOWED)
