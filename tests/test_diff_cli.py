"""procex diff and procex textconv from the command line, and with git (difftool, textconv)."""

import json
import os
import shutil
import subprocess
import sys

import pytest

from procex.bpmn import edit
from procex.bpmn.model import Model


def test_text_report_in_german(pair, run_cli):
    result = run_cli("diff", str(pair[0]), str(pair[1]))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[1] == "3 inhaltliche Änderungen: 1 umbenannt, 1 geändert, 1 Lane gewechselt"
    assert "umbenannt (1):" in lines
    assert "  Aufgabe „Antrag sichten“ [check]" in lines
    assert "      Name: „Antrag prüfen“ → „Antrag sichten“" in lines
    assert "      Lane: „Bürgerbüro“ → „Ordnungsamt“" in lines
    assert "      timerEventDefinition/timeDuration: „PT30M“ → „P14D“" in lines
    assert "\x1b[" not in result.stdout  # no colour when not on a terminal


def test_text_report_in_english_and_exit_code(pair, run_cli):
    result = run_cli("diff", str(pair[0]), str(pair[1]), "--lang", "en", "--exit-code")
    assert result.returncode == 1
    assert result.stdout.splitlines()[1] == "3 semantic changes: 1 renamed, 1 changed, 1 relaned"
    # names and values in English quotes, as `validate --lang en` quotes them; German keeps „…“
    assert "  task 'Antrag sichten' [check]" in result.stdout.splitlines()
    assert "      name: 'Antrag prüfen' → 'Antrag sichten'" in result.stdout.splitlines()
    assert "„" not in result.stdout
    same = run_cli("diff", str(pair[0]), str(pair[0]), "--exit-code")
    assert same.returncode == 0 and same.stdout.splitlines()[1] == "keine inhaltlichen Änderungen"


def test_json_to_file(pair, tmp_path, run_cli):
    out = tmp_path / "diff.json"
    result = run_cli("diff", str(pair[0]), str(pair[1]), "--format", "json", "-o", str(out))
    assert result.returncode == 0 and result.stdout == ""
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["summary"]["renamed"] == 1 and data["summary"]["relaned"] == 1 and data["summary"]["changed"] == 1
    assert [c["kind"] for c in data["changes"]] == ["renamed", "changed", "relaned"]
    assert data["changes"][2]["details"] == [{"property": "lane", "old": "Bürgerbüro", "new": "Ordnungsamt"}]
    assert len(data["matches"]) == 21


def test_match_id_mode(pair, tmp_path, run_cli):
    new = Model.from_bytes(pair[1].read_bytes(), "neu")
    edit.regenerate_ids(new)
    regen = tmp_path / "regen.bpmn"
    regen.write_bytes(new.to_bytes())
    auto = json.loads(run_cli("diff", str(pair[1]), str(regen), "--format", "json").stdout)
    assert auto["summary"] == dict.fromkeys(auto["summary"], 0)
    by_id = json.loads(run_cli("diff", str(pair[1]), str(regen), "--format", "json", "--match", "id").stdout)
    assert by_id["summary"]["added"] == 21 and by_id["summary"]["removed"] == 21


def test_bad_input_is_one_line_and_status_2(pair, tmp_path, run_cli):
    broken = tmp_path / "kaputt.bpmn"
    broken.write_text("<definitions", encoding="utf-8")
    result = run_cli("diff", str(pair[0]), str(broken))
    assert result.returncode == 2
    assert result.stderr.startswith(f"procex: error: {broken}:") and len(result.stderr.splitlines()) == 1
    assert "Traceback" not in result.stderr
    out = tmp_path / "report.json"
    result = run_cli("diff", str(pair[0]), str(tmp_path / "fehlt.bpmn"), "--format", "json", "-o", str(out))
    assert result.returncode == 2 and not out.exists()


def test_textconv_is_stable_and_line_oriented(pair, run_cli):
    first = run_cli("textconv", str(pair[0]))
    assert first.returncode == 0
    assert run_cli("textconv", str(pair[0])).stdout == first.stdout
    assert 'task "Antrag prüfen" [check] in [proc]' in first.stdout.splitlines()
    assert "    timerEventDefinition/timeDuration: PT30M" in first.stdout.splitlines()


@pytest.mark.skipif(shutil.which("git") is None, reason="git not installed")
def test_git_textconv_and_difftool(pair, tmp_path):
    repo = tmp_path / "repo"
    repo.mkdir()
    procex = f"{sys.executable} -m procex.cli"  # git runs the installed command line as a user's would

    def git(*args):
        done = subprocess.run(
            ["git", *args],
            cwd=repo,
            capture_output=True,
            text=True,
            env={**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "HOME": str(tmp_path)},
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    git("init", "-q")
    git("config", "user.email", "test@example.org")
    git("config", "user.name", "Test")
    git("config", "diff.bpmn.textconv", f"{procex} textconv")
    git("config", "difftool.procex.cmd", f'{procex} diff "$LOCAL" "$REMOTE"')
    (repo / ".gitattributes").write_text("*.bpmn diff=bpmn\n")
    shutil.copy(pair[0], repo / "gewerbe.bpmn")
    git("add", ".")
    git("commit", "-q", "-m", "Trier")
    shutil.copy(pair[1], repo / "gewerbe.bpmn")
    git("commit", "-q", "-am", "Koblenz")
    patch = git("diff", "HEAD~1", "HEAD")
    removed = [line for line in patch.splitlines() if line.startswith("-") and not line.startswith("---")]
    added = [line for line in patch.splitlines() if line.startswith("+") and not line.startswith("+++")]
    assert '-task "Antrag prüfen" [check] in [proc]' in removed
    assert '+task "Antrag sichten" [check] in [proc]' in added
    assert "+    timerEventDefinition/timeDuration: P14D" in added
    assert not any("<bpmn" in line or "waypoint" in line for line in removed + added)
    log = git("log", "-p", "--format=%s", "gewerbe.bpmn")
    assert "Antrag sichten" in log
    tool = git("difftool", "--no-prompt", "--tool=procex", "HEAD~1", "HEAD")
    assert "1 umbenannt" in tool and "„Antrag sichten“" in tool
