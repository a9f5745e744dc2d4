"""Accessibility checks that axe cannot make, computed in the browser from the styles it applies.

Each check is JavaScript run in the page (installed once per page by `install`), returning plain
data that the tests assert on. Colors come from getComputedStyle, composited over the backgrounds
behind the element, and compared with WCAG's contrast ratio.
"""

from pathlib import Path

# The checks themselves, in JavaScript: tests/a11y.js.
CHECKS = Path(__file__).with_name("a11y.js").read_text()

# WCAG 1.4.12's test values, as in the W3C's text-spacing bookmarklet.
TEXT_SPACING = """
* { line-height: 1.5 !important; letter-spacing: 0.12em !important; word-spacing: 0.16em !important; }
p { margin-bottom: 2em !important; }
"""

TARGETS = "a[href], button, input:not([type=hidden]), select, textarea, summary"
FIELDS = "input.form-control, select.form-select, textarea.form-control, input.form-check-input"


def install(page):
    page.evaluate(CHECKS)


def field_boundaries(page):
    install(page)
    return page.evaluate(f"[...document.querySelectorAll({FIELDS!r})].map(window.__a11y.boundary)")


def boundary(page, selector):
    install(page)
    return page.evaluate("(selector) => window.__a11y.boundary(document.querySelector(selector))", selector)


def target_sizes(page):
    install(page)
    return page.evaluate("window.__a11y.targetSizes()")


def lost_content(page):
    install(page)
    return page.evaluate("window.__a11y.lostContent()")


def motion(page, selector="*"):
    install(page)
    return page.evaluate("(selector) => window.__a11y.motion(document.querySelectorAll(selector))", selector)


def tab_through(page, measure=(), limit=400, batch=20):
    """Press Tab from the top of the page until focus leaves the page or comes round again.

    Returns what was found on each element that took focus, in order: its position in the page
    (`key`), its kind (tag name and type) and each measure asked for, taken while it had focus
    ("focus": the focused element's outline and whether anything covers it; "motion": what moves on
    it, as motion(page, ":focus")).
    The presses are real key presses; the measures are taken in the page (tests/a11y.js), so the
    results come back in one evaluation per `batch` presses rather than several per press.
    """
    install(page)
    page.evaluate("(measure) => window.__a11y.startFocusWalk(measure)", list(measure))
    for _ in range(0, limit, batch):
        for _ in range(batch):
            page.keyboard.press("Tab")
        walk = page.evaluate("window.__a11y.focusWalk()")
        if walk["done"]:
            return walk["found"]
    raise AssertionError(f"focus never came round after {limit} presses of Tab")
