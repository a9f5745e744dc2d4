import pytest

from tests import content_checks


@pytest.mark.parametrize(("path", "kind"), list(content_checks.all_files()), ids=lambda v: getattr(v, "stem", v))
def test_content_file_meets_the_writing_rules(path, kind):
    assert path.exists(), f"{path.name} is missing"
    assert content_checks.problems(path, kind) == []
