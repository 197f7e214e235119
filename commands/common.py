"""What the command modules share: JSON output, the shared options, the workspace, progress.

Each option that several commands take is defined here once (``--lang``, ``--dir``, ``--max-bytes``,
``--max-elements``), so it is spelled, typed and defaulted the same everywhere.
"""

import json
import sys

import click


def emit_json(data):
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


def report_json(data):
    """A diff or merge report as one compact line of JSON (and a newline).

    Compact on purpose: these reports list every pair of elements, and indenting them went
    through the pure-Python encoder (3.4 MB and a second for one rename in 50,000 flow nodes);
    without indent the C encoder writes it. ``jq .`` or ``python -m json.tool`` indent it.
    """
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n"


MAX_BYTES_OPTION = click.option(
    "--max-bytes",
    type=click.IntRange(min=1),
    default=64 * 1024 * 1024,
    show_default=True,
    help="Refuse input files larger than this many bytes.",
)


def lang_option(what="Language of the output."):
    """--lang de|en: German by default, as councils and reviewers read it; ``what`` says what it changes."""
    return click.option("--lang", type=click.Choice(["de", "en"]), default="de", show_default=True, help=what)


def dir_option(what="Workspace folder."):
    """--dir DIR, the workspace folder a command works in. --into is the same option under the name
    some commands had before, kept so that scripts keep working."""
    return click.option(
        "--dir",
        "--into",
        "directory",
        default=".",
        type=click.Path(file_okay=False),
        show_default=True,
        metavar="DIR",
        help=f"{what} --into DIR means the same (the name import commands used before; scripts keep working).",
    )


def _raise_document_limits(ctx, param, value):
    """Apply --max-elements/--max-attributes for this command (reset when it ends)."""
    values = ctx.meta.setdefault("procex.document_limits", {})
    values[param.name] = value
    if len(values) < 2 or (values["max_elements"] is None and values["max_attributes"] is None):
        return
    from procex.bpmn.xml import reset_document_limits, set_document_limits

    token = set_document_limits(values["max_elements"], values["max_attributes"])
    ctx.call_on_close(lambda: reset_document_limits(token))


def STRUCTURE_LIMIT_OPTIONS(command):  # noqa: N802 - used like a constant option bundle
    """--max-elements and --max-attributes: raise the reader's structural limits for trusted files."""
    command = click.option(
        "--max-attributes",
        type=click.IntRange(min=1),
        default=None,
        expose_value=False,
        is_eager=True,
        callback=_raise_document_limits,
        help="Refuse input files with more attributes than this in all "
        "[default: 400000, or 4 per element under --max-elements].",
    )(command)
    return click.option(
        "--max-elements",
        type=click.IntRange(min=1),
        default=None,
        expose_value=False,
        is_eager=True,
        callback=_raise_document_limits,
        help="Refuse input files with more elements than this [default: 100000]; raise it for large trusted models.",
    )(command)


def open_workspace(path="."):
    from procex.exchange.workspace.folder import Workspace

    return Workspace.open(path)


class ListingProgress:
    """A progress bar on stderr while a long listing downloads (only on a terminal)."""

    def __enter__(self):
        self.bar = None
        return self.update if sys.stderr.isatty() else None

    def update(self, fetched, total):
        if self.bar is None and total > 100:
            self.bar = click.progressbar(length=total, label="library listing", file=sys.stderr)
            self.bar.__enter__()
        if self.bar is not None:
            self.bar.update(fetched - self.bar.pos)

    def __exit__(self, *exc):
        if self.bar is not None:
            self.bar.__exit__(*exc)


def progress_line(message):
    click.echo(click.style("· ", fg="cyan") + message, err=True)
