"""Errors a user can cause end in one line on stderr and a non-zero exit, never a traceback."""

import subprocess
import sys

import pytest

from .conftest import REPO

EXAMPLE = REPO / "exchange" / "examples" / "trier" / "gewerbeanmeldung.bpmn"


def run(*args, env=None):
    return subprocess.run(
        [sys.executable, str(REPO / "cli.py"), *args], capture_output=True, text=True, timeout=60, cwd=REPO, env=env
    )


@pytest.mark.parametrize(
    "args, expected",
    [
        (["export", str(EXAMPLE), "-o", "/proc/no-such-dir/out.bpmn"], "/proc/no-such-dir/out.bpmn: No such file"),
        (["admin", "--db", "/nonexistent/dir/x.sqlite", "member", "list"], "cannot open the library database sqlite:"),
        (
            ["serve", "--db", "postgresql://nobody@127.0.0.1:1/x", "--port", "1"],
            "cannot open the library database postgresql",
        ),
        (["diff", "/no/such.bpmn", str(EXAMPLE)], "/no/such.bpmn: no such file"),
        (["inspect", str(REPO / "README.md")], "README.md:1:1: not well-formed XML"),
    ],
)
def test_user_errors_are_one_line(args, expected):
    result = run(*args)
    assert result.returncode == 2, result.stderr
    assert expected in result.stderr
    assert "Traceback" not in result.stderr and result.stderr.strip().count("\n") == 0, result.stderr


def test_a_bug_is_reported_in_one_line_unless_debugging(monkeypatch):
    import cli

    @cli.procex.command("boom-for-test", hidden=True)
    def boom():
        raise ZeroDivisionError("division by zero")

    try:
        monkeypatch.delenv("PROCEX_DEBUG", raising=False)
        with pytest.raises(SystemExit) as done:
            cli.main(["boom-for-test"])
        assert done.value.code == 3
        monkeypatch.setenv("PROCEX_DEBUG", "1")
        with pytest.raises(ZeroDivisionError):
            cli.main(["boom-for-test"])
    finally:
        del cli.procex.commands["boom-for-test"]
