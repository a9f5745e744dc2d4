from django.conf import settings
from django.db.models import Prefetch
from django.utils.cache import patch_cache_control
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView, ListView, TemplateView

from clinic_site import privacy, structured_data
from clinic_site.models import practice_for
from clinic_site.page_cache import cached_page
from conditions.models import Condition
from treatments.models import Treatment


@method_decorator(cached_page, name="dispatch")
class SitePageView(TemplateView):
    """A page of the site itself (home, about, contact…), the same for every visitor."""

    schema_type = "WebPage"
    title = ""
    description = ""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(title=self.title, description=self.description, **kwargs)
        context["structured_data"] = structured_data.site_page(
            practice_for(self.request), self.schema_type, self.request.path
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
        return super().get_context_data(
            conditions=Condition.objects.published(),
            treatments=Treatment.objects.published(),
            **kwargs,
        )


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
            **kwargs,
        )


class PublicListView(ListView):
    def get_queryset(self):
        return self.model.objects.published()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["structured_data"] = structured_data.site_page(
            practice_for(self.request), "CollectionPage", self.request.path
        )
        return context


@method_decorator(cached_page, name="dispatch")
class MedicalPageDetailView(DetailView):
    """A condition or treatment page, with the published pages it links to on the other side."""

    related_name = None
    related_model = None

    def get_queryset(self):
        related = Prefetch(self.related_name, queryset=self.related_model.objects.published(), to_attr="related_pages")
        return self.model.objects.visible_to(self.request.user).prefetch_related(related)

    def get_context_data(self, **kwargs):
        page = self.object
        return super().get_context_data(title=page.title, description=page.summary, og_type="article", **kwargs)

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        if not self.object.is_published:
            # A staff preview of a draft: never stored or shared by any cache.
            patch_cache_control(response, private=True, no_store=True)
        return response
