from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class ConsultationsConfig(AppConfig):
    name = "consultations"
    verbose_name = _("Consultation requests")

    def ready(self):
        from consultations import checks  # noqa: F401 (registers the checks)
        from consultations.groups import create_front_desk_group

        post_migrate.connect(create_front_desk_group, sender=self)
