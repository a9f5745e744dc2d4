"""The layers of the house: a module may use what sits below it, never what sits above.

Every reference one of our packages makes to another is read from the source, by the three routes
Python and Django offer: an import statement, `import_module("app.module")`, and a model named by a
string (`apps.get_model("app.Model")`, `get_model("app", "Model")`, `ForeignKey("app.Model")`).
Migrations are left out: they name the models of their dependencies by design.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# From the bottom up. Packages in one tuple are peers and may not use each other.
LAYERS = (
    # Infrastructure: files kept in the database; image checks, renditions and serving; the page
    # cache; client addresses and limits.
    ("stored_files",),
    ("images", "page_cache", "client_limits"),
    ("practice",),  # the practice's own content and pages
    ("triage", "booking"),  # the urgent-care table every page asks; the scheduling core
    ("medical_pages",),  # the shared base of the medical pages
    ("treatments",),
    ("conditions", "guides"),  # a condition page lists its treatments; never the other way
    ("consultations", "staff", "backups"),  # patients' requests; staff sign-in; backup and restore
    ("clinic_site",),  # configuration: settings and URLs wire everything
)
LEVEL = {package: level for level, packages in enumerate(LAYERS) for package in packages}
MODEL_FIELDS = {"ForeignKey", "OneToOneField", "ManyToManyField"}


def _called(node):
    return getattr(node.func, "attr", None) or getattr(node.func, "id", None)


def references(source):
    """The dotted names a module's source reaches, by import, import_module or a model string."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.append(node.module)
        elif isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
            first = node.args[0].value
            if isinstance(first, str) and (_called(node) in {"import_module", "get_model"} | MODEL_FIELDS):
                found.append(first)
    return found


def _violations(package):
    found = []
    for path in sorted((ROOT / package).rglob("*.py")):
        if "migrations" in path.relative_to(ROOT).parts:
            continue
        for name in references(path.read_text()):
            target = name.split(".")[0]
            if target in LEVEL and target != package and LEVEL[target] >= LEVEL[package]:
                found.append(f"{path.relative_to(ROOT)} reaches {name} ({target} is not below {package})")
    return found


def test_every_package_of_ours_has_a_layer():
    ours = {path.parent.name for path in ROOT.glob("*/__init__.py")} - {"tests", "bench", "tools"}
    assert ours == set(LEVEL), "add the new package to LAYERS, at the level of what it may use"


@pytest.mark.parametrize("package", sorted(LEVEL))
def test_a_package_reaches_only_the_layers_below_it(package):
    assert _violations(package) == []


@pytest.mark.parametrize(
    "source",
    [
        "from conditions.models import Condition",
        "import conditions.views",
        "from importlib import import_module\nimport_module('conditions.sitemaps')",
        "from django.apps import apps\napps.get_model('conditions.Condition')",
        "from django.apps import apps\napps.get_model('conditions', 'Condition')",
        "from django.db import models\nmodels.ForeignKey('conditions.Condition', on_delete=models.CASCADE)",
    ],
)
def test_each_route_to_a_higher_layer_is_seen(source):
    assert [name.split(".")[0] for name in references(source)][-1] == "conditions"
