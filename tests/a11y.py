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


def focus_indicator(page):
    install(page)
    return page.evaluate("window.__a11y.focusIndicator()")


def target_sizes(page):
    install(page)
    return page.evaluate("window.__a11y.targetSizes()")


def lost_content(page):
    install(page)
    return page.evaluate("window.__a11y.lostContent()")


def motion(page, selector="*"):
    install(page)
    return page.evaluate("(selector) => window.__a11y.motion(document.querySelectorAll(selector))", selector)


def tab_through(page, limit=400):
    """Press Tab from the top of the page until focus comes round again; yield after each press."""
    page.evaluate("window.scrollTo(0, 0); document.activeElement && document.activeElement.blur()")
    seen = set()
    for _ in range(limit):
        page.keyboard.press("Tab")
        key = page.evaluate(
            "(() => { const el = document.activeElement; if (!el || el === document.body) return null;"
            " return [...document.querySelectorAll('*')].indexOf(el); })()"
        )
        if key is None or key in seen:
            return
        seen.add(key)
        yield key
    raise AssertionError(f"focus never came round after {limit} presses of Tab")
