"""What the command modules share: JSON output, the --max-bytes option, the workspace, progress."""

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
