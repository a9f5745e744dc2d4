from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from clinic_site.health import healthz
from page_cache.cache import cached_page
from practice import views
from practice.registry import sitemaps

# One address for what is not a page for patients to read: the admin and the staff's sign-in
# steps (always English), the sitemap (it lists both languages), robots.txt and the health check.
urlpatterns = [
    path("sitemap.xml", cached_page(sitemap), {"sitemaps": sitemaps}, name="sitemap"),
    path("robots.txt", TemplateView.as_view(template_name="robots.txt", content_type="text/plain"), name="robots"),
    path("healthz", healthz, name="healthz"),
    # The second sign-in step and enrolment, beside the admin's own login page.
    path("admin/second-factor/", include("staff.urls")),
    path("admin/", admin.site.urls),
]

# The pages for patients, in English where they always were and in Spanish under /es/ (the
# language is taken from the address only: clinic_site.middleware.LanguageFromAddressMiddleware).
urlpatterns += i18n_patterns(
    path("", views.HomeView.as_view(), name="home"),
    path("conditions/", include("conditions.urls")),
    path("treatments/", include("treatments.urls")),
    path("consultation/", include("consultations.urls")),
    # A booked visit, from the links in the patient's e-mails.
    path("visit/", include("booking.urls")),
    path("about/", views.AboutView.as_view(), name="about"),
    path(
        "contact/",
        views.SitePageView.as_view(
            template_name="pages/contact.html",
            schema_type="ContactPage",
            title=_("Contact us and find us"),
            description=_("Our phone number, address and opening hours, and how to ask for a consultation."),
        ),
        name="contact",
    ),
    path("privacy/", views.PrivacyView.as_view(), name="privacy"),
    path(
        "accessibility/",
        views.SitePageView.as_view(
            template_name="pages/accessibility.html",
            title=_("Accessibility statement"),
            description=_(
                "How this site works with a keyboard, screen readers and zoom, and how to tell us about a problem."
            ),
        ),
        name="accessibility",
    ),
    path("what-should-i-do-now/", include("triage.urls")),
    # Last: guides have short addresses at the top of the site (/eye-care/), after every other page.
    path("", include("guides.urls")),
    prefix_default_language=False,
)
