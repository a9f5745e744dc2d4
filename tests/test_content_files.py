import pytest

from tests import content_checks

# Every page file in the content directories, whether or not content_checks lists its slug.
KINDS = {
    content_checks.CONDITION_DIR: "condition",
    content_checks.TREATMENT_DIR: "treatment",
    content_checks.GUIDE_DIR: "guide",
}
FILES = [(path, kind) for directory, kind in KINDS.items() for path in sorted(directory.glob("*.toml"))]


@pytest.mark.parametrize(("path", "kind"), FILES, ids=lambda v: getattr(v, "stem", v))
def test_content_file_meets_the_writing_rules(path, kind):
    assert content_checks.problems(path, kind) == []


def test_the_pages_the_tests_list_are_the_files_that_ship():
    # A file missing from the slug lists would escape the tests that go through them; a listed
    # page without its file would not be loaded.
    assert sorted(FILES) == sorted(content_checks.all_files())
