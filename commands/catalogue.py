"""The service catalogue: catalogue import and match-keys, suggest, the council report."""

import sys

import click

from procex.commands.common import MAX_BYTES_OPTION, ListingProgress, dir_option, emit_json, lang_option, open_workspace


@click.group("catalogue")
def catalogue_group():
    """The local service catalogue (catalogue.csv): import a municipal list, find missing keys."""


@catalogue_group.command("import")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option(
    "--columns",
    metavar="FIELD=COLUMN,...",
    help="Name the columns when the header is not recognised: key=…,title=…,status=…,"
    "office=…,process=… (header text, letter or number).",
)
@dir_option("Workspace folder; writes DIR/catalogue.csv.")
@MAX_BYTES_OPTION
def catalogue_import(file, columns, directory, max_bytes):
    """Import a CSV or XLSX service list into catalogue.csv, checking every Leistungsschlüssel.

    Exit status 1 when rows had errors (they are reported; the good rows are imported).
    """
    from procex.exchange.catalogue import entries as catalogue

    result = catalogue.import_catalogue(file, directory, columns, max_bytes)
    for line in catalogue.format_import_report(result):
        click.echo(line)
    if result.errors:
        sys.exit(1)


@catalogue_group.command("match-keys")
@click.option("--accept", is_flag=True, help="Write the confident proposals into catalogue.csv.")
@click.option("--json", "as_json", is_flag=True, help="Print the proposals as JSON.")
@click.option(
    "--min-score",
    type=click.FloatRange(0, 1),
    default=0.85,
    show_default=True,
    help="Lowest best score that --accept writes.",
)
@click.option(
    "--margin",
    type=click.FloatRange(0, 1),
    default=0.05,
    show_default=True,
    help="Lead the best candidate needs over the second for --accept.",
)
@dir_option("Workspace folder holding catalogue.csv.")
def catalogue_match_keys(accept, as_json, min_score, margin, directory):
    """Propose Leistungsschlüssel for catalogue rows without one (top 3 LeiKa names, with scores)."""
    from procex.exchange.catalogue import entries as catalogue

    proposals, written = catalogue.match_keys(directory, accept, min_score, margin)
    if as_json:
        emit_json([p.as_json() for p in proposals])
    else:
        for line in catalogue.format_proposals(proposals, accepted=accept):
            click.echo(line)
    if accept:
        noun = "key" if written == 1 else "keys"
        click.echo(f"wrote {written} {noun} into {catalogue.catalogue_path(directory)}", err=as_json)


@click.command()
@click.option(
    "--status",
    "statuses",
    type=click.Choice(["planned", "in_progress"]),
    multiple=True,
    help="Only entries with this status (repeatable; default: planned and in_progress).",
)
@click.option("--limit", type=click.IntRange(min=1), default=5, show_default=True, help="Candidates shown per entry.")
@click.option("--json", "as_json", is_flag=True, help="Print the suggestions and the coverage as JSON.")
@lang_option("Language of the suggestions.")
def suggest(statuses, limit, as_json, lang):
    """Library processes that could serve the catalogue's waiting services, best first."""
    from procex.exchange.catalogue.suggest import WAITING, format_text, suggest_for_workspace

    with ListingProgress() as progress:
        result = suggest_for_workspace(open_workspace(), statuses or WAITING, limit, progress=progress)
    if as_json:
        emit_json(result.as_json())
    else:
        for line in format_text(result, lang):
            click.echo(line)


@click.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["md", "html", "csv", "json"]),
    default="md",
    show_default=True,
    help="Markdown, HTML page with charts, CSV of the counts, or JSON.",
)
@click.option("--save", is_flag=True, help="Keep today's snapshot in .procex/reports/ for the next comparison.")
@lang_option("Language of the report.")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False),
    default=None,
    help="Write the report to this file (default: standard output).",
)
def report(fmt, save, lang, output):
    """Counts by status and topic, adopted and own processes, and the changes since the last saved report."""
    from procex.exchange.catalogue.report import previous_report, report_for_workspace, today

    ws = open_workspace()
    first = previous_report(ws.root, today()) is None
    text, saved, written = report_for_workspace(ws, fmt, lang, save, output)
    if written is None and fmt == "csv":
        click.echo(text.encode("utf-8"), nl=False)  # UTF-8 (with its BOM) whatever the console's encoding
    elif written is None:
        click.echo(text, nl=False)
    else:
        click.echo(f"wrote {written}", err=True)
    if saved is not None:
        click.echo(f"saved {saved}", err=True)
    elif first:  # the council reads the report; the command for the person who runs it goes here
        click.echo(
            "note: no earlier report saved; `procex report --save` keeps this state for the next comparison", err=True
        )


COMMANDS = [catalogue_group, suggest, report]
