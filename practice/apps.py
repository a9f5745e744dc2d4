from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PracticeConfig(AppConfig):
    """The practice's own content: who it is, its team, its closed days and reply dates, its public
    images, and the site's own pages (home, about, contact, privacy, accessibility)."""

    name = "practice"
    verbose_name = _("Practice")

    def ready(self):
        from page_cache.cache import invalidated_by
        from practice.models import ClosedDay, Practice, PublicImage, TeamMember

        invalidated_by(Practice, ClosedDay, PublicImage, TeamMember)
