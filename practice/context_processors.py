from django.conf import settings
from django.utils.functional import SimpleLazyObject

from practice.languages import page_versions
from practice.models import practice_for


def practice(request):
    # Lazy: pages that never mention the practice cost no query.
    return {
        "practice": SimpleLazyObject(lambda: practice_for(request)),
        "site_url": settings.CLINIC_SITE_URL,
        "emergency_number": settings.CLINIC_EMERGENCY_NUMBER,
    }


def languages(request):
    # Lazy as well: only public pages' templates ask for the page in the other language.
    return {"page_versions": SimpleLazyObject(lambda: page_versions(request))}
