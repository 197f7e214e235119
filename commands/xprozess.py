"""XProzess 2.0 messages: xprozess inspect, import, export."""

import sys

import click

from procex.commands.common import dir_option, emit_json, open_workspace
from procex.core.errors import ProcexError


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
    from procex.core.compat import tomllib

    try:
        data = tomllib.loads(config.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError):
        return None
    value = data.get("municipality")
    if isinstance(value, dict):
        value = value.get("name")
    return value if isinstance(value, str) and value.strip() else None


@click.group("xprozess")
def xprozess_group():
    """Read and write XProzess 2.0 messages (FIM master processes, PICTURE, ADONIS)."""


@xprozess_group.command("inspect")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@_xprozess_errors
def xprozess_inspect(file, as_json):
    """List the processes of an XProzess message and the files embedded in each."""
    from procex.exchange import xprozess

    message = xprozess.read_file(file)
    if as_json:
        emit_json(xprozess.summarise(message))
    else:
        click.echo(xprozess.format_table(message))


@xprozess_group.command("import")
@click.argument("file", type=click.Path(dir_okay=False))
@dir_option("Workspace folder; processes go to DIR/processes/.")
@click.option("--entry", metavar="KEY", help="Import only the prozess with this Leistungsschlüssel.")
@click.option("--force", is_flag=True, help="Replace process files that exist with other content.")
@_xprozess_errors
def xprozess_import(file, directory, entry, force):
    """Import each prozess of an XProzess message as a local process with its manifest."""
    from procex.exchange import xprozess

    imported = xprozess.import_file(file, directory, entry, force)
    for done in imported:
        extra = f", {len(done.attachments)} attachment(s) in {done.files_dir}" if done.attachments else ""
        click.echo(f"imported {done.manifest['provenance']} as {done.bpmn_path} (+ {done.manifest_path.name}{extra})")
        for note in done.notes:
            click.echo(f"note: {done.slug}: {note}", err=True)
    from pathlib import Path

    if (Path(directory) / "procex.toml").is_file():
        from procex.exchange.workspace.folder import Workspace
        from procex.exchange.workspace.importing import record_xprozess_imports

        for slug, catalogue_entry in record_xprozess_imports(Workspace.open(directory), imported):
            click.echo(
                f"  linked catalogue entry {catalogue_entry.leistungsschluessel} "
                f"{catalogue_entry.title} to processes/{slug}.bpmn"
            )


@xprozess_group.command("export")
@click.argument("names", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help="Message file to write.")
@click.option("--author", help="Author of the message (default: municipality in ./procex.toml).")
@_xprozess_errors
def xprozess_export(names, output, author):
    """Write packages as a prozessbibliothek.export.0203 message.

    A NAME is a workspace process (processes/NAME.bpmn, manifest built as publish builds it) or
    the path of a NAME.bpmn with its manifest NAME.json beside it.
    """
    from procex.core.files import atomic_write
    from procex.exchange.xprozess.write import build_export, load_package

    packages = []
    for name in names:
        if "/" not in name and not name.endswith((".bpmn", ".json")):
            from procex.exchange.workspace.publishing import workspace_package

            packages.append(workspace_package(open_workspace(), name))  # a workspace process by NAME
        else:
            packages.append(load_package(name))
    result = build_export(packages, _xprozess_author(author))
    atomic_write(output, result.data)
    click.echo(f"wrote {output}: {len(names)} prozess(e), message {result.message_uuid}")
    for label, fields in result.omitted.items():
        click.echo(f"note: {label}: not carried by XProzess: {', '.join(fields)}", err=True)


COMMANDS = [xprozess_group]
