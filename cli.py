"""procex command line: a thin click layer.

Each command parses its arguments, calls one function in bpmn/ or exchange/, prints, and sets
the exit status. Every ProcexError is caught once in main() and printed as one line.
"""
import json
import sys

import click

from bpmn.errors import ProcexError


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="procex")
def procex():
    """procex: share, adapt and review BPMN 2.0 process models between municipalities."""


def emit_json(data):
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


# --- BPMN core: inspect, export --------------------------------------------------------------


# --- end of command sections ------------------------------------------------------------------


def main(argv=None):
    """Console entry point: run the click group, turn ProcexError into one line and an exit code."""
    try:
        procex.main(args=argv, prog_name="procex", standalone_mode=False)
    except ProcexError as error:
        click.echo(f"procex: error: {error}", err=True)
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
    sys.exit(0)


if __name__ == "__main__":
    main()
