from django.conf import settings
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from page_cache.cache import cached_page
from practice import privacy, registry, structured_data
from practice.models import TeamMember, practice_for


@method_decorator(cached_page, name="dispatch")
class SitePageView(TemplateView):
    """A page of the site itself (home, about, contact…), the same for every visitor."""

    schema_type = "WebPage"
    title = ""
    description = ""

    def extra_nodes(self, context):
        return []

    def get_context_data(self, **kwargs):
        context = super().get_context_data(title=self.title, description=self.description, **kwargs)
        context["structured_data"] = structured_data.site_page(
            practice_for(self.request), self.schema_type, self.request.path, self.extra_nodes(context)
        )
        return context


class HomeView(SitePageView):
    template_name = "pages/home.html"
    schema_type = "MedicalWebPage"
    title = _("Care for facial paralysis, Bell's palsy and synkinesis")
    description = _(
        "Plain-language help with facial paralysis, Bell's palsy and synkinesis, and the treatments that can restore "
        "movement and balance."
    )

    def get_context_data(self, **kwargs):
        # The content apps registered their lists (practice.registry): this app imports none of them.
        published = {name: model.objects.published() for name, model in registry.home_lists.items()}
        return super().get_context_data(**published, **kwargs)


class AboutView(SitePageView):
    template_name = "pages/about.html"
    schema_type = "AboutPage"
    title = _("About our practice")
    description = _("Who we are, how we care for people with facial nerve problems, and the team you will meet.")

    def get_context_data(self, **kwargs):
        return super().get_context_data(team=list(TeamMember.objects.select_related("portrait")), **kwargs)

    def extra_nodes(self, context):
        return structured_data.team_nodes(context["team"])


class PrivacyView(SitePageView):
    template_name = "pages/privacy.html"
    title = _("Privacy notice")
    description = _("What we collect when you contact us, why, how long we keep it, and your rights.")
    extra_context = {"notice_version": privacy.NOTICE_VERSION}

    def get_context_data(self, **kwargs):
        # The periods the worker's daily clean-up applies (consultations.retention), in days.
        return super().get_context_data(
            retention_days=settings.CLINIC_RETENTION_DAYS,
            open_retention_days=settings.CLINIC_OPEN_RETENTION_DAYS,
            task_result_days=settings.CLINIC_TASK_RESULT_DAYS,
            # Photos held for a form shown again (consultations.held_photos) last as long as the form.
            held_photo_hours=max(1, settings.CLINIC_CONSULTATION_FORM_MAX_AGE // 3600),
            **kwargs,
        )
