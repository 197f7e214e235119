"""git on a folder of models: textconv of a file that is not readable BPMN, and the difftool (and
procex diff) on models git added or deleted (/dev/null on one side)."""

import hashlib
import json
import os
import shutil
import subprocess
import sys

import pytest

BROKEN = "<definitions>\n  <task>\n</definitions>\n"
HEAD_DE = (
    "procex: keine lesbare BPMN-Datei: not well-formed XML: Opening and ending tag mismatch: task line 2 "
    "and definitions (Zeile 3, Spalte 15); es folgt der Rohtext"
)


# --- procex textconv on files it cannot read as BPMN -----------------------------------------------


def test_textconv_of_broken_text_prints_a_line_and_the_raw_text(tmp_path, run_cli):
    path = tmp_path / "kaputt.bpmn"
    path.write_text(BROKEN, encoding="utf-8")
    result = run_cli("textconv", str(path))
    assert result.returncode == 0 and result.stderr == ""
    assert result.stdout == HEAD_DE + "\n" + BROKEN
    english = run_cli("textconv", "--lang", "en", str(path))
    assert english.stdout.splitlines()[0] == (
        "procex: not readable as BPMN: not well-formed XML: Opening and ending tag mismatch: task line 2 and "
        "definitions (line 3, column 15); the raw text follows"
    )
    assert str(tmp_path) not in result.stdout + english.stdout  # git passes temporary paths: never shown


def test_textconv_of_other_xml_latin1_and_binary(tmp_path, run_cli):
    other = tmp_path / "other.bpmn"
    other.write_text('<?xml version="1.0"?>\n<html/>\n', encoding="utf-8")
    result = run_cli("textconv", "--lang", "en", str(other))
    assert result.returncode == 0
    assert result.stdout == (
        "procex: not readable as BPMN: root element is <html> without namespace, not BPMN 2.0 "
        "definitions ({http://www.omg.org/spec/BPMN/20100524/MODEL}definitions); is this a "
        "BPMN 2.0 file? (line 2); the raw text follows\n"
        '<?xml version="1.0"?>\n<html/>\n'
    )
    latin1 = tmp_path / "latin1.bpmn"
    latin1.write_bytes('<?xml version="1.0" encoding="ISO-8859-1"?>\n<definitions>Prüfung'.encode("latin-1"))
    lines = run_cli("textconv", str(latin1)).stdout.splitlines()
    assert lines[0].endswith("es folgt der Rohtext") and lines[2] == "<definitions>Prüfung"
    binary = tmp_path / "bild.bpmn"
    data = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"
    binary.write_bytes(data)
    result = run_cli("textconv", str(binary))
    assert result.returncode == 0
    head, size = result.stdout.splitlines()
    assert head.startswith("procex: keine lesbare BPMN-Datei: not well-formed XML: ") and head.endswith("; Binärdaten")
    assert size == f"Größe: 16 Bytes, sha256: {hashlib.sha256(data).hexdigest()}"


def test_textconv_of_a_file_over_the_limit_shows_size_and_checksum(pair, run_cli):
    data = pair[0].read_bytes()
    result = run_cli("textconv", "--lang", "en", "--max-bytes", "100", str(pair[0]))
    assert result.returncode == 0
    assert result.stdout == (
        f"procex: not readable as BPMN: file is {len(data):,} bytes, over the limit of 100 "
        "(--max-bytes); size and checksum only\n"
        f"size: {len(data)} bytes, sha256: {hashlib.sha256(data).hexdigest()}\n"
    )


def test_textconv_of_a_missing_file_is_still_an_error(tmp_path, run_cli):
    result = run_cli("textconv", str(tmp_path / "fehlt.bpmn"))
    assert result.returncode == 2 and result.stdout == "" and len(result.stderr.splitlines()) == 1


# --- procex diff with /dev/null on one side ------------------------------------------------------


def test_diff_against_dev_null_is_all_added_or_all_removed(pair, run_cli):
    added = json.loads(run_cli("diff", "/dev/null", str(pair[0]), "--format", "json").stdout)
    assert added["old"] == "/dev/null"
    assert added["summary"]["added"] == 21 and sum(added["summary"].values()) == 21
    assert added["matches"] == []
    removed = run_cli("diff", str(pair[0]), "/dev/null", "--lang", "en")
    assert removed.returncode == 0, removed.stderr
    lines = removed.stdout.splitlines()
    assert lines[1] == "21 semantic changes: 21 removed" and "note:" not in removed.stdout
    assert "  task 'Antrag prüfen' [check]" in lines  # English quotes as the English validation messages


def test_an_empty_file_is_an_empty_model_for_the_difftool_only(pair, tmp_path, run_cli):
    empty = tmp_path / "leer.bpmn"
    empty.write_bytes(b"")
    refused = run_cli("diff", str(empty), str(pair[0]))
    assert refused.returncode == 2 and "Document is empty" in refused.stderr
    result = json.loads(run_cli("diff", "--difftool", str(empty), str(pair[0]), "--format", "json").stdout)
    assert result["summary"]["added"] == 21 and sum(result["summary"].values()) == 21
    result = json.loads(run_cli("diff", "--difftool", str(pair[0]), str(empty), "--format", "json").stdout)
    assert result["summary"]["removed"] == 21 and sum(result["summary"].values()) == 21


# --- in a git repository -------------------------------------------------------------------------


@pytest.fixture
def repo(tmp_path):
    if shutil.which("git") is None:
        pytest.skip("git not installed")
    root = tmp_path / "repo"
    root.mkdir()
    procex = f"{sys.executable} -m procex.cli"  # git runs the installed command line as a user's would

    def git(*args, check=True):
        done = subprocess.run(
            ["git", *args],
            cwd=root,
            capture_output=True,
            text=True,
            env={**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "HOME": str(tmp_path), "GIT_PAGER": "cat", "PAGER": "cat"},
        )
        if check:
            assert done.returncode == 0, done.stderr
        return done

    git("init", "-q")
    git("config", "user.email", "test@example.org")
    git("config", "user.name", "Test")
    git("config", "diff.bpmn.textconv", f"{procex} textconv")
    git("config", "difftool.procex.cmd", f'{procex} diff --difftool "$LOCAL" "$REMOTE"')
    (root / ".gitattributes").write_text("*.bpmn diff=bpmn\n")
    return root, git


def test_git_diff_and_log_read_past_a_broken_model(repo, pair):
    root, git = repo
    shutil.copy(pair[0], root / "gewerbe.bpmn")
    git("add", ".")
    git("commit", "-q", "-m", "Trier")
    (root / "kaputt.bpmn").write_text(BROKEN, encoding="utf-8")
    git("add", "kaputt.bpmn")
    cached = git("diff", "--cached")
    assert cached.returncode == 0 and "fatal" not in cached.stderr
    assert f"+{HEAD_DE}" in cached.stdout.splitlines() and "+  <task>" in cached.stdout.splitlines()
    git("commit", "-q", "-m", "kaputt")
    shutil.copy(pair[1], root / "gewerbe.bpmn")
    git("commit", "-q", "-am", "Koblenz")
    log = git("log", "-p", "--format=commit %s")
    assert log.returncode == 0 and log.stderr == ""
    assert [line for line in log.stdout.splitlines() if line.startswith("commit ")] == [
        "commit Koblenz",
        "commit kaputt",
        "commit Trier",
    ]
    assert '+task "Antrag sichten" [check] in [proc]' in log.stdout.splitlines()
    assert '+task "Antrag prüfen" [check] in [proc]' in log.stdout.splitlines()  # the first commit, past the broken one


def test_git_difftool_shows_deleted_and_added_models(repo, pair):
    root, git = repo
    shutil.copy(pair[0], root / "gewerbe.bpmn")
    git("add", ".")
    git("commit", "-q", "-m", "Trier")
    git("rm", "-q", "gewerbe.bpmn")
    deleted = git("difftool", "-y", "--tool=procex", "--cached")
    assert "procex: error" not in deleted.stderr, deleted.stderr
    assert "21 inhaltliche Änderungen: 21 entfernt" in deleted.stdout.splitlines()
    git("commit", "-q", "-m", "weg")
    shutil.copy(pair[1], root / "neu.bpmn")
    git("add", "neu.bpmn")
    added = git("difftool", "-y", "--tool=procex", "--cached")
    assert "procex: error" not in added.stderr, added.stderr
    assert "21 inhaltliche Änderungen: 21 hinzugefügt" in added.stdout.splitlines()
    assert "  Aufgabe „Antrag sichten“ [check]" in added.stdout.splitlines()
