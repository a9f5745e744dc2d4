"""Markdown written by staff, rendered to HTML and cleaned against an allowlist.

Cleaning happens after rendering, so whatever a staff account types (raw HTML, javascript: links,
event handlers) cannot put script into a public page.
"""

import re
from dataclasses import dataclass
from html import unescape

import markdown
import nh3
from django.utils.html import format_html, strip_tags
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from django.utils.translation import gettext as _

from medical_pages.references import link_markers

ALLOWED_TAGS = {
    "p", "br", "h2", "h3", "h4", "ul", "ol", "li", "strong", "em", "a", "blockquote", "code", "hr",
    "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "h2": {"id"}, "h3": {"id"}}
URL_SCHEMES = {"http", "https", "mailto", "tel"}
QUESTION = re.compile(r"^### +(.+)$", re.MULTILINE)


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    subsections: tuple = ()


@dataclass(frozen=True)
class Question:
    question: str
    answer_html: str

    @property
    def answer_text(self):
        # Source numbers mean nothing outside the page, so search engines get the words only.
        return " ".join(strip_tags(re.sub(r'\s*<sup class="ref">.*?</sup>', "", self.answer_html)).split())


def _section_id(value, separator):
    # A prefix keeps heading ids apart from the page's own ids (such as main-content).
    return "section-" + slugify(value)


def _convert(text):
    md = markdown.Markdown(
        extensions=["sane_lists", "tables", "toc"], extension_configs={"toc": {"slugify": _section_id}}
    )
    html = md.convert(text)
    return html, md.toc_tokens


def clean(html):
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
    )


TABLE = re.compile(r"<table>(.*?)</table>", re.DOTALL)
ROW = re.compile(r"<tr>(.*?)</tr>", re.DOTALL)
CELL = re.compile(r"<(th|td)>(.*?)</\1>", re.DOTALL)


def _labelled_table(match):
    """A cleaned table whose body cells each carry their column's name, and whose rows are named.

    Below 768 px the CSS shows each row as a card (a decision aid's option with its rows labelled)
    and drops the header row, so no cell is ever seen or heard without its column: the label is
    shown and read there, and hidden (display: none) on wider screens, where the header says it.
    The explicit roles keep it a table for screen readers whatever the CSS display does. The first
    cell of a row names it (a row header), as the option does in a decision aid.
    """
    head, _sep, body = match.group(1).partition("</thead>")
    labels = [" ".join(strip_tags(unescape(cell)).split()) for _tag, cell in CELL.findall(head)]
    head = CELL.sub(lambda cell: f'<th role="columnheader" scope="col">{cell.group(2)}</th>', head)

    def row(row_match):
        cells = []
        for index, (_tag, content) in enumerate(CELL.findall(row_match.group(1))):
            if index == 0:
                cells.append(f'<th role="rowheader" scope="row">{content}</th>')
            else:
                label = labels[index] if index < len(labels) else ""
                cells.append(
                    format_html('<td role="cell"><span class="cell-label">{}</span>', label) + f"{content}</td>"
                )
        return '<tr role="row">' + "".join(cells) + "</tr>"

    head = ROW.sub(lambda row_match: f'<tr role="row">{row_match.group(1)}</tr>', head)
    body = ROW.sub(row, body)
    head = head.replace("<thead>", '<thead role="rowgroup">')
    body = body.replace("<tbody>", '<tbody role="rowgroup">')
    # A wide table scrolls inside its own keyboard-reachable region instead of widening the page.
    region = format_html('<div class="table-scroll" role="region" tabindex="0" aria-label="{}">', _("Table"))
    return f'{region}<table role="table">{head}</thead>{body}</table></div>'


def _finish(html, sources):
    """Clean, then add what we generate ourselves: numbered source links and labelled tables."""
    html = link_markers(clean(html), sources)
    html = TABLE.sub(_labelled_table, html)
    return mark_safe(html)  # noqa: S308 (cleaned against the allowlist; our additions are escaped)


def render(text, sources=()):
    html, _tokens = _convert(text)
    return _finish(html, sources)


def render_with_sections(text, sources=()):
    """The HTML and its ## sections, each with its ### sub-sections, for an "On this page" list.

    Patients look for the sub-headings ("Start treatment today", "Protect your eye"), so they are
    listed under their section rather than hidden in it.
    """
    html, tokens = _convert(text)
    sections = [
        Section(
            token["id"],
            _heading_text(token),
            tuple(Section(child["id"], _heading_text(child)) for child in token["children"] if child["level"] == 3),
        )
        for token in tokens
        if token["level"] == 2
    ]
    return _finish(html, sources), sections


def _heading_text(token):
    return unescape(strip_tags(token["name"]))


def render_questions(text, sources=()):
    parts = QUESTION.split(text)
    pairs = zip(parts[1::2], parts[2::2], strict=True)
    return [Question(question.strip(), render(answer, sources)) for question, answer in pairs]
