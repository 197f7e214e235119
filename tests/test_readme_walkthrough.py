"""The README's workspace walk-through, run exactly as written against a real library on 127.0.0.1.

Only two things are filled in, as a reader would: the library's address and the token.
"""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from procex.exchange.demo import manifest_from_example
from procex.exchange.library.client import LibraryClient
from procex.exchange.server import admin

from .conftest import REPO
from .libserver import LibraryServer, make_db

EXAMPLES = REPO / "exchange" / "examples" / "trier"

MARKER = "<!-- walk-through: tests/test_readme_walkthrough.py runs this block as written -->"


@pytest.fixture
def library(tmp_path):
    """Trier shares two processes; Koblenz is a member who accepted the sharing agreement."""
    db, cleanup = make_db("sqlite", tmp_path)
    admin.upgrade(db)
    members = [
        {"slug": "trier", "name": "Stadt Trier", "ags": "07211000", "license": "dl-de/by-2-0"},
        {"slug": "koblenz", "name": "Stadt Koblenz", "ags": "07111000", "license": "dl-de/by-2-0"},
    ]
    tokens = admin.seed(db, members)
    with LibraryServer(db, log_dir=tmp_path) as server:
        trier = LibraryClient(server.url, tokens["trier"])
        for slug in ("gewerbeanmeldung", "hundesteuer-anmeldung"):
            fields = json.loads((EXAMPLES / f"{slug}.json").read_text("utf-8"))
            data = (EXAMPLES / f"{slug}.bpmn").read_bytes()
            trier.publish(manifest_from_example(fields, data), data)
        yield server, tokens
    cleanup()


def walkthrough_block():
    readme = (REPO / "README.md").read_text("utf-8")
    assert MARKER in readme, "the README lost its walk-through block (or its marker)"
    after = readme.split(MARKER, 1)[1]
    match = re.match(r"\s*```sh\n(.*?)\n```", after, re.S)
    assert match, "the walk-through marker must stand right before a ```sh block"
    return match.group(1)


def test_walkthrough_block_covers_the_first_hour():
    commands = [line.split("#")[0].split() for line in walkthrough_block().splitlines()]
    used = {words[1] for words in commands if words and words[0] == "procex"}
    assert {"init", "search", "import", "status", "diff", "publish"} <= used


def test_readme_walkthrough_runs_as_written(library, tmp_path):
    server, tokens = library
    script = walkthrough_block().replace("https://bibliothek.example", server.url)
    script = re.sub(r"PROCEX_TOKEN=\S+", f"PROCEX_TOKEN={tokens['koblenz']}", script)
    env = {k: v for k, v in os.environ.items() if k != "PROCEX_TOKEN"}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env["HOME"] = str(tmp_path / "home")  # a fresh user: no config, no confirmed hosts
    result = subprocess.run(  # bash runs the README's block as a reader pastes it, with `procex` on PATH
        ["bash", "-e", "-c", script],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    assert re.search(r"^trier/gewerbeanmeldung@1\.0\.0 +Gewerbeanmeldung", out, re.M), out  # search found it
    # The new workspace's catalogue is empty: import adds the entry, titled from the LeiKa list.
    assert "added catalogue entry 99050012104000 Gewerbe Anmeldung (in_progress) to catalogue.csv" in out
    assert "gewerbeanmeldung  [99050012104000 Gewerbe Anmeldung]  aus trier/gewerbeanmeldung@1.0.0" in out
    catalogue = (tmp_path / "koblenz" / "catalogue.csv").read_text("utf-8")
    # The office comes from Trier's manifest contact, since the new workspace names none.
    assert "99050012104000,Gewerbe Anmeldung,in_progress,Ordnungsamt – Gewerbeangelegenheiten," in catalogue
    assert catalogue.rstrip().endswith(",processes/gewerbeanmeldung.bpmn")
    assert "published koblenz/gewerbeanmeldung@1.0.0 (derived from trier/gewerbeanmeldung@1.0.0)" in out


if __name__ == "__main__":  # pragma: no cover
    sys.exit(pytest.main([__file__]))
