"""Phone numbers as staff dial them: national format for the practice's region, international
otherwise, as tel: links a phone or a softphone opens. Numbers are stored in E.164 (+12025550143)."""

import phonenumbers
from django.conf import settings
from django.utils.html import format_html


def readable(stored):
    """(202) 555-0143 for a number in CLINIC_PHONE_REGION; +44 20 7946 0958 for one from abroad."""
    try:
        number = phonenumbers.parse(stored, None)
    except phonenumbers.NumberParseException:
        return stored  # stored before numbers were checked: shown exactly as kept
    home = phonenumbers.region_code_for_number(number) == settings.CLINIC_PHONE_REGION
    return phonenumbers.format_number(
        number, phonenumbers.PhoneNumberFormat.NATIONAL if home else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )


def tel_link(stored):
    if not stored:
        return ""
    return format_html('<a class="tel" href="tel:{}">{}</a>', stored.replace(" ", ""), readable(stored))
