"""Absolute URLs of the site, from CLINIC_SITE_URL and never from the request's Host header.

Links that leave the page (the sitemap, canonical links, structured data, e-mails) must not depend
on whichever host name a request happened to use: a cached sitemap would keep the first one.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap


def absolute_url(path):
    """The full URL of a site path, e.g. "/about/" → "https://clinic.example.org/about/"."""
    return settings.CLINIC_SITE_URL + path


class SiteSitemap(Sitemap):
    """The base of every sitemap of the site: its URLs start with CLINIC_SITE_URL.

    Each page is listed at its English and its Spanish address, each with the other as alternate.
    """

    i18n = True
    alternates = True
    x_default = True

    def get_protocol(self, protocol=None):
        return urlsplit(settings.CLINIC_SITE_URL).scheme

    def get_domain(self, site=None):
        # The sitemap joins protocol://domain and the path; a site under a path keeps its prefix.
        parts = urlsplit(settings.CLINIC_SITE_URL)
        return parts.netloc + parts.path
