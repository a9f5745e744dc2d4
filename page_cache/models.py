from django.db import models


class PageGeneration(models.Model):
    """How many times content was saved: the page cache's generation, kept where edits are kept.

    The page cache (page_cache.cache) copies it into Redis; an edit saved while Redis was
    unreachable still moves it on, so a page cached before that edit is never served afterwards.
    """

    value = models.BigIntegerField(default=0)

    def __str__(self):
        return str(self.value)
