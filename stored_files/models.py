from django.db import models
from django.db.models.functions import Length, Now
from django.utils.translation import gettext_lazy as _

# The longest name a file may have (Django's FileField defaults to 100).
NAME_LENGTH = 255


class StoredFile(models.Model):
    """One file of a Django storage kept in PostgreSQL (stored_files.storage.DatabaseStorage).

    Files are written once and never changed: a name means the same bytes until the file is deleted.
    Each storage is a namespace of its own (`store`), so a public store can never open a private one's file.
    """

    store = models.CharField(_("store"), max_length=50, help_text=_("The STORAGES entry the file belongs to."))
    name = models.CharField(_("name"), max_length=NAME_LENGTH)
    content = models.BinaryField(_("content"))
    size = models.PositiveBigIntegerField(_("size in bytes"))
    created_at = models.DateTimeField(_("created"), db_default=Now())

    class Meta:
        verbose_name = _("stored file")
        verbose_name_plural = _("stored files")
        ordering = ["store", "name"]
        constraints = [
            # The guard against two servers saving one name at once: the second insert fails and
            # the storage picks another name (DatabaseStorage.save).
            models.UniqueConstraint(fields=["store", "name"], name="stored_file_name_unique_in_its_store"),
            models.CheckConstraint(condition=models.Q(size=Length("content")), name="stored_file_size_is_its_length"),
        ]

    def __str__(self):
        return f"{self.store}/{self.name}"
