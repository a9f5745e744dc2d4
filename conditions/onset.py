"""Which condition pages open with what to do today: the one list the layout and the content checks share.

A page about a condition that starts in hours or days opens with "Do this today" and the whole
urgent box, since its reader may need a doctor today. So does the children's page: its readers
include parents whose child's face became weak this week, and the children's rows of the triage
table are what they need first. Every other medical page (long-standing conditions, treatments,
guides) opens with its answer and shows the urgent box in short form.
No Django import here: tests/content_checks.py runs as a plain script too.
"""

SUDDEN_CONDITIONS = frozenset({"bells-palsy", "ramsay-hunt-syndrome", "facial-nerve-injury"})
OPENS_WITH_TODAY = SUDDEN_CONDITIONS | {"facial-palsy-in-children"}
