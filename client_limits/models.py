from django.db import models
from django.utils import timezone


class RateLimitBucket(models.Model):
    """One row per client (a keyed hash of its address), locked while its recent hits are counted."""

    key = models.CharField(max_length=64, unique=True)

    def __str__(self):
        return self.key[:12]


class RateLimitHit(models.Model):
    bucket = models.ForeignKey(RateLimitBucket, on_delete=models.CASCADE, related_name="hits")
    at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M:%S}"
