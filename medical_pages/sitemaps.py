from practice.site_url import SiteSitemap


class MedicalPageSitemap(SiteSitemap):
    """The published pages of one kind; each content app declares its own in its sitemaps module."""

    model = None

    def items(self):
        return self.model.objects.published()

    def lastmod(self, page):
        return page.updated
