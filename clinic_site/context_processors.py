from django.conf import settings
from django.utils.functional import SimpleLazyObject

from clinic_site.models import Practice


def practice(request):
    # Lazy: pages that never mention the practice cost no query.
    return {
        "practice": SimpleLazyObject(Practice.objects.current),
        "site_url": settings.CLINIC_SITE_URL,
        "emergency_number": settings.CLINIC_EMERGENCY_NUMBER,
    }
