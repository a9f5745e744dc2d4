"""The page in each of the site's languages: English at the usual addresses, Spanish under /es/.

Only the pages for patients have an address per language (clinic_site/urls.py); the admin, the
staff's sign-in steps and a page that does not exist have one, and so no versions.
"""

from dataclasses import dataclass

from django.conf import settings
from django.urls import translate_url

from practice.site_url import absolute_url


@dataclass(frozen=True)
class Version:
    code: str
    name: str  # in its own language: "Español", "English"
    path: str
    url: str  # absolute, for hreflang alternates
    is_current: bool
    is_default: bool  # for readers whose language the site lacks (hreflang="x-default")


def page_versions(request):
    """This page at each language's address, or [] when it has only one address.

    From the path alone, never the query string: a cached page is the same for every visitor.
    """
    paths = {code: translate_url(request.path_info, code) for code, _name in settings.LANGUAGES}
    if len(set(paths.values())) < len(paths):
        return []
    current = getattr(request, "LANGUAGE_CODE", settings.LANGUAGE_CODE)
    return [
        Version(code, name, paths[code], absolute_url(paths[code]), code == current, code == settings.LANGUAGE_CODE)
        for code, name in settings.LANGUAGES
    ]
