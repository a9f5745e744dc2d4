from django.conf import settings
from django.core.checks import Error, register


@register()
def staff_recipients(app_configs, **kwargs):
    # With nobody to tell, a notice would be "sent" to no one and the request marked announced.
    if not settings.CLINIC_STAFF_EMAILS:
        return [
            Error(
                "CLINIC_STAFF_EMAILS is empty: nobody would be told of new consultation requests.",
                hint="Set CLINIC_STAFF_EMAILS to one or more comma-separated addresses.",
                id="consultations.E001",
            )
        ]
    return []
