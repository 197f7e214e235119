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

MAX_BYTES_OPTION = click.option(
    "--max-bytes", type=click.IntRange(min=1), default=64 * 1024 * 1024, show_default=True,
    help="Refuse input files larger than this many bytes.")


@procex.command()
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@MAX_BYTES_OPTION
def inspect(file, as_json, max_bytes):
    """Show what a BPMN file holds: counts, processes, pools, lanes, diagrams, findings."""
    from bpmn.model import read_model
    from bpmn.summary import format_summary, summarize

    data = summarize(read_model(file, max_bytes))
    if as_json:
        emit_json(data)
    else:
        click.echo(format_summary(data))


@procex.command()
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help="Where to write the model.")
@click.option("--plain", is_flag=True, help="Remove every vendor extension (vendor-neutral BPMN 2.0).")
@MAX_BYTES_OPTION
def export(file, output, plain, max_bytes):
    """Write a BPMN file back, unchanged or (--plain) without vendor extensions."""
    from bpmn.fileio import atomic_write
    from bpmn.model import read_model

    model = read_model(file, max_bytes)
    atomic_write(output, model.to_bytes(plain=plain))
    removed = ", ".join(model.vendor_namespaces) if plain and model.vendor_namespaces else ""
    click.echo(f"wrote {output}" + (f" (removed extensions of {removed})" if removed else ""), err=True)



# --- XProzess 2.0: inspect, import, export ---------------------------------------------------


def _xprozess_errors(command):
    """Print a ProcexError as one line and exit with its code, also when the group is invoked
    directly (tests with CliRunner) rather than through main()."""
    import functools

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except ProcexError as error:
            click.echo(f"procex: error: {error}", err=True)
            # SystemExit, not ctx.exit(): main() runs click with standalone_mode=False, where
            # click swallows Exit and main() would then end with status 0.
            sys.exit(error.exit_code)

    return wrapper


def _xprozess_author(author):
    """--author, else the municipality named in ./procex.toml (top level or [municipality] name)."""
    if author:
        return author
    from pathlib import Path

    config = Path("procex.toml")
    if not config.is_file():
        return None
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib
    try:
        data = tomllib.loads(config.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError):
        return None
    value = data.get("municipality")
    if isinstance(value, dict):
        value = value.get("name")
    return value if isinstance(value, str) and value.strip() else None


@procex.group("xprozess")
def xprozess_group():
    """Read and write XProzess 2.0 messages (FIM master processes, PICTURE, ADONIS)."""


@xprozess_group.command("inspect")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@_xprozess_errors
def xprozess_inspect(file, as_json):
    """List the processes of an XProzess message and the files embedded in each."""
    from exchange import xprozess

    message = xprozess.read_file(file)
    if as_json:
        emit_json(xprozess.summarise(message))
    else:
        click.echo(xprozess.format_table(message))


@xprozess_group.command("import")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--into", "into", default=".", type=click.Path(file_okay=False), show_default=True,
              help="Workspace folder; processes go to DIR/processes/.")
@click.option("--entry", metavar="KEY", help="Import only the prozess with this Leistungsschlüssel.")
@click.option("--force", is_flag=True, help="Replace process files that exist with other content.")
@_xprozess_errors
def xprozess_import(file, into, entry, force):
    """Import each prozess of an XProzess message as a local process with its manifest."""
    from exchange import xprozess

    for done in xprozess.import_file(file, into, entry, force):
        extra = f", {len(done.attachments)} attachment(s) in {done.files_dir}" if done.attachments else ""
        click.echo(f"imported {done.manifest['provenance']} as {done.bpmn_path} (+ {done.manifest_path.name}{extra})")


@xprozess_group.command("export")
@click.argument("names", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help="Message file to write.")
@click.option("--author", help="Author of the message (default: municipality in ./procex.toml).")
@_xprozess_errors
def xprozess_export(names, output, author):
    """Write packages (NAME.bpmn beside NAME.json) as a prozessbibliothek.export.0203 message."""
    from exchange import xprozess

    result = xprozess.export_packages(names, output, _xprozess_author(author))
    click.echo(f"wrote {output}: {len(names)} prozess(e), message {result.message_uuid}")
    for label, fields in result.omitted.items():
        click.echo(f"note: {label}: not carried by XProzess: {', '.join(fields)}", err=True)


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
