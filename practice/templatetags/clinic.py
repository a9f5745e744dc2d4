import json

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

register = template.Library()

# The characters that could end a <script> element or open a comment inside it.
_JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.simple_tag
def json_ld(data):
    """Structured data as a JSON-LD block: data, never executed, so the CSP does not apply."""
    if not data:
        return ""
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":")).translate(_JSON_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(payload))  # noqa: S308 (escaped above)


@register.filter
def startswith(value, prefix):
    return str(value).startswith(str(prefix))


# How an image loads: "lazy" below the first screen, "eager" within it, "priority" for the image that
# is the page's largest paint (the browser fetches it before other images).
LOADING = ("lazy", "eager", "priority")


@register.inclusion_tag("includes/picture.html")
def picture(image, sizes, load="lazy", css_class=""):
    """A public image as <picture>: AVIF and WebP sources, a JPEG <img> whose width and height are set.

    sizes says how wide the image is shown (the <img sizes> attribute), so the browser fetches the
    smallest rendition that fills it; width and height give its shape before it loads (no layout shift).
    """
    if load not in LOADING:
        raise template.TemplateSyntaxError(f"picture: load must be one of {LOADING}, not {load!r}")
    return {"image": image, "sizes": sizes, "load": load, "css_class": css_class}
