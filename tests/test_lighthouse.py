"""Lighthouse's accessibility, best-practices and SEO categories score 100 on the pages `make audit`
covers, in every `make test`. These three do not depend on the machine's load; the performance
category does, so it is left to `make audit` (README, Lighthouse audit)."""

import pytest

from tools.audit import PAGES, lighthouse, lost_points

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("live_content")]

CATEGORIES = ["accessibility", "best-practices", "seo"]


@pytest.mark.parametrize("path", [path for _, path in PAGES])
def test_lighthouse_gives_100_for_accessibility_best_practices_and_seo(live_server, settings, path):
    settings.CLINIC_SITE_URL = live_server.url
    report = lighthouse(live_server.url.replace("127.0.0.1", "localhost") + path, CATEGORIES)
    scores = {name: round(category["score"] * 100) for name, category in report["categories"].items()}
    assert scores == dict.fromkeys(CATEGORIES, 100), lost_points(report)
