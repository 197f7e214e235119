"""Commands on model files: inspect, export, render, validate (and lint)."""

import sys

import click

from procex.commands.common import MAX_BYTES_OPTION, STRUCTURE_LIMIT_OPTIONS, emit_json, lang_option
from procex.core.errors import ProcexError


@click.command()
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@MAX_BYTES_OPTION
@STRUCTURE_LIMIT_OPTIONS
def inspect(file, as_json, max_bytes):
    """Show what a BPMN file holds: counts, processes, pools, lanes, diagrams, findings."""
    from procex.bpmn.model import read_model
    from procex.bpmn.summary import format_summary, summarize

    model = read_model(file, max_bytes)
    data = summarize(model)
    if as_json:
        emit_json(data)
    else:
        click.echo(format_summary(data, model))


@click.command()
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help="Where to write the model.")
@click.option("--plain", is_flag=True, help="Remove every vendor extension (vendor-neutral BPMN 2.0).")
@MAX_BYTES_OPTION
@STRUCTURE_LIMIT_OPTIONS
def export(file, output, plain, max_bytes):
    """Write a BPMN file back, unchanged or (--plain) without vendor extensions."""
    from procex.bpmn.model import read_model
    from procex.core.files import atomic_write

    model = read_model(file, max_bytes)
    atomic_write(output, model.to_bytes(plain=plain))
    removed = ", ".join(model.vendor_namespaces) if plain and model.vendor_namespaces else ""
    click.echo(f"wrote {output}" + (f" (removed extensions of {removed})" if removed else ""), err=True)


@click.command()
@click.argument("file", type=click.Path(dir_okay=False))
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False),
    help="Write to OUT.svg or OUT.png (default: SVG to standard output).",
)
@click.option(
    "--diagram",
    default=0,
    show_default=True,
    type=click.IntRange(min=0),
    help="Which diagram of the file to draw (0 = the first).",
)
@lang_option("Language of the tooltips.")
@click.option(
    "--scale",
    default=1.0,
    show_default=True,
    type=click.FloatRange(min=0.1, max=8.0),
    help="PNG only: pixels per diagram unit (2 = twice as sharp, for print or high-density screens).",
)
@MAX_BYTES_OPTION
@STRUCTURE_LIMIT_OPTIONS
def render(file, output, diagram, lang, scale, max_bytes):
    """Draw a model from its diagram interchange as SVG (or PNG with -o OUT.png)."""
    from procex.bpmn.render import render_file

    data = render_file(file, output, diagram=diagram, lang=lang, max_bytes=max_bytes, scale=scale)
    if output is None:
        click.echo(data)
    else:
        click.echo(f"wrote {output}", err=True)


@click.command("validate")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "sarif"]),
    default="text",
    show_default=True,
    help="Report as a table, as JSON or as SARIF 2.1.0 (code-scanning tools).",
)
@click.option(
    "--rules",
    type=click.Choice(["correctness", "recommended", "all", "none"]),
    default=None,
    help="Lint preset (default: preset of the config, else correctness); none = schema and references only.",
)
@click.option(
    "--config",
    type=click.Path(dir_okay=False),
    help="TOML file with a [lint] table (default: procex.toml here or in a parent folder).",
)
@lang_option("Language of the messages, the table and the SARIF rule help (JSON keys stay English).")
@MAX_BYTES_OPTION
@STRUCTURE_LIMIT_OPTIONS
def validate_command(files, fmt, rules, config, lang, max_bytes):
    """Check BPMN files: OMG schema, references, and lint rules.

    Exit status 0 without errors, 1 with errors, 2 when a file cannot be read or the call is wrong.
    """
    import contextlib

    from procex.bpmn import validate

    # A progress bar on stderr for many files, on a terminal only (never mixed into the report).
    show = sys.stderr.isatty() and len(files) > 3
    bar = (
        click.progressbar(files, label="Prüfe Dateien" if lang == "de" else "checking files", file=sys.stderr)
        if show
        else contextlib.nullcontext(files)
    )
    try:
        lint_config = validate.config_for(config)
        with bar as paths:
            reports, unreadable = validate.validate_paths(paths, rules, lint_config, max_bytes, lang)
    except ProcexError as error:  # a wrong config: nothing was checked
        click.echo(f"procex: error: {error}", err=True)
        sys.exit(error.exit_code)
    for problem in unreadable:
        click.echo(f"procex: error: {problem}", err=True)
    if fmt == "json":
        emit_json(validate.to_json(reports, unreadable))
    elif fmt == "sarif":
        emit_json(validate.to_sarif(reports, rules, lint_config, lang, unreadable))
    else:
        click.echo(validate.format_text(reports, unreadable, lang))
    sys.exit(validate.exit_status(reports, unreadable))


COMMANDS = [inspect, export, render, validate_command]
