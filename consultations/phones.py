"""Phone numbers, in one place: read as people type them (national numbers for CLINIC_PHONE_REGION,
or with a + from abroad), stored in E.164 (+12025550143), and shown as staff and patients dial them:
national format at home, international otherwise, as tel: links a phone or a softphone opens."""

import phonenumbers
from django.conf import settings
from django.utils.html import format_html


def parse_typed(typed):
    """The number someone typed (the patient on the form, staff in a search), or None if it is not one."""
    try:
        return phonenumbers.parse(typed, settings.CLINIC_PHONE_REGION)
    except phonenumbers.NumberParseException:
        return None


def stored_form(number):
    """How a parsed number is stored and searched for: E.164."""
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


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
