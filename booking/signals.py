"""What other apps hear about a booking, so that this app sends no mail and knows no patient.

`booking_changed` is sent (after the change is committed) with `booking`, `change` ("moved" or
"cancelled") and `by` ("patient" or "practice"); the consultations app mails the patient.
"""

from django.dispatch import Signal

booking_changed = Signal()
