"""Helpers shared by the page tests: which pages exist and what is on them."""

import json
import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

from django.test import Client

# A complete, valid change form for the practice identity, as staff would send it from the admin.
PRACTICE_FORM = {
    "name": "Riverside Facial Nerve Center",
    "is_demo": "",
    "phone": "+1 555 010 0177",
    "email": "",
    "street_address": "1 River Road",
    "locality": "Riverside",
    "region": "CA",
    "postal_code": "90000",
    "country": "US",
    "hours": "Monday to Friday: 9 am to 5 pm",
    "opening_hours_spec": "Mo-Fr 09:00-17:00",
    "open_days": ["1", "2", "3", "4", "5"],
    "reply_working_days": "2",
    "booking_change_cutoff_hours": "24",
    "booking_reminder_hours": "48,2",
    "waitlist_offers": "5",
    # The closed days (holidays) inline, with none added.
    "closed_days-TOTAL_FORMS": "0",
    "closed_days-INITIAL_FORMS": "0",
}


def sitemap_paths(client):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    return [urlsplit(url).path for url in re.findall(r"<loc>([^<]+)</loc>", response.content.decode())]


class PageParser(HTMLParser):
    """Collects what the tests look at: headings, links, JSON-LD, meta tags, inline code."""

    def __init__(self):
        super().__init__()
        self.headings = {"h1": [], "h2": [], "h3": []}
        self.links = []
        self.json_ld = []
        self.meta = {}
        self.canonical = None
        self.title = ""
        self.inline_scripts = 0
        self.style_blocks = 0
        self.style_attributes = 0
        self.forms = 0
        self.ids = []
        self._capture = None
        self._buffer = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.append(attrs["id"])
        if "style" in attrs:
            self.style_attributes += 1
        if any(name.startswith("on") for name in attrs):
            self.inline_scripts += 1
        if tag in self.headings or tag == "title":
            self._capture, self._buffer = tag, []
        elif tag == "a" and "href" in attrs:
            self.links.append(attrs["href"])
        elif tag == "script":
            if attrs.get("type") == "application/ld+json":
                self._capture, self._buffer = "ld", []
            elif "src" not in attrs:
                self.inline_scripts += 1
        elif tag == "style":
            self.style_blocks += 1
        elif tag == "meta":
            key = attrs.get("name") or attrs.get("property")
            if key:
                self.meta[key] = attrs.get("content", "")
        elif tag == "link" and attrs.get("rel") == "canonical":
            self.canonical = attrs.get("href")
        elif tag == "form":
            self.forms += 1

    def handle_data(self, data):
        if self._capture:
            self._buffer.append(data)

    def handle_endtag(self, tag):
        if self._capture and (tag == self._capture or (self._capture == "ld" and tag == "script")):
            text = " ".join("".join(self._buffer).split())
            if self._capture == "ld":
                self.json_ld.append(json.loads("".join(self._buffer)))
            elif self._capture == "title":
                self.title = text
            else:
                self.headings[self._capture].append(text)
            self._capture = None


def parse(response):
    parser = PageParser()
    parser.feed(response.content.decode())
    return parser


def graph_types(parsed):
    return {node["@type"] for block in parsed.json_ld for node in block.get("@graph", [block])}


def anonymous_client():
    return Client(HTTP_HOST="127.0.0.1")
