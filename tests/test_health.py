"""/healthz: 200 while the database answers, 503 when it does not, with no detail and no caching."""

import urllib.error
import urllib.request

import pytest

from tests.servers import database_env, free_port, start_gunicorn, stop


def test_healthz_answers_ok_without_detail_and_is_never_cached(client, db, settings):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert "no-store" in response["Cache-Control"]
    assert "Set-Cookie" not in response
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/healthz").status_code == 200  # plain HTTP from the load balancer
    assert client.post("/healthz").status_code == 405


@pytest.fixture
def server_without_database(transactional_db):
    port = free_port()
    # Nothing listens on port 9: every connection is refused.
    server = start_gunicorn(port, database_env(DATABASE_URL="postgres://postgres@127.0.0.1:9/clinic"))
    yield f"http://127.0.0.1:{port}"
    stop(server)


def test_healthz_answers_503_when_the_database_is_down(server_without_database):
    with pytest.raises(urllib.error.HTTPError) as failure:
        urllib.request.urlopen(server_without_database + "/healthz", timeout=20)
    assert failure.value.code == 503
    body = failure.value.read().decode()
    assert body == "unavailable\n"
    assert "no-store" in failure.value.headers["Cache-Control"]
