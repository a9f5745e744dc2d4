"""A request's photos in the admin: thumbnails by pose on its page, and the view that serves them.

Photos have no public URL (consultations.storage). They are served only here, to signed-in staff
past the second factor (the admin site's has_permission) who may view requests, never cached,
and every look is on the audit trail. The URL holds the photo's id and nothing about the patient.
"""

import logging

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from consultations import photos
from consultations.models import AuditEntry, Photo

logger = logging.getLogger(__name__)


def photo_urls(model_admin):
    """The photo and thumbnail URLs; before the admin's own patterns, whose "<object_id>/" would take them."""
    prefix = f"{model_admin.opts.app_label}_{model_admin.opts.model_name}"
    view = require_http_methods(["GET", "HEAD"])(model_admin.photo_view)
    return [
        path("photos/<int:photo_id>/", view, {"size": "full"}, name=f"{prefix}_photo"),
        path("photos/<int:photo_id>/thumbnail/", view, {"size": "thumbnail"}, name=f"{prefix}_thumbnail"),
    ]


def serve(model_admin, request, photo_id, size):
    # Not admin_view(): that sends a stranger to the sign-in page; a photo answers nothing but 404.
    if not model_admin.admin_site.has_permission(request):
        raise Http404
    photo = get_object_or_404(Photo.objects.select_related("request"), pk=photo_id)
    if not model_admin.has_view_permission(request, photo.request):
        raise PermissionDenied
    file = photo.thumbnail if size == "thumbnail" else photo.image
    try:
        handle = file.open("rb")
    except FileNotFoundError:
        logger.error("Photo %s of request %s is missing from the photo store", photo.pk, photo.request.reference)
        raise Http404 from None
    reference = photo.request.reference
    AuditEntry.record(request.user, AuditEntry.Action.PHOTO, [reference], detail=f"{photo.pose} {size}")
    response = FileResponse(
        handle,
        content_type=photos.content_type(file.name),
        filename=f"photo-{photo.pk}-{photo.pose}{'-thumbnail' if size == 'thumbnail' else ''}.jpg",
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def photo_url(model_admin, photo, size="full"):
    opts = model_admin.opts
    name = f"admin:{opts.app_label}_{opts.model_name}_{'photo' if size == 'full' else 'thumbnail'}"
    return reverse(name, args=[photo.pk], current_app=model_admin.admin_site.name)


def thumbnails_html(model_admin, obj):
    """A thumbnail per pose, each a link to the full photo ("None sent." without photos)."""
    sent = list(obj.photos.all()) if obj is not None else []
    if not sent:
        return _("None sent.")
    figures = format_html_join(
        "",
        '<figure class="consultation-photo"><a href="{}"><img src="{}" alt="{}" width="{}" height="{}"></a>'
        "<figcaption>{}</figcaption></figure>",
        (
            (
                photo_url(model_admin, photo),
                photo_url(model_admin, photo, "thumbnail"),
                _("Photo: %(pose)s. Opens the full size.") % {"pose": photo.get_pose_display()},
                *photos.thumbnail_size(photo.width, photo.height),
                photo.get_pose_display(),
            )
            for photo in sent
        ),
    )
    return format_html('<div class="consultation-photos">{}</div>', figures)
