"""What other apps hear about a booking, so that this app sends no mail and knows no patient.

`booking_changed` is sent (after the change is committed) with `booking`, `change` ("moved" or
"cancelled"), `by` ("patient" or "practice") and `freed`: the time the booking held before the
change (a booking.availability.Opening), or None if it held none. The consultations app mails the
patient, and offers the freed time to patients waiting for an earlier one.

`staff_changed` is sent when a staff member saved a booking in the admin, with `booking`, `user`
and `fields` (the names of the fields changed); the consultations app puts it on the audit trail.
"""

from django.dispatch import Signal

booking_changed = Signal()
staff_changed = Signal()
