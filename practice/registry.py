"""What other apps add to the practice's own pages, each registering itself in its AppConfig.ready().

The sitemap (`sitemaps`, section name to Sitemap class) and the home page's lists (`home_lists`, the
context name to a model with a `published()` manager method). This app imports none of the apps
that register here, as Django's admin imports none of the apps it lists.
"""

from practice.sitemaps import SitePagesSitemap

sitemaps = {"site": SitePagesSitemap}
home_lists = {}
