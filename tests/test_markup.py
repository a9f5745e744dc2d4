import pytest

from conditions.models import Condition
from medical_pages import markup
from tests.pages import anonymous_client

ATTACKS = [
    "<script>alert(1)</script>",
    '<img src="x" onerror="alert(1)">',
    "[click](javascript:alert(1))",
    '<a href="https://example.com" onclick="alert(1)">x</a>',
    "<iframe src='https://example.com'></iframe>",
    '<p style="background:url(https://example.com/x)">styled</p>',
]


@pytest.mark.parametrize("attack", ATTACKS)
def test_markdown_cannot_carry_script_or_foreign_requests(attack):
    html = markup.render(f"Intro\n\n{attack}\n")
    lowered = html.lower()
    for needle in ("<script", "onerror", "onclick", "javascript:", "<iframe", "<img", "style="):
        assert needle not in lowered


def test_markdown_keeps_headings_lists_and_links():
    html, sections = markup.render_with_sections("## What it is\n\n- one\n- two\n\n[Botox](/treatments/botox/)\n")
    assert '<h2 id="section-what-it-is">What it is</h2>' in html
    assert "<li>one</li>" in html
    assert '<a href="/treatments/botox/" rel="noopener noreferrer">Botox</a>' in html
    assert [(s.id, s.title) for s in sections] == [("section-what-it-is", "What it is")]


def test_sections_list_their_sub_headings_for_on_this_page():
    _html, sections = markup.render_with_sections("## Treatments\n\n### Start today\n\nText.\n\n### Protect your eye\n")
    assert [(s.title, [sub.title for sub in s.subsections]) for s in sections] == [
        ("Treatments", ["Start today", "Protect your eye"])
    ]
    assert sections[0].subsections[1].id == "section-protect-your-eye"


def test_questions_are_split_into_question_and_answer():
    questions = markup.render_questions("### Is it a stroke?\nUsually not. **Call 911** if unsure.\n\n### Next?\nYes.")
    assert [q.question for q in questions] == ["Is it a stroke?", "Next?"]
    assert questions[0].answer_text == "Usually not. Call 911 if unsure."


def test_script_in_a_page_body_is_not_served(content):
    condition = Condition.objects.get(slug="bells-palsy")
    condition.body += "\n\n<script>document.title='owned'</script>\n"
    condition.save()
    html = anonymous_client().get("/conditions/bells-palsy/").content.decode()
    assert "document.title='owned'" not in html


def test_a_table_names_each_row_and_labels_each_cell_with_its_column_for_the_phone_cards():
    html = markup.render(
        "| Option | Main risks & costs | Evidence |\n|---|---|---|\n"
        "| [Botox](/treatments/botox/) | Bruising | Small <b>studies</b> |\n| Therapy | None |\n"
    )
    assert '<div class="table-scroll" role="region" tabindex="0" aria-label="Table"><table role="table">' in html
    assert '<th role="columnheader" scope="col">Main risks &amp; costs</th>' in html
    # The first cell names its row; every other cell carries its column's name, escaped, once.
    assert '<th role="rowheader" scope="row"><a href="/treatments/botox/"' in html
    label = '<span class="cell-label">Main risks &amp; costs</span>'
    assert f'<td role="cell">{label}Bruising</td>' in html
    # The cells were cleaned before: the tag a staff member typed is gone, its words stay.
    assert '<span class="cell-label">Evidence</span>Small studies</td>' in html
    # A row with a missing cell still labels the empty one, so the card keeps the table's rows.
    assert html.count('class="cell-label"') == 4
