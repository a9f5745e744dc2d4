from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BookingConfig(AppConfig):
    """When the practice's clinicians can see patients, and the visits booked in those times.

    The scheduling core only: visit types, weekly hours, changes to them, and bookings that the
    database never lets overlap. The patient's side (choosing a time on the consultation form, the
    e-mails and links) lives in consultations, which uses this app; this app uses none of it.
    """

    name = "booking"
    verbose_name = _("Booking")
