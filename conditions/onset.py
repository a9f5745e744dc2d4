"""Which conditions start suddenly: the one list the pages, their layout and the content checks share.

A page about a condition that starts in hours or days opens with "Do this today" and the whole
urgent box, since its reader may need a doctor today. Every other medical page (long-standing
conditions, treatments, guides) opens with its answer and shows the urgent box in short form.
No Django import here: tests/content_checks.py runs as a plain script too.
"""

SUDDEN_CONDITIONS = frozenset({"bells-palsy", "ramsay-hunt-syndrome", "facial-nerve-injury"})
