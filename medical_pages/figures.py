"""Line drawings that explain better than words, placed at the end of a section of a page's body.

The drawings are our own SVG files in static/img/, shown with <img> (so the strict CSP applies and
no markup from them enters the page) and a text alternative that says what each one shows. Staff
cannot add images to the Markdown body (the cleaner drops <img>); the drawings belong with the code.
A page whose section was renamed shows its drawing at the end of the body instead of losing it.
"""

from dataclasses import dataclass

from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Drawing:
    path: str
    width: int
    height: int
    alt: str
    caption: str

    def html(self):
        return format_html(
            '<figure class="drawing"><img src="{}" width="{}" height="{}" alt="{}" loading="lazy">'
            "<figcaption>{}</figcaption></figure>",
            static(self.path),
            self.width,
            self.height,
            self.alt,
            self.caption,
        )


FACIAL_NERVE = Drawing(
    "img/facial-nerve.svg",
    360,
    300,
    _(
        "Drawing of a face from the side. The facial nerve comes out of the skull just below the ear, runs "
        "forward into the cheek and splits into five branches: one to the forehead, one to the eye, one to "
        "the cheek and upper lip, one to the lower lip and chin, and one to the neck."
    ),
    _("The facial nerve leaves the skull below the ear and splits in the cheek into five branches."),
)
EYE_TAPING = Drawing(
    "img/eye-taping.svg",
    360,
    200,
    _(
        "Drawing of a closed eye at night. A strip of soft paper tape runs across the closed upper lid, "
        "from the inner corner to the outer corner, holding the lid gently shut over the eye."
    ),
    _("Tape holds the lid shut while you sleep. Ask a nurse to show you how before you try it."),
)
CROSSED_WIRES = Drawing(
    "img/synkinesis-crossed-wires.svg",
    360,
    240,
    _(
        "Drawing of nerve fibers as wires. Before the injury, one wire goes to the smile muscle and another "
        "to the eye muscle. After regrowth, the wires have crossed: the smile wire also reaches the eye "
        "muscle, so the eye closes when you smile."
    ),
    _("Synkinesis is like crossed wires: after an injury, regrowing fibers can reach the wrong muscle."),
)

# Which drawing goes at the end of which section, by page address.
PLACES = {
    "facial-paralysis": [(FACIAL_NERVE, "section-what-it-is-and-who-it-affects")],
    "bells-palsy": [(FACIAL_NERVE, "section-causes")],
    "synkinesis": [(CROSSED_WIRES, "section-causes")],
    "facial-paralysis-vs-synkinesis": [(CROSSED_WIRES, "section-what-synkinesis-is")],
    "eye-care": [(EYE_TAPING, "section-at-night")],
}


def place(slug, html):
    """The body HTML with the page's drawings inserted where they belong."""
    for drawing, section_id in PLACES.get(slug, []):
        start = html.find(f'<h2 id="{section_id}">')
        end = html.find("<h2", start + 1) if start >= 0 else -1
        at = end if end >= 0 else len(html)
        html = html[:at] + drawing.html() + html[at:]
    return mark_safe(html)  # noqa: S308 (the body was cleaned; the drawing's markup is escaped by format_html)
