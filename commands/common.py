"""What the command modules share: JSON output, the shared options, the workspace, progress.

Each option that several commands take is defined here once (``--lang``, ``--dir``, ``--max-bytes``),
so it is spelled, typed and defaulted the same everywhere.
"""

import json
import sys

import click


def emit_json(data):
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


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
