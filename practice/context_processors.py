from django.conf import settings
from django.utils.functional import SimpleLazyObject

from practice.models import practice_for


def practice(request):
    # Lazy: pages that never mention the practice cost no query.
    return {
        "practice": SimpleLazyObject(lambda: practice_for(request)),
        "site_url": settings.CLINIC_SITE_URL,
        "emergency_number": settings.CLINIC_EMERGENCY_NUMBER,
    }
