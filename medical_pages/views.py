from django.db.models import Prefetch
from django.utils.cache import patch_cache_control
from django.utils.decorators import method_decorator
from django.views.generic import DetailView, ListView

from medical_pages import structured_data
from page_cache.cache import cached_page
from practice import structured_data as site_data
from practice.models import practice_for


@method_decorator(cached_page, name="dispatch")
class PublicListView(ListView):
    def get_queryset(self):
        return self.model.objects.published()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["structured_data"] = site_data.site_page(
            practice_for(self.request), "CollectionPage", self.request.path
        )
        return context


@method_decorator(cached_page, name="dispatch")
class MedicalPageDetailView(DetailView):
    """A medical page, with its reviewer and the published pages it links to on the other side."""

    # The relation to list under the page (e.g. a condition's treatments); None for none.
    related_name = None

    def get_queryset(self):
        queryset = self.model.objects.visible_to(self.request).select_related("reviewed_by", "illustration")
        if self.related_name:
            related_model = self.model._meta.get_field(self.related_name).related_model
            related = Prefetch(self.related_name, queryset=related_model.objects.published(), to_attr="related_pages")
            queryset = queryset.prefetch_related(related)
        return queryset

    def schema_about(self):
        """The schema.org node for what the page is about; each kind of page says what it is."""
        return {"@type": "MedicalEntity"}

    def get_context_data(self, **kwargs):
        page = self.object
        context = super().get_context_data(title=page.title, description=page.summary, og_type="article", **kwargs)
        context["structured_data"] = structured_data.medical_page(page, self.schema_about(), practice_for(self.request))
        return context

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        if not self.object.is_published:
            # A staff preview of a draft: never stored or shared by any cache.
            patch_cache_control(response, private=True, no_store=True)
        return response
