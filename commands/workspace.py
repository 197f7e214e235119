"""The workspace: init, search, import, status, outdated, update, publish, demo."""

import sys

import click

from procex.commands.common import dir_option, emit_json, lang_option, open_workspace, progress_line
from procex.core.terminal import printable


@click.command()
@click.option("--municipality", required=True, help='Name of the municipality, e.g. "Stadt Koblenz".')
@click.option("--ags", required=True, help="Amtlicher Gemeindeschlüssel (8 digits), e.g. 07111000.")
@click.option("--library", default="", help="URL of the process library, e.g. https://library.example.")
@click.option("--slug", default=None, help="The municipality's name in the library (default: from --municipality).")
@click.option(
    "--mailbox",
    default=None,
    help="Functional mailbox for published processes (default: the placeholder prozesse@SLUG.example, "
    "which publish refuses until it is replaced).",
)
@dir_option("Folder to make the workspace in.")
def init(municipality, ags, library, slug, mailbox, directory):
    """Create a workspace: procex.toml, catalogue.csv, mapping.toml, processes/, procex.lock."""
    from procex.exchange.workspace.folder import Workspace

    ws = Workspace.init(directory, municipality, ags, library, slug, mailbox)
    click.echo(f"created workspace for {municipality} ({ws.slug}) in {ws.root}")
    click.echo("set the library token in the environment: export PROCEX_TOKEN=...")
    from procex.exchange.workspace.publishing import reserved_mail_domain

    placeholder = ws.config["publish"]["mailbox"]
    if reserved_mail_domain(placeholder):
        click.echo(
            f"before publishing, replace the placeholder mailbox {placeholder} with your functional "
            f"mailbox: [publish] mailbox in {ws.root / 'procex.toml'}"
        )


_SEARCH_TEXTS = {
    "de": {
        "adoptions": "{n} Übernahme(n)",
        "checked": "Prüfung: {e} Fehler, {w} Warnung(en)",
        "unchecked": "nicht geprüft",
        "derived": "abgeleitet von {ref}",
        "found": "{n} Prozess(e) gefunden",
        "about": "etwa {n} Prozesse gefunden (geschätzt)",
        "typo": "nichts gefunden für „{asked}“; Treffer für „{used}“",
        "more": "weitere Treffer: procex search … --cursor {cursor}",
    },
    "en": {
        "adoptions": "{n} adoption(s)",
        "checked": "check: {e} error(s), {w} warning(s)",
        "unchecked": "not checked",
        "derived": "derived from {ref}",
        "found": "{n} process(es) found",
        "about": "about {n} processes found (estimated)",
        "typo": "nothing found for '{asked}'; showing hits for '{used}'",
        "more": "more hits: procex search … --cursor {cursor}",
    },
}


@click.command()
@click.argument("text", required=False, default="")
@click.option(
    "--leistungsschluessel", "key", default=None, help="Only processes for this key, or keys beginning so (e.g. 9905)."
)
@click.option("--publisher", default=None, help="Only processes of this member.")
@click.option("--land", default=None, help="Only processes of this Land: the AGS's first two digits, e.g. 07.")
@click.option("--status", type=click.IntRange(1, 8), default=None, help="Only processes with this FIM status code.")
@click.option("--stufe", type=click.IntRange(101, 105), default=None, help="Only this Detaillierungsstufe (101-105).")
@click.option("--themenfeld", default=None, help='Only processes in this OZG Themenfeld, e.g. "Bauen & Wohnen".')
@click.option(
    "--sort",
    type=click.Choice(["relevance", "adoptions", "newest", "name"]),
    default="relevance",
    show_default=True,
    help="Order of the hits.",
)
@click.option("--limit", type=click.IntRange(1, 100), default=20, show_default=True, help="Hits to show.")
@click.option(
    "--cursor",
    default=None,
    help="Show the hits after a previous answer's last one (it prints the cursor); give the same TEXT.",
)
@lang_option()
@click.option("--json", "as_json", is_flag=True)
def search(text, key, publisher, land, status, stufe, themenfeld, sort, limit, cursor, lang, as_json):
    """Search the library, ranked: words as you would say them ("Gewerbe anmelden"), legal bases
    (GewO), Leistungsschlüssel or their beginnings (9905). Shows adoptions, check result,
    origin and region of each hit. When no process holds every word, it corrects typos or leaves
    words out ("Führerschein verloren": Führerschein) and says so."""
    result = (
        open_workspace()
        .client()
        .search(
            text,
            key,
            publisher,
            per_page=limit,
            cursor=cursor,
            land=land,
            status=status,
            detaillierungsstufe=stufe,
            themenfeld=themenfeld,
            sort=sort if sort != "relevance" else None,
        )
    )
    if as_json:
        emit_json(result)
        return
    texts = _SEARCH_TEXTS[lang]
    fallback = result.get("fallback")
    if isinstance(fallback, dict):
        click.echo(
            texts["typo"].format(asked=printable(text), used=printable(str(fallback.get("query", "")))), err=True
        )
    for item in result["items"]:
        click.echo(_hit_lines(item, texts))
    total = result.get("total", 0)
    click.echo(texts["about" if result.get("total_estimated") else "found"].format(n=f"{total:,}"), err=True)
    if result.get("next_cursor"):
        click.echo(texts["more"].format(cursor=printable(str(result["next_cursor"]))), err=True)


def _hit_lines(item, texts):
    """A hit as two or three lines: ref and name; region, adoptions, check, origin, keys; snippet."""
    facts = []
    region = item.get("region") if isinstance(item.get("region"), dict) else {}
    if region:
        where = printable(str(region.get("name", "")))
        land = region.get("land_name")
        facts.append(f"{where} ({printable(str(land))})" if land else where)
    facts.append(texts["adoptions"].format(n=item.get("adoptions", 0)))
    validation = item.get("validation")
    if isinstance(validation, dict):
        facts.append(texts["checked"].format(e=validation.get("errors", 0), w=validation.get("warnings", 0)))
    else:
        facts.append(texts["unchecked"])
    derived = item.get("derived_from")
    if isinstance(derived, dict) and derived.get("ref"):
        facts.append(texts["derived"].format(ref=printable(str(derived["ref"]))))
    keys = ", ".join(printable(str(key)) for key in item.get("leistungsschluessel") or [])
    if keys:
        facts.append(keys)
    lines = [f"{printable(item['ref'])}  {printable(item.get('name', ''))}", "  " + " · ".join(facts)]
    snippet = item.get("snippet")
    if isinstance(snippet, dict) and snippet.get("field") != "name" and isinstance(snippet.get("text"), str):
        lines.append("  " + _marked(snippet))
    return "\n".join(lines)


def _marked(snippet):
    """The snippet with its marked words in bold (on a terminal; plain text elsewhere)."""
    text, parts, at = snippet["text"], [], 0
    marks = snippet.get("marks") if isinstance(snippet.get("marks"), list) else []
    for mark in marks:
        if not (isinstance(mark, list) and len(mark) == 2 and all(isinstance(n, int) for n in mark)):
            continue
        start, end = max(mark[0], at), min(mark[1], len(text))
        if start >= end:
            continue
        parts.append(printable(text[at:start]))
        parts.append(click.style(printable(text[start:end]), bold=True))
        at = end
    parts.append(printable(text[at:]))
    return "".join(parts)


def _ask_for_entry(candidates):
    """On a terminal: which of the closest catalogue entries does the process implement?"""
    for number, (score, entry) in enumerate(candidates, 1):
        click.echo(f"  {number}. {entry.leistungsschluessel or '-'} {entry.title} ({score:.2f})", err=True)
    choice = click.prompt(
        "which catalogue entry does it implement? (0 = none of these)",
        type=click.IntRange(0, len(candidates)),
        err=True,
    )
    return candidates[choice - 1][1] if choice else None


def _ask_for_key(keys):
    """On a terminal: which of the process's Leistungsschlüssel becomes the new catalogue entry?"""
    from procex.exchange.catalogue.leika import load_leika

    services = load_leika()
    click.echo("the catalogue has none of the services this process implements:", err=True)
    for number, key in enumerate(keys, 1):
        service = services.get(key)
        click.echo(f"  {number}. {key} {service.name if service else '(not in the LeiKa list)'}", err=True)
    choice = click.prompt(
        "which one should the catalogue list it under? (0 = none: stop)",
        type=click.IntRange(0, len(keys)),
        err=True,
    )
    return keys[choice - 1] if choice else None


@click.command("import")
@click.argument("ref")
@click.option(
    "--entry",
    "entry_key",
    default=None,
    help="Leistungsschlüssel of the catalogue entry it implements; added to catalogue.csv when missing.",
)
@click.option("--as", "as_name", default=None, help="Local name (default: the package's slug).")
@click.option(
    "--force",
    is_flag=True,
    help="Import even with validation errors or a yanked version, or replace an existing or locally edited file.",
)
def import_(ref, entry_key, as_name, force):
    """Import PUBLISHER/SLUG[@VERSION]: download, verify, validate, map, record provenance."""
    from procex.exchange.workspace.importing import format_import, import_process

    interactive = sys.stdin.isatty()  # non-interactive runs refuse instead of asking
    ask, ask_key = (_ask_for_entry, _ask_for_key) if interactive else (None, None)
    result = import_process(open_workspace(), ref, entry_key, as_name, force, ask, progress_line, ask_key)
    for warning in result.warnings:
        click.echo(f"procex: warning: {warning}", err=True)
    click.echo(format_import(result))


@click.command()
@click.option("--json", "as_json", is_flag=True)
@lang_option("Language of the listing.")
def status(as_json, lang):
    """Each process: origin, catalogue entry, edited since import/update, published or not (offline)."""
    from procex.exchange.workspace.status import format_status, status_json, workspace_status

    rows = workspace_status(open_workspace())
    if as_json:
        emit_json(status_json(rows))
    else:
        click.echo(format_status(rows, lang))


@click.command()
@click.option("--json", "as_json", is_flag=True)
@lang_option("Language of the listing.")
def outdated(as_json, lang):
    """List imported processes whose publisher has a newer version or yanked theirs."""
    from procex.exchange.workspace.outdated import format_outdated
    from procex.exchange.workspace.outdated import outdated as find_outdated

    items = find_outdated(open_workspace())
    if as_json:
        emit_json([o.to_dict() for o in items])
    else:
        click.echo(format_outdated(items, lang))


@click.command()
@click.argument("name")
@click.option("--version", default=None, help="Upstream version to take (default: the newest).")
@click.option(
    "--prefer",
    type=click.Choice(["local", "upstream"]),
    default=None,
    help="Decide every conflict for this side instead of stopping.",
)
@lang_option("Language of the summary and the conflict list.")
def update(name, version, prefer, lang):
    """Merge the newest upstream version into processes/NAME.bpmn (three-way merge)."""
    from procex.exchange.workspace.update import update_process

    result = update_process(open_workspace(), name, version, prefer)
    if not result.written:
        click.echo(result.summary(lang), err=True)  # each conflict with both sides' values, as `merge` lists them
        sys.exit(1)
    click.echo(result.summary(lang))
    for line in result.notes(lang):
        click.echo(line, err=True)


@click.command()
@click.option(
    "--dir",
    "directory",
    default="demo-output",
    show_default=True,
    type=click.Path(file_okay=False),
    help="Folder for the library database, the Koblenz workspace and the report (remade each run).",
)
def demo(directory):
    """Run the main job end to end on a local SQLite library seeded with the example processes."""
    from procex.exchange.demo import run_demo

    run_demo(directory, echo=click.echo, step=lambda title: click.echo(click.style(f"\n== {title}", bold=True)))


@click.command()
@click.option("--version", "version", default=None, help="Version to publish (default: next patch, or 1.0.0).")
@click.option("--allow-personal-data", is_flag=True, help="Publish although the model seems to name persons.")
@click.argument("name")
def publish(name, version, allow_personal_data):
    """Validate and publish processes/NAME.bpmn to the library (derived_from for adaptations)."""
    from procex.exchange.workspace.publishing import publish_process

    result = publish_process(open_workspace(), name, version, allow_personal_data, progress_line)
    if result.status == "no-op":
        click.echo(f"{result.ref} is already published with this content; nothing to do")
    else:
        what = "published" if result.status == "created" else "already in the library with the same content:"
        derived = f" (derived from {result.derived_from})" if result.derived_from else ""
        click.echo(f"{what} {result.ref}{derived}")


COMMANDS = [init, search, import_, status, outdated, update, demo, publish]
