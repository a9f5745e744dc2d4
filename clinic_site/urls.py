from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from clinic_site import views
from clinic_site.page_cache import cached_page
from clinic_site.sitemaps import sitemaps

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("conditions/", include("conditions.urls")),
    path("treatments/", include("treatments.urls")),
    path("consultation/", include("consultations.urls")),
    path(
        "facial-paralysis-vs-synkinesis/",
        views.SitePageView.as_view(
            template_name="pages/paralysis_vs_synkinesis.html",
            schema_type="MedicalWebPage",
            title=_("Facial paralysis vs. synkinesis"),
            description=_(
                "Learn how facial paralysis (too little movement) differs from synkinesis (unwanted, linked "
                "movement) and how each one is treated."
            ),
        ),
        name="paralysis-vs-synkinesis",
    ),
    path(
        "about/",
        views.SitePageView.as_view(
            template_name="pages/about.html",
            schema_type="AboutPage",
            title=_("About our practice"),
            description=_("Who we are, how we care for people with facial nerve problems, and the team you will meet."),
        ),
        name="about",
    ),
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
    path("sitemap.xml", cached_page(sitemap), {"sitemaps": sitemaps}, name="sitemap"),
    path("robots.txt", TemplateView.as_view(template_name="robots.txt", content_type="text/plain"), name="robots"),
    # The second sign-in step and enrolment, beside the admin's own login page.
    path("admin/second-factor/", include("staff.urls")),
    path("admin/", admin.site.urls),
]
