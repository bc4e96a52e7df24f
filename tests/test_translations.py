"""The public pages' catalogues are complete, compiled and current.

Fails on an untranslated or fuzzy string, on a .mo that is not what msgfmt
makes of its .po, and on a catalogue whose msgids differ from what
makemessages finds in the sources today (run
`python -m authserver.translations update`, translate, then `compile`).
"""

from __future__ import annotations

import ast
import shutil
import subprocess
from pathlib import Path

import pytest

from authserver.translations import CATALOGUES, LANGUAGES, ROOT, make_messages, po_files

COPIED = ("authserver", "oauth_grants", "resource_api", "templates", "locale")


def read_po(path: Path) -> list[dict]:
    """Entries of a .po file: msgid, msgstr (plural forms joined), flags."""
    entries, entry, field = [], None, None
    for line in path.read_text().splitlines() + [""]:
        if not line.strip():
            if entry is not None:
                entries.append(entry)
            entry, field = None, None
            continue
        if entry is None:
            entry = {"msgid": "", "msgstr": "", "flags": set(), "obsolete": False}
        if line.startswith("#~"):
            entry["obsolete"] = True
        elif line.startswith("#,"):
            entry["flags"].update(f.strip() for f in line[2:].split(","))
        elif line.startswith("msgid "):
            field, entry["msgid"] = "msgid", ast.literal_eval(line[6:])
        elif line.startswith("msgid_plural "):
            field = "msgid_plural"
        elif line.startswith("msgstr"):
            field = "msgstr"
            entry["msgstr"] += ast.literal_eval(line.split(" ", 1)[1])
        elif line.startswith('"') and field in ("msgid", "msgstr"):
            entry[field] += ast.literal_eval(line)
    return [e for e in entries if not e["obsolete"]]


def messages(path: Path) -> list[dict]:
    return [e for e in read_po(path) if e["msgid"]]


@pytest.mark.parametrize("po", po_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_every_string_is_translated_and_none_is_fuzzy(po):
    entries = read_po(po)
    assert entries, "missing catalogue"
    header = entries[0]
    assert header["msgid"] == "" and "fuzzy" not in header["flags"]
    untranslated = [e["msgid"] for e in messages(po) if not e["msgstr"].strip()]
    fuzzy = [e["msgid"] for e in messages(po) if "fuzzy" in e["flags"]]
    assert untranslated == [] and fuzzy == []


@pytest.mark.parametrize("po", po_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_compiled_catalogue_is_current(po, tmp_path):
    compiled = tmp_path / "django.mo"
    subprocess.run(
        ["msgfmt", "--check-format", "-o", str(compiled), str(po)], check=True
    )
    assert po.with_suffix(".mo").read_bytes() == compiled.read_bytes(), (
        "run: python -m authserver.translations compile"
    )


def test_catalogues_match_the_sources(tmp_path):
    for name in COPIED:
        shutil.copytree(
            ROOT / name,
            tmp_path / name,
            ignore=shutil.ignore_patterns("__pycache__", "*.mo"),
        )
    shutil.copy(ROOT / "manage.py", tmp_path / "manage.py")
    make_messages(tmp_path)
    for catalogue in CATALOGUES:
        for language in LANGUAGES:
            relative = Path(catalogue.source, "locale", language, "LC_MESSAGES")
            fresh = {e["msgid"] for e in messages(tmp_path / relative / "django.po")}
            committed = {e["msgid"] for e in messages(ROOT / relative / "django.po")}
            assert fresh == committed, (
                "out of date with the sources (python -m authserver.translations "
                "update): new %s, gone %s" % (fresh - committed, committed - fresh)
            )
