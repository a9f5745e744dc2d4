"""What other apps hear about a booking, so that this app sends no mail and knows no patient.

`booking_changed` is sent (after the change is committed) with `booking`, `change` ("moved" or
"cancelled"), `by` ("patient" or "practice") and `freed`: the time the booking held before the
change (a booking.availability.Opening), or None if it held none. The consultations app mails the
patient, and offers the freed time to patients waiting for an earlier one.
"""

from django.dispatch import Signal

booking_changed = Signal()
