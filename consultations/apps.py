from django.apps import AppConfig
from django.db.models.signals import post_delete, post_migrate
from django.utils.translation import gettext_lazy as _


class ConsultationsConfig(AppConfig):
    name = "consultations"
    verbose_name = _("Consultation requests")

    def ready(self):
        from booking.signals import booking_changed, staff_changed
        from consultations import (
            agenda,
            checks,  # noqa: F401 (registers the checks)
            visit_mail,
            waitlist,
        )
        from consultations.groups import create_front_desk_group
        from consultations.held_photos import delete_file_of
        from consultations.photos import delete_files_of

        post_migrate.connect(create_front_desk_group, sender=self)
        # The patient hears of a visit moved or cancelled (by their link or by staff), by e-mail.
        booking_changed.connect(visit_mail.booking_changed, dispatch_uid="consultations.visit_mail")
        # A booking changed by staff in the admin is on the audit trail, with the request it was for.
        staff_changed.connect(agenda.record_staff_change, dispatch_uid="consultations.agenda")
        # The time it freed is offered to patients waiting for an earlier one.
        booking_changed.connect(waitlist.booking_changed, dispatch_uid="consultations.waitlist")
        # However a photo row goes (a request deleted in the admin, the retention run, a cascade),
        # its files go with it.
        post_delete.connect(delete_files_of, sender=self.get_model("Photo"))
        post_delete.connect(delete_file_of, sender=self.get_model("HeldPhoto"))
