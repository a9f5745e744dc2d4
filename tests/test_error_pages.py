import re

from django.template.loader import render_to_string


# No database fixture: pytest-django would fail this test if the 500 page touched the database.
def test_500_page_renders_without_a_request_or_database():
    html = render_to_string("500.html")
    assert "Something went wrong on our side" in html
    assert re.search(r'<link rel="stylesheet" href="/static/css/clinic\.css', html)
