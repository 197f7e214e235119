"""Comparing and merging models: diff, textconv, diff3, merge."""

import sys

import click

from procex.commands.common import MAX_BYTES_OPTION, STRUCTURE_LIMIT_OPTIONS, lang_option, open_workspace, report_json


def REPORT_OPTIONS(command):  # noqa: N802 - used like a constant option bundle
    """--format, -o, --lang and --match, shared by diff and diff3."""
    for option in reversed(
        [
            click.option(
                "--format",
                "fmt",
                type=click.Choice(["text", "json", "html"]),
                default="text",
                show_default=True,
                help="text report, JSON (format in the README) or a self-contained HTML report.",
            ),
            click.option(
                "-o", "--output", type=click.Path(dir_okay=False), help="Write the report to FILE instead of stdout."
            ),
            lang_option("Language of the text and HTML report."),
            click.option(
                "--match",
                "mode",
                type=click.Choice(["auto", "versions", "independent", "id"]),
                default="auto",
                show_default=True,
                help="auto: decide whether the models are versions of one model or made apart; "
                "versions: pair by id, then by similarity; independent: pair by label, precision first, "
                "possible counterparts listed apart; id: pair by id only.",
            ),
        ]
    ):
        command = option(command)
    return command


def _emit_report(text, output):
    """A report to FILE (atomically) or to stdout."""
    if output:
        from procex.core.files import atomic_write

        atomic_write(output, text)
    else:
        click.echo(text, nl=False)


def _diff_workspace_process(name, fmt, output, lang, mode):
    from procex.exchange.workspace.adaptation_diff import adaptation_report, diff_process, format_diff_text

    ws = open_workspace()
    attributed, result = diff_process(ws, name, mode)
    if fmt == "json":
        text = report_json(attributed)
    elif fmt == "html":
        text = adaptation_report(ws, name, attributed, result, lang)
    else:
        text = format_diff_text(attributed, color=output is None and sys.stdout.isatty(), lang=lang) + "\n"
    _emit_report(text, output)


@click.command()
@click.argument("old", type=click.Path(dir_okay=False))
@click.argument("new", type=click.Path(dir_okay=False), required=False)
@REPORT_OPTIONS
@click.option(
    "--extensions",
    type=click.Choice(["shared", "all"]),
    default="shared",
    show_default=True,
    help="Compare extensions of the namespaces both models use, or of all namespaces.",
)
@click.option("--no-layout", is_flag=True, help="Leave layout-only changes out of the text report.")
@click.option("--exit-code", is_flag=True, help="Exit with status 1 when there are semantic changes.")
@click.option(
    "--difftool",
    is_flag=True,
    help="Called as git difftool: an empty file, like /dev/null, is a model that does not exist "
    "on that side (everything added or removed).",
)
@MAX_BYTES_OPTION
@STRUCTURE_LIMIT_OPTIONS
def diff(old, new, fmt, output, lang, mode, extensions, no_layout, exit_code, difftool, max_bytes):
    """Show what changed between two BPMN models (also works as a git difftool).

    With one argument, OLD is the NAME of a workspace process: the adaptation diff between its
    cached upstream original and processes/NAME.bpmn, each change with its cause. /dev/null as
    OLD or NEW is an empty model: a model git added or deleted shows as all added or all removed.
    """
    from procex.bpmn.diff import diff_models, read_side, without_cycle_collection

    if new is None:
        _diff_workspace_process(old, fmt, output, lang, mode)
        return
    with without_cycle_collection():  # reading indexes every element: no cycles, many objects
        (old_model, old_absent), (new_model, new_absent) = (
            read_side(old, max_bytes, difftool),
            read_side(new, max_bytes, difftool),
        )
        if old_absent or new_absent:
            extensions = "all"  # nothing is paired: no note about namespaces only one side uses
        result = diff_models(old_model, new_model, mode, extensions)
    if fmt == "json":
        text = report_json(result.to_dict())
    elif fmt == "html":
        from procex.bpmn.report_html import diff_report

        text = diff_report(result, lang=lang)
    else:
        from procex.bpmn.diff_text import COLOURS, format_text

        color = output is None and sys.stdout.isatty()
        style = (lambda text, kind: click.style(text, fg=COLOURS[kind])) if color else None
        text = format_text(result, lang=lang, style=style, layout=not no_layout) + "\n"
    _emit_report(text, output)
    if exit_code and result.semantic_changes:
        sys.exit(1)


@click.command()
@click.argument("file", type=click.Path(dir_okay=False))
@lang_option("Language of the line that says a file is not readable BPMN.")
@MAX_BYTES_OPTION
@STRUCTURE_LIMIT_OPTIONS
def textconv(file, lang, max_bytes):
    """Print one model as stable semantic lines (git textconv driver for *.bpmn).

    A file that is not readable BPMN gives one line saying why, then its raw text (or its size and
    sha256 when it is binary), and exit status 0, so one broken file does not stop git diff or
    git log -p.
    """
    from procex.bpmn.diff_text import textconv_text

    click.echo(textconv_text(file, max_bytes, lang), nl=False)


@click.command("diff3")
@click.argument("base", type=click.Path(dir_okay=False))
@click.argument("local", type=click.Path(dir_okay=False))
@click.argument("upstream", type=click.Path(dir_okay=False))
@REPORT_OPTIONS
@MAX_BYTES_OPTION
@STRUCTURE_LIMIT_OPTIONS
def diff3(base, local, upstream, fmt, output, lang, mode, max_bytes):
    """Classify LOCAL's and UPSTREAM's changes since BASE: applicable, local, pseudo, conflicts.

    Exit status 1 when conflicts remain that block a merge.
    """
    from procex.bpmn.merge import diff3 as three_way
    from procex.bpmn.merge import read_three

    models = read_three(base, local, upstream, max_bytes)
    three = three_way(*models, mode=mode)
    paths = (base, local, upstream)
    if fmt == "json":
        text = report_json(three.to_dict())
    elif fmt == "html":
        from procex.bpmn.merge_report import html_report

        text = html_report(three, lang, paths)
    else:
        from procex.bpmn.merge_report import format_text

        text = format_text(three, lang, paths) + "\n"
    _emit_report(text, output)
    if three.blocking:
        sys.exit(1)


@click.command("merge")
@click.argument("base", type=click.Path(dir_okay=False))
@click.argument("local", type=click.Path(dir_okay=False))
@click.argument("upstream", type=click.Path(dir_okay=False))
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help="Where to write the merged model.")
@click.option("--prefer", type=click.Choice(["local", "upstream"]), help="Decide every conflict for this side.")
@lang_option("Language of the conflict list.")
@click.option(
    "--match",
    "mode",
    type=click.Choice(["auto", "id"]),
    default="auto",
    show_default=True,
    help="auto: pair by id, then by similarity (three versions of one model); id: pair by id only.",
)
@MAX_BYTES_OPTION
@STRUCTURE_LIMIT_OPTIONS
def merge(base, local, upstream, output, prefer, lang, mode, max_bytes):
    """Write LOCAL with UPSTREAM's changes since BASE applied (nothing is written on conflicts)."""
    from procex.bpmn.merge import merge_files
    from procex.bpmn.merge_report import conflict_lines, summary_line

    result = merge_files(base, local, upstream, output, prefer, mode, max_bytes)
    three = result.threeway
    if not result.ok:
        head = (
            f"procex: {len(result.conflicts)} Konflikt(e), nichts geschrieben; --prefer local|upstream entscheidet sie"
            if lang == "de"
            else f"procex: {len(result.conflicts)} conflict(s), nothing written; --prefer local|upstream decides them"
        )
        click.echo(head, err=True)
        for line in conflict_lines(result.conflicts, lang):
            click.echo(line, err=True)
        sys.exit(1)
    decided = ""
    if result.resolved:
        decided = (
            f"; {len(result.resolved)} Konflikt(e) für {prefer} entschieden"
            if lang == "de"
            else f"; {len(result.resolved)} conflict(s) decided for {prefer}"
        )
    click.echo(f"wrote {output}: {summary_line(three, lang)}{decided}", err=True)
    for ident, reason in result.skipped:
        click.echo(f"note: upstream {ident} not taken: {reason}", err=True)


COMMANDS = [diff, textconv, diff3, merge]
