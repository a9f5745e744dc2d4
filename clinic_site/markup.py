"""Markdown written by staff, rendered to HTML and cleaned against an allowlist.

Cleaning happens after rendering, so whatever a staff account types (raw HTML, javascript: links,
event handlers) cannot put script into a public page.
"""

import re
from dataclasses import dataclass
from html import unescape

import markdown
import nh3
from django.utils.html import strip_tags
from django.utils.safestring import mark_safe
from django.utils.text import slugify

ALLOWED_TAGS = {
    "p", "br", "h2", "h3", "h4", "ul", "ol", "li", "strong", "em", "a", "blockquote", "code", "hr",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "h2": {"id"}, "h3": {"id"}}
URL_SCHEMES = {"http", "https", "mailto", "tel"}
QUESTION = re.compile(r"^### +(.+)$", re.MULTILINE)


@dataclass(frozen=True)
class Section:
    id: str
    title: str


@dataclass(frozen=True)
class Question:
    question: str
    answer_html: str

    @property
    def answer_text(self):
        return " ".join(strip_tags(self.answer_html).split())


def _section_id(value, separator):
    # A prefix keeps heading ids apart from the page's own ids (such as main-content).
    return "section-" + slugify(value)


def _convert(text):
    md = markdown.Markdown(extensions=["sane_lists", "toc"], extension_configs={"toc": {"slugify": _section_id}})
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


def render(text):
    html, _ = _convert(text)
    return mark_safe(clean(html))  # noqa: S308 (cleaned against the allowlist)


def render_with_sections(text):
    """The HTML and the list of its ## sections, for an "On this page" list."""
    html, tokens = _convert(text)
    sections = [Section(token["id"], unescape(strip_tags(token["name"]))) for token in tokens if token["level"] == 2]
    return mark_safe(clean(html)), sections  # noqa: S308 (cleaned against the allowlist)


def render_questions(text):
    parts = QUESTION.split(text)
    pairs = zip(parts[1::2], parts[2::2], strict=True)
    return [Question(question.strip(), render(answer)) for question, answer in pairs]
