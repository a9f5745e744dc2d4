"""Serves the renditions of public images at CLINIC_PUBLIC_IMAGES_URL, as whitenoise serves static files.

Only files that exist in the "public_images" storage are served, whatever that storage is (local
disk by default, the database with CLINIC_FILE_STORE=database, object storage when configured).
Their names are content hashes, so a name always means the same bytes: browsers and any CDN in
front may keep them for a year without asking again.
A middleware rather than a view, so that these requests skip sessions, CSRF and the rest, and no
response is ever made personal (no cookie, no Vary) while it says it may be shared.
"""

import re

from django.conf import settings
from django.core.files.storage import storages
from django.http import FileResponse, HttpResponse, HttpResponseNotAllowed, HttpResponseNotModified
from django.utils.cache import patch_cache_control

from images.renditions import CONTENT_TYPES

# What our rendition names look like (see images.renditions.file_name), plus the suffix a
# storage adds when two uploads race to write the same name. Anything else is not ours to serve.
NAME = re.compile(r"[0-9a-f]{20}-[0-9]{1,5}w(?:_[A-Za-z0-9]{7})?\.(avif|webp|jpg)")
IMMUTABLE = {"public": True, "max_age": 60 * 60 * 24 * 365, "immutable": True}


def not_found():
    response = HttpResponse("Not found", status=404, content_type="text/plain; charset=utf-8")
    # A missing file may appear later (an upload finishing), so caches must not keep the 404.
    patch_cache_control(response, no_cache=True)
    return response


def serve(request, name):
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    match = NAME.fullmatch(name)
    if match is None:
        return not_found()
    storage = storages["public_images"]
    etag = f'"{name}"'
    if request.headers.get("If-None-Match") == etag:
        # The name is the content: a browser that has it has the right bytes.
        response = HttpResponseNotModified()
    else:
        try:
            if not storage.exists(name):
                return not_found()
            if request.method == "HEAD":
                response = HttpResponse(content_type=CONTENT_TYPES[match[1]])
                response["Content-Length"] = storage.size(name)
            else:
                response = FileResponse(storage.open(name, "rb"), content_type=CONTENT_TYPES[match[1]])
        except FileNotFoundError:  # deleted between the two calls
            return not_found()
    response["ETag"] = etag
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    patch_cache_control(response, **IMMUTABLE)
    return response


class PublicImageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.prefix = settings.CLINIC_PUBLIC_IMAGES_URL

    def __call__(self, request):
        if request.path_info.startswith(self.prefix):
            return serve(request, request.path_info[len(self.prefix) :])
        return self.get_response(request)
