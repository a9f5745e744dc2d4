"""Finds urgent instructions written in page text, where the triage table should speak instead.

A page may describe an illness, or what happens at an emergency room; it may not tell the reader to
call the emergency number, go to an emergency room, or see a doctor today, the same day or soon.
Those instructions live in the triage table (triage/table.py) and a page asks for them by situation
(MedicalPage.urgent_situations). Used by the page's validation (the admin) and by the content checks
of the shipped files (tests/content_checks.py). Plain Python: the checks run without Django.
"""

import re

_WHEN = (
    r"(?:today|tonight|now|soon|(?:on )?the same day|same-day|right away|at once|straight away|immediately|"
    r"urgently|promptly|quickly|without delay|within (?:a|one|two|three|\d+) (?:hours?|days?))"
)
_WHO = (
    r"(?:a |an |your |the |their |your child's |a child's )?(?:own )?(?:doctor|doctors|GP|pediatrician|surgeon|"
    r"surgical team|team|specialist|nurse|eye doctor|clinic|health care provider|provider)"
)

PATTERNS = [
    # Calling the emergency number, or an ambulance, whatever the number.
    re.compile(r"\b(?:call|dial|phone|ring)(?:ing)?\s+(?:\d{3}\b|emergency|an ambulance|for an ambulance)", re.I),
    re.compile(r"\b(?:911|999|112)\b"),
    re.compile(r"\bemergency services\b", re.I),
    # Going to an emergency room (describing what happens there is fine).
    re.compile(
        r"\b(?:go|get|head|come|take \w+|be taken|rush)\s+(?:straight\s+|directly\s+)?to\s+(?:an?|the|your nearest)\s+"
        r"(?:nearest\s+)?(?:emergency|ER\b|A&E|hospital|urgent[- ]care)",
        re.I,
    ),
    # Seeing or calling a doctor with a time.
    re.compile(
        rf"\b(?:see|call|contact|phone|ring|visit|tell|ask|get|talk to|speak to|be seen by)\s+{_WHO}\b"
        rf"[^.;:]*?\b{_WHEN}",
        re.I,
    ),
    re.compile(rf"\b{_WHEN}\b[^.;:]*?\b(?:see|call|contact|visit)\s+{_WHO}\b", re.I),
    # Needing care with a time, or care that is urgent by name.
    re.compile(
        r"\b(?:need|needs|needed|requires?|get|seek|getting|seeking)\s+(?:to be seen|to see a doctor|urgent|emergency|"
        r"immediate|prompt|same-day)\b",
        re.I,
    ),
    re.compile(
        rf"\b(?:get|seek|getting|seeking|needs?)\s+(?:medical\s+)?(?:help|care|attention|advice|review)\b[^.;:]*?\b{_WHEN}",
        re.I,
    ),
]


def sentences(text):
    for line in text.splitlines():
        yield from (part.strip() for part in re.split(r"(?<=[.!?])\s+", line) if part.strip())


def urgent_instructions(text):
    """The sentences of text that give an urgent instruction, each once, in order."""
    plain = re.sub(r"\[([^\]@][^\]]*)\]\([^)]+\)", r"\1", text)  # links -> their text
    plain = re.sub(r"[*_`#>]", "", plain)
    return [sentence for sentence in sentences(plain) if any(pattern.search(sentence) for pattern in PATTERNS)]
