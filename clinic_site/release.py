"""The release identifier when CLINIC_RELEASE is not set: a digest of what a deploy ships.

Page ETags and page-cache keys include it, so HTML cached by the previous deploy (which links
to the previous hashed CSS) is never served by the next one. It covers the collected static
files' manifest (their hashed names), the templates and the Python code.
"""

import hashlib
import os
from pathlib import Path

SKIPPED = {"staticfiles", "node_modules", "__pycache__", "tests", "bench", "static"}
SUFFIXES = {".py", ".html", ".txt", ".toml", ".xml"}


def _shipped_files(base_dir):
    found = []
    for directory, subdirectories, files in os.walk(base_dir):
        subdirectories[:] = [name for name in subdirectories if name not in SKIPPED and not name.startswith(".")]
        found += [Path(directory, name) for name in files if Path(name).suffix in SUFFIXES]
    return sorted(found)


def release_digest(base_dir, static_root):
    digest = hashlib.sha256()
    manifest = Path(static_root) / "staticfiles.json"
    for path in ([manifest] if manifest.is_file() else []) + _shipped_files(base_dir):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:12]
