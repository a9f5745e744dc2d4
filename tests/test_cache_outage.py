"""Redis is a cache, not a dependency: the site works without it and serves nothing stale after it returns."""

import urllib.error
import urllib.request

import pytest

from conditions.models import Condition
from page_cache import cache as page_cache
from practice.models import Practice
from tests.pages import PRACTICE_FORM
from tests.servers import database_env, free_port, start_gunicorn, start_redis, stop


def fetch(base, path):
    try:
        with urllib.request.urlopen(base + path, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, ""


@pytest.fixture
def own_redis(tmp_path, settings):
    """A Redis on a port of its own; the test process's cache points at it too."""
    port = free_port()
    redis = {"port": port, "process": start_redis(port, tmp_path)}
    settings.CACHES = {
        "default": {
            **settings.CACHES["default"],
            "LOCATION": f"redis://127.0.0.1:{port}/0",
        }
    }
    redis["start"] = lambda: redis.update(process=start_redis(port, tmp_path))
    yield redis
    stop(redis["process"])
    # This process saw the outage too: let the next test use its cache at once.
    page_cache._Health.down = False


def test_pages_and_edits_work_with_redis_down_and_nothing_stale_after_it_returns(
    live_content, own_redis, admin_client, tmp_path
):
    port = free_port()
    server = start_gunicorn(port, database_env(REDIS_URL=f"redis://127.0.0.1:{own_redis['port']}/0"), logs=tmp_path)
    base = f"http://127.0.0.1:{port}"
    try:
        status, sitemap = fetch(base, "/sitemap.xml")
        assert status == 200
        paths = [url.split("://", 1)[1].split("/", 1)[1] for url in sitemap.split("<loc>")[1:]]
        paths = ["/" + path.split("<", 1)[0] for path in paths]
        paths += ["/sitemap.xml", "/robots.txt", "/consultation/"]
        assert len(paths) > 15
        for path in paths:
            assert fetch(base, path)[0] == 200, path  # now cached in Redis
        old_title = "Ramsay Hunt syndrome"
        assert old_title in fetch(base, "/conditions/ramsay-hunt-syndrome/")[1]

        stop(own_redis["process"])  # SIGTERM: Redis saves its data and exits

        for path in paths:
            assert fetch(base, path)[0] == 200, path
        # Staff edits save: the practice through the admin, a condition as the admin saves it.
        practice = Practice.objects.current()
        response = admin_client.post(f"/admin/practice/practice/{practice.pk}/change/", PRACTICE_FORM)
        assert response.status_code == 302
        condition = Condition.objects.get(slug="ramsay-hunt-syndrome")
        condition.title = "Ramsay Hunt syndrome (shingles of the facial nerve)"
        condition.save()
        page = fetch(base, "/conditions/ramsay-hunt-syndrome/")[1]
        assert "shingles of the facial nerve" in page and "Riverside Facial Nerve Center" in page

        own_redis["start"]()  # with the pages and generation it had before the edit
        # Past the pause after a failure, the server tries Redis again and finds it back.
        deadline = page_cache.RETRY_AFTER_SECONDS + 1
        import time

        time.sleep(deadline)
        for _ in range(3):
            page = fetch(base, "/conditions/ramsay-hunt-syndrome/")[1]
            assert "shingles of the facial nerve" in page and "Riverside Facial Nerve Center" in page
            home = fetch(base, "/")[1]
            assert "Riverside Facial Nerve Center" in home
    finally:
        stop(server)
    # The outage was logged once, not once per request.
    logged = (tmp_path / "stdout.log").read_text() + (tmp_path / "stderr.log").read_text()
    assert logged.count("Page cache unreachable") == 1, logged[-3000:]
    assert "Page cache reachable again" in logged
