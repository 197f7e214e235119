"""procex command line: a thin click layer.

Each command parses its arguments, calls one function in bpmn/ or exchange/, prints, and sets
the exit status. Every ProcexError is caught once in main() and printed as one line.
"""

import os
import sys

import click

from procex.commands import catalogue, diffing, model_files, server, workspace, xprozess
from procex.core.errors import ProcexError
from procex.core.terminal import printable


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="procex")
def procex():
    """procex: share, adapt and review BPMN 2.0 process models between municipalities."""


# Each module in commands/ holds one group of commands; they are added to the procex group here.
for _module in (model_files, diffing, workspace, catalogue, xprozess, server):
    for _command in _module.COMMANDS:
        procex.add_command(_command)


def main(argv=None):
    """Console entry point: run the click group, turn ProcexError into one line and an exit code."""
    try:
        # Without standalone mode click returns ctx.exit(n)'s code instead of exiting.
        status = procex.main(args=argv, prog_name="procex", standalone_mode=False)
    except ProcexError as error:
        # printable(): a message may quote what a server or a file said; no escape sequence of
        # theirs reaches the terminal (the quoting places use it too; this is the last guard).
        click.echo(f"procex: error: {printable(error, keep_newlines=True)}", err=True)
        sys.exit(error.exit_code)
    except click.exceptions.Abort:
        click.echo("procex: aborted", err=True)
        sys.exit(130)
    except click.ClickException as error:
        error.show()
        sys.exit(2 if error.exit_code == 1 else error.exit_code)
    except click.exceptions.Exit as done:
        sys.exit(done.exit_code)
    except KeyboardInterrupt:
        click.echo("procex: interrupted", err=True)
        sys.exit(130)
    except BrokenPipeError:
        sys.exit(0)
    except OSError as error:
        if type(error).__module__.split(".")[0] in ("requests", "urllib3"):
            # requests' errors are OSErrors; the library client turns them into sentences, and
            # one that slips through is about the network, not about a local file.
            click.echo(f"procex: error: talking to the library failed: {printable(error)}", err=True)
            sys.exit(2)
        # A file that cannot be read or written (permissions, a missing folder, a full disk).
        where = f"{error.filename}: " if error.filename else ""
        click.echo(f"procex: error: {where}{error.strerror or error}; check the path and its permissions", err=True)
        sys.exit(2)
    except Exception as error:
        if os.environ.get("PROCEX_DEBUG"):
            raise
        click.echo(
            f"procex: internal error: {type(error).__name__}: {error} "
            "(this is a bug in procex; run with PROCEX_DEBUG=1 for details and report it)",
            err=True,
        )
        sys.exit(3)
    sys.exit(status if isinstance(status, int) else 0)


if __name__ == "__main__":
    main()
