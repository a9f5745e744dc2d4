"""Numbered sources on medical pages.

A page lists its sources one per line (`- KEY: [Publisher: Title](https://…)`) and cites them in its
text with markers such as `[@AAO13]`. Markers become numbered links to the page's source list, so a
reader can go from any figure to its study. The same rules run when staff save a page in the admin
and when the content checks read the files that ship with the code.
"""

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

SOURCE_LINE = re.compile(r"^- (?P<key>[A-Z0-9][A-Z0-9-]*): \[(?P<label>[^\]]+)\]\((?P<url>https?://[^)\s]+)\)$")
MARKER = re.compile(r"\[@([A-Z0-9][A-Z0-9-]*)\]")
MARKER_GROUP = re.compile(r"(?:\[@[A-Z0-9][A-Z0-9-]*\])+")
# Mirrors, copies, proxies and staging hosts: a patient should land on the publisher's own page.
BAD_HOSTS = re.compile(
    r"scribd|scite\.ai|docksci|coek\.info|readkong|cld\.bz|proxy|weglot|staging|mirror|tweb-dev|"
    r"researcher\.life|reviewer\.ly|clinowl|lazoi|oullins|swiftbot|entokey|cm\.healio|mospace|"
    r"academia\.edu|semanticscholar|dokumen|pdfcoffee|studylib|slideshare|vdocuments|cyberleninka",
    re.IGNORECASE,
)
_LINK = re.compile(r"\[([^\]@][^\]]*)\]\([^)]+\)")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"“(])")


@dataclass(frozen=True)
class Source:
    number: int
    key: str
    label: str
    url: str

    @property
    def anchor(self):
        return f"source-{self.number}"


def parse(text):
    """The well-formed source lines of a sources field, numbered in order."""
    found = []
    for line in text.splitlines():
        match = SOURCE_LINE.match(line.strip())
        if match:
            found.append(Source(len(found) + 1, match["key"], match["label"], match["url"]))
    return found


def source_problems(text):
    """Lines that are not a source in the required form, or that point at a mirror or staging host."""
    problems, keys = [], set()
    for line in (line.strip() for line in text.splitlines()):
        if not line:
            continue
        match = SOURCE_LINE.match(line)
        if not match:
            problems.append(_("Not in the form '- KEY: [Publisher: Title](https://…)': %s") % line[:80])
        elif BAD_HOSTS.search(urlsplit(match["url"]).hostname or ""):
            problems.append(_("%(key)s links to a mirror, copy or staging host: %(url)s") % match.groupdict())
        elif match["key"] in keys:
            problems.append(_("%s is listed twice.") % match["key"])
        keys.add(match["key"] if match else None)
    return problems


def sentences(markdown):
    """Sentences of the text with links reduced to their words; lines (list items, rows) never joined."""
    for line in _LINK.sub(r"\1", markdown).splitlines():
        yield from (part.strip() for part in _SENTENCE_END.split(line) if part.strip())


def unsourced_figures(markdown):
    """Sentences with a figure (any digit) and no source marker."""
    return [s for s in sentences(markdown) if re.search(r"\d", MARKER.sub("", s)) and not MARKER.search(s)]


def cited_keys(*texts):
    return [match.group(1) for text in texts for match in MARKER.finditer(text)]


def validate(page):
    """Raise ValidationError naming each field whose sources or figures break the rules."""
    errors = {}
    problems = source_problems(page.sources)
    known = {source.key for source in parse(page.sources)}
    if problems:
        errors["sources"] = problems
    for field in ("lead", "body", "questions"):
        text = getattr(page, field)
        field_errors = [
            _("A figure needs a source marker such as [@KEY]: %s") % sentence[:90]
            for sentence in unsourced_figures(text)
        ]
        unknown = sorted(set(cited_keys(text)) - known)
        if unknown:
            field_errors.append(_("Markers name sources this page does not list: %s") % ", ".join(unknown))
        if field_errors:
            errors[field] = field_errors
    if errors:
        raise ValidationError(errors)


def link_markers(html, sources):
    """Replace each run of markers with numbered links to the source list, e.g. [3, 5]."""
    numbers = {source.key: source for source in sources}

    def replace(match):
        cited = [numbers.get(key) for key in MARKER.findall(match.group(0))]
        if None in cited:
            return match.group(0)  # an unknown key stays visible for staff to fix
        links = format_html_join(
            ", ",
            '<a href="#{}" aria-label="{}">{}</a>',
            ((s.anchor, _("Source %d") % s.number, s.number) for s in cited),
        )
        return format_html('<sup class="ref">[{}]</sup>', links)

    return MARKER_GROUP.sub(replace, html)
