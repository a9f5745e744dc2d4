"""A request's photos in the admin: thumbnails by pose on its page, and the view that serves them.

Photos have no public URL (consultations.storage). They are served only here, to signed-in staff
past the second factor (the admin site's has_permission) who may view requests, never cached,
and every look is on the audit trail. The URL holds the photo's id and nothing about the patient.
"""

import logging

from django.contrib import admin
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


class PhotoAdminMixin:
    """For ConsultationRequestAdmin: put "photo_thumbnails" in its fieldsets and readonly_fields."""

    def get_urls(self):
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        view = require_http_methods(["GET", "HEAD"])(self.photo_view)
        # Before the admin's own patterns, whose "<object_id>/" would otherwise take these paths.
        return [
            path("photos/<int:photo_id>/", view, {"size": "full"}, name=f"{prefix}_photo"),
            path("photos/<int:photo_id>/thumbnail/", view, {"size": "thumbnail"}, name=f"{prefix}_thumbnail"),
            *super().get_urls(),
        ]

    def photo_view(self, request, photo_id, size):
        # Not admin_view(): that sends a stranger to the sign-in page; a photo answers nothing but 404.
        if not self.admin_site.has_permission(request):
            raise Http404
        photo = get_object_or_404(Photo.objects.select_related("request"), pk=photo_id)
        if not self.has_view_permission(request, photo.request):
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

    def photo_url(self, photo, size="full"):
        name = f"admin:{self.opts.app_label}_{self.opts.model_name}_{'photo' if size == 'full' else 'thumbnail'}"
        return reverse(name, args=[photo.pk], current_app=self.admin_site.name)

    @admin.display(description=_("photos"))
    def photo_thumbnails(self, obj):
        sent = list(obj.photos.all()) if obj is not None else []
        if not sent:
            return _("None sent.")
        figures = format_html_join(
            "",
            '<figure class="consultation-photo"><a href="{}"><img src="{}" alt="{}" width="{}" height="{}"></a>'
            "<figcaption>{}</figcaption></figure>",
            (
                (
                    self.photo_url(photo),
                    self.photo_url(photo, "thumbnail"),
                    _("Photo: %(pose)s. Opens the full size.") % {"pose": photo.get_pose_display()},
                    *photos.thumbnail_size(photo.width, photo.height),
                    photo.get_pose_display(),
                )
                for photo in sent
            ),
        )
        return format_html('<div class="consultation-photos">{}</div>', figures)
