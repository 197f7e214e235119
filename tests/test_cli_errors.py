"""Errors a user can cause end in one line on stderr and a non-zero exit, never a traceback."""

import pytest

from .conftest import REPO

EXAMPLE = REPO / "exchange" / "examples" / "trier" / "gewerbeanmeldung.bpmn"


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
def test_user_errors_are_one_line(args, expected, run_cli):
    # a real process: only there would an uncaught error print the interpreter's traceback
    result = run_cli(*args, cwd=REPO, separate=True, timeout=60)
    assert result.returncode == 2, result.stderr
    assert expected in result.stderr
    assert "Traceback" not in result.stderr and result.stderr.strip().count("\n") == 0, result.stderr


def test_a_bug_is_reported_in_one_line_unless_debugging(run_cli):
    from procex import cli

    @cli.procex.command("boom-for-test", hidden=True)
    def boom():
        raise ZeroDivisionError("division by zero")

    try:
        assert run_cli("boom-for-test", env={"PROCEX_DEBUG": None}).exit_code == 3
        with pytest.raises(ZeroDivisionError):
            run_cli("boom-for-test", env={"PROCEX_DEBUG": "1"})
    finally:
        del cli.procex.commands["boom-for-test"]
