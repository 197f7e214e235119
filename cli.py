"""procex command line: a thin click layer.

Each command parses its arguments, calls one function in bpmn/ or exchange/, prints, and sets
the exit status. Every ProcexError is caught once in main() and printed as one line.
"""
import json
import os
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

    model = read_model(file, max_bytes)
    data = summarize(model)
    if as_json:
        emit_json(data)
    else:
        click.echo(format_summary(data, model))


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
    from bpmn.compat import tomllib

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

    imported = xprozess.import_file(file, into, entry, force)
    for done in imported:
        extra = f", {len(done.attachments)} attachment(s) in {done.files_dir}" if done.attachments else ""
        click.echo(f"imported {done.manifest['provenance']} as {done.bpmn_path} (+ {done.manifest_path.name}{extra})")
    from pathlib import Path

    if (Path(into) / "procex.toml").is_file():
        from exchange.importing import record_xprozess_imports
        from exchange.workspace import Workspace

        for slug, catalogue_entry in record_xprozess_imports(Workspace.open(into), imported):
            click.echo(f"  linked catalogue entry {catalogue_entry.leistungsschluessel} "
                       f"{catalogue_entry.title} to processes/{slug}.bpmn")


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
    from bpmn.fileio import atomic_write
    from exchange.xprozess.write import build_export, load_package

    packages = []
    for name in names:
        if "/" not in name and not name.endswith((".bpmn", ".json")):
            from exchange.publishing import workspace_package

            packages.append(workspace_package(_workspace(), name))  # a workspace process by NAME
        else:
            packages.append(load_package(name))
    result = build_export(packages, _xprozess_author(author))
    atomic_write(output, result.data)
    click.echo(f"wrote {output}: {len(names)} prozess(e), message {result.message_uuid}")
    for label, fields in result.omitted.items():
        click.echo(f"note: {label}: not carried by XProzess: {', '.join(fields)}", err=True)


# --- catalogue: import, match-keys ------------------------------------------------------------


@procex.group("catalogue")
def catalogue_group():
    """The local service catalogue (catalogue.csv): import a municipal list, find missing keys."""


@catalogue_group.command("import")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--columns", metavar="FIELD=COLUMN,...",
              help="Name the columns when the header is not recognised: key=…,title=…,status=…,"
                   "office=…,process=… (header text, letter or number).")
@click.option("--into", "into", default=".", type=click.Path(file_okay=False), show_default=True,
              help="Workspace folder; writes DIR/catalogue.csv.")
def catalogue_import(file, columns, into):
    """Import a CSV or XLSX service list into catalogue.csv, checking every Leistungsschlüssel.

    Exit status 1 when rows had errors (they are reported; the good rows are imported).
    """
    from exchange import catalogue

    result = catalogue.import_catalogue(file, into, columns)
    for line in catalogue.format_import_report(result):
        click.echo(line)
    if result.errors:
        sys.exit(1)


@catalogue_group.command("match-keys")
@click.option("--accept", is_flag=True, help="Write the confident proposals into catalogue.csv.")
@click.option("--json", "as_json", is_flag=True, help="Print the proposals as JSON.")
@click.option("--min-score", type=click.FloatRange(0, 1), default=0.85, show_default=True,
              help="Lowest best score that --accept writes.")
@click.option("--margin", type=click.FloatRange(0, 1), default=0.05, show_default=True,
              help="Lead the best candidate needs over the second for --accept.")
@click.option("--dir", "directory", default=".", type=click.Path(file_okay=False), show_default=True,
              help="Workspace folder holding catalogue.csv.")
def catalogue_match_keys(accept, as_json, min_score, margin, directory):
    """Propose Leistungsschlüssel for catalogue rows without one (top 3 LeiKa names, with scores)."""
    from exchange import catalogue

    proposals, written = catalogue.match_keys(directory, accept, min_score, margin)
    if as_json:
        emit_json([p.as_json() for p in proposals])
    else:
        for line in catalogue.format_proposals(proposals, accepted=accept):
            click.echo(line)
    if accept:
        noun = "key" if written == 1 else "keys"
        click.echo(f"wrote {written} {noun} into {catalogue.catalogue_path(directory)}", err=as_json)


# --- Library server: serve, admin ---------------------------------------------------------------

_DB_HELP = "library database: a SQLite file path (default procex-library.sqlite) or postgresql://user@host/db"


@procex.command()
@click.option("--db", default="procex-library.sqlite", show_default=True, help=_DB_HELP)
@click.option("--host", default="127.0.0.1", show_default=True, help="address to listen on")
@click.option("--port", default=8080, show_default=True, type=click.IntRange(0, 65535))
@click.option("--policy", type=click.Choice(["reciprocal", "members", "public"]), default="reciprocal",
              show_default=True, help="who may read: agreed members (give-to-get), any member, anyone")
@click.option("--max-upload", "max_upload", type=click.FloatRange(min=0.001), default=32, show_default=True,
              help="upload limit in MiB (larger uploads get 413)")
@click.option("--workers", type=click.IntRange(1, 64), default=1, show_default=True,
              help="server processes sharing the database")
def serve(db, host, port, policy, max_upload, workers):
    """Run the process library server (API v1 under /api/v1, OpenAPI at /openapi.json)."""
    from exchange.server import admin

    admin.serve(db, host, port, policy, max_upload, workers)


@procex.group()
@click.option("--db", default="procex-library.sqlite", show_default=True, help=_DB_HELP)
@click.pass_context
def admin(ctx, db):
    """Administer a library database: members, agreements, tokens, schema."""
    ctx.obj = {"db": db}


@admin.group("member")
def admin_member():
    """Members (municipalities) of the library."""


@admin_member.command("add")
@click.argument("slug")
@click.option("--name", required=True, help="e.g. 'Stadt Trier'")
@click.option("--ags", required=True, help="Amtlicher Gemeindeschlüssel, 8 digits, e.g. 07211000")
@click.option("--contact", default=None, help="functional mailbox or office of the member")
@click.pass_obj
def admin_member_add(obj, slug, name, ags, contact):
    """Add a member; SLUG is its namespace (trier publishes trier/...)."""
    from exchange.server import admin as server_admin

    member = server_admin.member_add(obj["db"], slug, name, ags, contact)
    click.echo(f"added member {member['slug']} ({member['name']}, AGS {member['ags']})")


@admin_member.command("agree")
@click.argument("slug")
@click.option("--license", "license_", required=True,
              help="licence of the agreement: dl-de/by-2-0, dl-de/zero-2-0, CC-BY-4.0, CC-BY-SA-4.0, CC0-1.0 or EUPL-1.2")
@click.pass_obj
def admin_member_agree(obj, slug, license_):
    """Record that a member accepted the sharing agreement (when, under which licence)."""
    from exchange.server import admin as server_admin

    member = server_admin.member_agree(obj["db"], slug, license_)
    agreement = member["agreement"]
    click.echo(f"{slug} accepted the sharing agreement under {agreement['license']} at {agreement['accepted_at']}")


@admin_member.command("list")
@click.option("--json", "as_json", is_flag=True, help="print JSON")
@click.pass_obj
def admin_member_list(obj, as_json):
    """List members, their agreement, processes and active tokens."""
    from exchange.server import admin as server_admin

    rows = server_admin.member_list(obj["db"])
    if as_json:
        emit_json(rows)
        return
    for row in rows:
        agreed = f"agreed {row['agreement']['accepted_at']} ({row['agreement']['license']})" if row["agreement"] else "no agreement"
        click.echo(f"{row['slug']}\t{row['name']}\t{row['ags']}\t{agreed}\t{row['processes']} processes\t{row['tokens']} tokens")


@admin.group("token")
def admin_token():
    """Access tokens of members (only their sha256 is stored)."""


@admin_token.command("create")
@click.argument("slug")
@click.option("--label", default=None, help="what the token is for, e.g. 'Workstation Ordnungsamt'")
@click.pass_obj
def admin_token_create(obj, slug, label):
    """Create a token for member SLUG and print it once."""
    from exchange.server import admin as server_admin

    token, record = server_admin.token_create(obj["db"], slug, label)
    click.echo(token)
    click.echo(f"token {record['id']} for {slug} created; it is shown only now, store it safely", err=True)


@admin_token.command("list")
@click.argument("slug", required=False)
@click.pass_obj
def admin_token_list(obj, slug):
    """List tokens (id, member, first characters, label, revoked)."""
    from exchange.server import admin as server_admin

    for row in server_admin.token_list(obj["db"], slug):
        state = f"revoked {row['revoked_at']}" if row["revoked_at"] else "active"
        click.echo(f"{row['id']}\t{row['member']}\t{row['prefix']}…\t{row['label'] or ''}\t{state}")


@admin_token.command("revoke")
@click.argument("token_id_or_prefix")
@click.pass_obj
def admin_token_revoke(obj, token_id_or_prefix):
    """Revoke a token by its id or its first characters (8 or more)."""
    from exchange.server import admin as server_admin

    record = server_admin.token_revoke(obj["db"], token_id_or_prefix)
    click.echo(f"token {record['id']} ({record['prefix']}…) revoked")


@admin.command("upgrade")
@click.pass_obj
def admin_upgrade(obj):
    """Upgrade the database schema to this procex's version (procex serve does it too)."""
    from exchange.server import admin as server_admin

    before, after = server_admin.upgrade(obj["db"])
    click.echo(f"schema version {before} -> {after}" if before != after else f"schema is up to date (version {after})")


@admin.command("check")
@click.pass_obj
def admin_check(obj):
    """Check that every version has its model with the recorded sha256 (exit 1 if not)."""
    from exchange.server import admin as server_admin

    result = server_admin.check(obj["db"])
    counts = result["counts"]
    for problem in result["problems"]:
        click.echo(problem)
    click.echo(f"schema {result['schema_version']}: {counts['members']} members, {counts['processes']} processes, "
               f"{counts['versions']} versions, {len(result['problems'])} problems")
    if result["problems"]:
        sys.exit(1)


# --- workspace: init, search, import, diff NAME, outdated, update, publish, demo ---------------

def _workspace(path="."):
    from exchange.workspace import Workspace

    return Workspace.open(path)


class _listing_progress:
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


def _progress(message):
    click.echo(click.style("· ", fg="cyan") + message, err=True)


@procex.command()
@click.option("--municipality", required=True, help='Name of the municipality, e.g. "Stadt Koblenz".')
@click.option("--ags", required=True, help="Amtlicher Gemeindeschlüssel (8 digits), e.g. 07111000.")
@click.option("--library", default="", help="URL of the process library, e.g. https://library.example.")
@click.option("--slug", default=None, help="The municipality's name in the library (default: from --municipality).")
@click.option("--mailbox", default=None,
              help="Functional mailbox for published processes (default: the placeholder prozesse@SLUG.example, "
                   "which publish refuses until it is replaced).")
@click.option("--dir", "directory", default=".", type=click.Path(file_okay=False), show_default=True)
def init(municipality, ags, library, slug, mailbox, directory):
    """Create a workspace: procex.toml, catalogue.csv, mapping.toml, processes/, procex.lock."""
    from exchange.workspace import Workspace

    ws = Workspace.init(directory, municipality, ags, library, slug, mailbox)
    click.echo(f"created workspace for {municipality} ({ws.slug}) in {ws.root}")
    click.echo("set the library token in the environment: export PROCEX_TOKEN=...")
    from exchange.publishing import reserved_mail_domain

    placeholder = ws.config["publish"]["mailbox"]
    if reserved_mail_domain(placeholder):
        click.echo(f"before publishing, replace the placeholder mailbox {placeholder} with your functional "
                   f"mailbox: [publish] mailbox in {ws.root / 'procex.toml'}")


@procex.command()
@click.argument("text", required=False, default="")
@click.option("--leistungsschluessel", "key", default=None, help="Only processes for this 14-digit key.")
@click.option("--publisher", default=None, help="Only processes of this member.")
@click.option("--json", "as_json", is_flag=True)
def search(text, key, publisher, as_json):
    """Search the library (name, description, keywords and task labels)."""
    result = _workspace().client().search(text, key, publisher, per_page=100)
    if as_json:
        emit_json(result)
        return
    for item in result["items"]:
        keys = ",".join(item.get("leistungsschluessel") or [])
        click.echo(f"{item['ref']}  {item.get('name', '')}  [{keys}]")
    click.echo(f"{result['total']} process(es) found", err=True)


def _ask_for_entry(candidates):
    """On a terminal: which of the closest catalogue entries does the process implement?"""
    for number, (score, entry) in enumerate(candidates, 1):
        click.echo(f"  {number}. {entry.leistungsschluessel or '-'} {entry.title} ({score:.2f})", err=True)
    choice = click.prompt("which catalogue entry does it implement? (0 = none of these)",
                          type=click.IntRange(0, len(candidates)), err=True)
    return candidates[choice - 1][1] if choice else None


@procex.command("import")
@click.argument("ref")
@click.option("--entry", "entry_key", default=None, help="Leistungsschlüssel of the catalogue entry it implements.")
@click.option("--as", "as_name", default=None, help="Local name (default: the package's slug).")
@click.option("--force", is_flag=True, help="Import even with validation errors or a yanked version, or replace "
              "an existing or locally edited file.")
def import_(ref, entry_key, as_name, force):
    """Import PUBLISHER/SLUG[@VERSION]: download, verify, validate, map, record provenance."""
    from exchange.importing import format_import, import_process

    ask = _ask_for_entry if sys.stdin.isatty() else None  # non-interactive runs refuse instead
    result = import_process(_workspace(), ref, entry_key, as_name, force, ask, _progress)
    for warning in result.warnings:
        click.echo(f"procex: warning: {warning}", err=True)
    click.echo(format_import(result))


@procex.command()
@click.option("--json", "as_json", is_flag=True)
@click.option("--lang", type=click.Choice(["de", "en"]), default="de", show_default=True)
def status(as_json, lang):
    """Each process: origin, catalogue entry, edited since import/update, published or not (offline)."""
    from exchange.status import format_status, status_json, workspace_status

    rows = workspace_status(_workspace())
    if as_json:
        emit_json(status_json(rows))
    else:
        click.echo(format_status(rows, lang))


@procex.command()
@click.option("--json", "as_json", is_flag=True)
@click.option("--lang", type=click.Choice(["de", "en"]), default="de", show_default=True)
def outdated(as_json, lang):
    """List imported processes whose publisher has a newer version or yanked theirs."""
    from exchange.tracking import format_outdated, outdated as find_outdated

    items = find_outdated(_workspace())
    if as_json:
        emit_json([o.to_dict() for o in items])
    else:
        click.echo(format_outdated(items, lang))


@procex.command()
@click.argument("name")
@click.option("--version", default=None, help="Upstream version to take (default: the newest).")
@click.option("--prefer", type=click.Choice(["local", "upstream"]), default=None,
              help="Decide every conflict for this side instead of stopping.")
@click.option("--lang", type=click.Choice(["de", "en"]), default="de", show_default=True,
              help="Language of the summary and the conflict list.")
def update(name, version, prefer, lang):
    """Merge the newest upstream version into processes/NAME.bpmn (three-way merge)."""
    from exchange.tracking import update_process

    result = update_process(_workspace(), name, version, prefer)
    if not result.written:
        click.echo(result.summary(lang), err=True)  # each conflict with both sides' values, as `merge` lists them
        sys.exit(1)
    click.echo(result.summary(lang))
    for line in result.notes(lang):
        click.echo(line, err=True)


@procex.command()
@click.option("--dir", "directory", default="demo-output", show_default=True, type=click.Path(file_okay=False),
              help="Folder for the library database, the Koblenz workspace and the report (remade each run).")
def demo(directory):
    """Run the main job end to end on a local SQLite library seeded with the example processes."""
    from exchange.demo import run_demo

    run_demo(directory, echo=click.echo, step=lambda title: click.echo(click.style(f"\n== {title}", bold=True)))


@procex.command()
@click.option("--version", "version", default=None, help="Version to publish (default: next patch, or 1.0.0).")
@click.option("--allow-personal-data", is_flag=True, help="Publish although the model seems to name persons.")
@click.argument("name")
def publish(name, version, allow_personal_data):
    """Validate and publish processes/NAME.bpmn to the library (derived_from for adaptations)."""
    from exchange.publishing import publish_process

    result = publish_process(_workspace(), name, version, allow_personal_data, _progress)
    if result.status == "no-op":
        click.echo(f"{result.ref} is already published with this content; nothing to do")
    else:
        what = "published" if result.status == "created" else "already in the library with the same content:"
        derived = f" (derived from {result.derived_from})" if result.derived_from else ""
        click.echo(f"{what} {result.ref}{derived}")


# --- render: draw a model as SVG or PNG ----------------------------------------------------------


@procex.command()
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("-o", "--output", type=click.Path(dir_okay=False),
              help="Write to OUT.svg or OUT.png (default: SVG to standard output).")
@click.option("--diagram", default=0, show_default=True, type=click.IntRange(min=0),
              help="Which diagram of the file to draw (0 = the first).")
@click.option("--lang", type=click.Choice(["de", "en"]), default="de", show_default=True,
              help="Language of the tooltips.")
@MAX_BYTES_OPTION
def render(file, output, diagram, lang, max_bytes):
    """Draw a model from its diagram interchange as SVG (or PNG with -o OUT.png)."""
    from bpmn.render import render_file

    data = render_file(file, output, diagram=diagram, lang=lang, max_bytes=max_bytes)
    if output is None:
        click.echo(data)
    else:
        click.echo(f"wrote {output}", err=True)


# --- diff: diff, textconv ---------------------------------------------------------------------

def REPORT_OPTIONS(command):  # noqa: N802 - used like a constant option bundle
    """--format, -o, --lang and --match, shared by diff and diff3."""
    for option in reversed([
        click.option("--format", "fmt", type=click.Choice(["text", "json", "html"]), default="text",
                     show_default=True, help="text report, JSON (format in the README) or a self-contained HTML report."),
        click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write the report to FILE instead of stdout."),
        click.option("--lang", type=click.Choice(["de", "en"]), default="de", show_default=True,
                     help="Language of the text and HTML report."),
        click.option("--match", "mode", type=click.Choice(["auto", "id"]), default="auto", show_default=True,
                     help="auto: pair by id, then by similarity; id: pair by id only."),
    ]):
        command = option(command)
    return command


def _emit_report(text, output):
    """A report to FILE (atomically) or to stdout."""
    if output:
        from bpmn.fileio import atomic_write

        atomic_write(output, text)
    else:
        click.echo(text, nl=False)


def _diff_workspace_process(name, fmt, output, lang, mode):
    from exchange.tracking import diff_process, format_diff_text

    ws = _workspace()
    attributed, result = diff_process(ws, name, mode)
    if fmt == "json":
        text = json.dumps(attributed, ensure_ascii=False, indent=2) + "\n"
    elif fmt == "html":
        from bpmn.report_html import diff_report

        text = diff_report(result, lang=lang, causes=[change["cause"] for change in attributed["changes"]])
    else:
        text = format_diff_text(attributed, color=output is None and sys.stdout.isatty(), lang=lang) + "\n"
    _emit_report(text, output)



@procex.command()
@click.argument("old", type=click.Path(dir_okay=False))
@click.argument("new", type=click.Path(dir_okay=False), required=False)
@REPORT_OPTIONS
@click.option("--extensions", type=click.Choice(["shared", "all"]), default="shared", show_default=True,
              help="Compare extensions of the namespaces both models use, or of all namespaces.")
@click.option("--no-layout", is_flag=True, help="Leave layout-only changes out of the text report.")
@click.option("--exit-code", is_flag=True, help="Exit with status 1 when there are semantic changes.")
@click.option("--difftool", is_flag=True,
              help="Called as git difftool: an empty file, like /dev/null, is a model that does not exist "
                   "on that side (everything added or removed).")
@MAX_BYTES_OPTION
def diff(old, new, fmt, output, lang, mode, extensions, no_layout, exit_code, difftool, max_bytes):
    """Show what changed between two BPMN models (also works as a git difftool).

    With one argument, OLD is the NAME of a workspace process: the adaptation diff between its
    cached upstream original and processes/NAME.bpmn, each change with its cause. /dev/null as
    OLD or NEW is an empty model: a model git added or deleted shows as all added or all removed.
    """
    from bpmn.diff import diff_models, read_side

    if new is None:
        _diff_workspace_process(old, fmt, output, lang, mode)
        return
    (old_model, old_absent), (new_model, new_absent) = (read_side(old, max_bytes, difftool),
                                                        read_side(new, max_bytes, difftool))
    if old_absent or new_absent:
        extensions = "all"  # nothing is paired: no note about namespaces only one side uses
    result = diff_models(old_model, new_model, mode, extensions)
    if fmt == "json":
        text = json.dumps(result.to_dict(), ensure_ascii=False, indent=2) + "\n"
    elif fmt == "html":
        from bpmn.report_html import diff_report

        text = diff_report(result, lang=lang)
    else:
        from bpmn.diff_text import format_text

        color = output is None and sys.stdout.isatty()
        text = format_text(result, lang=lang, color=color, layout=not no_layout) + "\n"
    _emit_report(text, output)
    if exit_code and result.semantic_changes:
        sys.exit(1)


@procex.command()
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--lang", type=click.Choice(["de", "en"]), default="de", show_default=True,
              help="Language of the line that says a file is not readable BPMN.")
@MAX_BYTES_OPTION
def textconv(file, lang, max_bytes):
    """Print one model as stable semantic lines (git textconv driver for *.bpmn).

    A file that is not readable BPMN gives one line saying why, then its raw text (or its size and
    sha256 when it is binary), and exit status 0, so one broken file does not stop git diff or
    git log -p.
    """
    from bpmn.diff_text import textconv_text

    click.echo(textconv_text(file, max_bytes, lang), nl=False)


# --- suggest and report: catalogue coverage, council report -----------------------------------

@procex.command()
@click.option("--status", "statuses", type=click.Choice(["planned", "in_progress"]), multiple=True,
              help="Only entries with this status (repeatable; default: planned and in_progress).")
@click.option("--limit", type=click.IntRange(min=1), default=5, show_default=True,
              help="Candidates shown per entry.")
@click.option("--json", "as_json", is_flag=True, help="Print the suggestions and the coverage as JSON.")
@click.option("--lang", type=click.Choice(["de", "en"]), default="de", show_default=True)
def suggest(statuses, limit, as_json, lang):
    """Library processes that could serve the catalogue's waiting services, best first."""
    from exchange.suggest import WAITING, format_text, suggest_for_workspace

    with _listing_progress() as progress:
        result = suggest_for_workspace(_workspace(), statuses or WAITING, limit, progress=progress)
    if as_json:
        emit_json(result.as_json())
    else:
        for line in format_text(result, lang):
            click.echo(line)


@procex.command()
@click.option("--format", "fmt", type=click.Choice(["md", "html", "csv", "json"]), default="md",
              show_default=True, help="Markdown, HTML page with charts, CSV of the counts, or JSON.")
@click.option("--save", is_flag=True, help="Keep today's snapshot in .procex/reports/ for the next comparison.")
@click.option("--lang", type=click.Choice(["de", "en"]), default="de", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None,
              help="Write the report to this file (default: standard output).")
def report(fmt, save, lang, output):
    """Counts by status and topic, adopted and own processes, and the changes since the last saved report."""
    from exchange.report import report_for_workspace

    text, saved, written = report_for_workspace(_workspace(), fmt, lang, save, output)
    if written is None and fmt == "csv":
        click.echo(text.encode("utf-8"), nl=False)  # UTF-8 (with its BOM) whatever the console's encoding
    elif written is None:
        click.echo(text, nl=False)
    else:
        click.echo(f"wrote {written}", err=True)
    if saved is not None:
        click.echo(f"saved {saved}", err=True)


# --- validate and lint ---------------------------------------------------------------------------


@procex.command("validate")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(["text", "json", "sarif"]), default="text", show_default=True,
              help="Report as a table, as JSON or as SARIF 2.1.0 (code-scanning tools).")
@click.option("--rules", type=click.Choice(["correctness", "recommended", "all", "none"]), default=None,
              help="Lint preset (default: preset of the config, else correctness); none = schema and references only.")
@click.option("--config", type=click.Path(dir_okay=False),
              help="TOML file with a [lint] table (default: procex.toml here or in a parent folder).")
@click.option("--lang", type=click.Choice(["de", "en"]), default="de", show_default=True,
              help="Language of the messages, the table and the SARIF rule help (JSON keys stay English).")
@MAX_BYTES_OPTION
def validate_command(files, fmt, rules, config, lang, max_bytes):
    """Check BPMN files: OMG schema, references, and lint rules.

    Exit status 0 without errors, 1 with errors, 2 when a file cannot be read or the call is wrong.
    """
    import contextlib

    from bpmn import validate

    # A progress bar on stderr for many files, on a terminal only (never mixed into the report).
    show = sys.stderr.isatty() and len(files) > 3
    bar = click.progressbar(files, label="Prüfe Dateien" if lang == "de" else "checking files",
                            file=sys.stderr) if show else contextlib.nullcontext(files)
    try:
        lint_config = validate.config_for(config)
        with bar as paths:
            reports, unreadable = validate.validate_paths(paths, rules, lint_config, max_bytes, lang)
    except ProcexError as error:  # a wrong config: nothing was checked
        click.echo(f"procex: error: {error}", err=True)
        sys.exit(error.exit_code)
    for error in unreadable:
        click.echo(f"procex: error: {error}", err=True)
    if fmt == "json":
        emit_json(validate.to_json(reports, unreadable))
    elif fmt == "sarif":
        emit_json(validate.to_sarif(reports, rules, lint_config, lang, unreadable))
    else:
        click.echo(validate.format_text(reports, unreadable, lang))
    sys.exit(validate.exit_status(reports, unreadable))


# --- three-way diff and merge: diff3, merge ----------------------------------------------------


@procex.command("diff3")
@click.argument("base", type=click.Path(dir_okay=False))
@click.argument("local", type=click.Path(dir_okay=False))
@click.argument("upstream", type=click.Path(dir_okay=False))
@REPORT_OPTIONS
@MAX_BYTES_OPTION
def diff3(base, local, upstream, fmt, output, lang, mode, max_bytes):
    """Classify LOCAL's and UPSTREAM's changes since BASE: applicable, local, pseudo, conflicts.

    Exit status 1 when conflicts remain that block a merge.
    """
    from bpmn.merge import diff3 as three_way, read_three

    models = read_three(base, local, upstream, max_bytes)
    three = three_way(*models, mode=mode)
    paths = (base, local, upstream)
    if fmt == "json":
        text = json.dumps(three.to_dict(), ensure_ascii=False, indent=2) + "\n"
    elif fmt == "html":
        from bpmn.merge_report import html_report

        text = html_report(three, lang, paths)
    else:
        from bpmn.merge_report import format_text

        text = format_text(three, lang, paths) + "\n"
    _emit_report(text, output)
    if three.blocking:
        sys.exit(1)


@procex.command("merge")
@click.argument("base", type=click.Path(dir_okay=False))
@click.argument("local", type=click.Path(dir_okay=False))
@click.argument("upstream", type=click.Path(dir_okay=False))
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help="Where to write the merged model.")
@click.option("--prefer", type=click.Choice(["local", "upstream"]), help="Decide every conflict for this side.")
@click.option("--lang", type=click.Choice(["de", "en"]), default="de", show_default=True,
              help="Language of the conflict list.")
@click.option("--match", "mode", type=click.Choice(["auto", "id"]), default="auto", show_default=True,
              help="auto: pair by id, then by similarity; id: pair by id only.")
@MAX_BYTES_OPTION
def merge(base, local, upstream, output, prefer, lang, mode, max_bytes):
    """Write LOCAL with UPSTREAM's changes since BASE applied (nothing is written on conflicts)."""
    from bpmn.merge import merge_files
    from bpmn.merge_report import conflict_lines, summary_line

    result = merge_files(base, local, upstream, output, prefer, mode, max_bytes)
    three = result.threeway
    if not result.ok:
        head = (f"procex: {len(result.conflicts)} Konflikt(e), nichts geschrieben; --prefer local|upstream entscheidet sie"
                if lang == "de" else
                f"procex: {len(result.conflicts)} conflict(s), nothing written; --prefer local|upstream decides them")
        click.echo(head, err=True)
        for line in conflict_lines(result.conflicts, lang):
            click.echo(line, err=True)
        sys.exit(1)
    decided = ""
    if result.resolved:
        decided = (f"; {len(result.resolved)} Konflikt(e) für {prefer} entschieden" if lang == "de"
                   else f"; {len(result.resolved)} conflict(s) decided for {prefer}")
    click.echo(f"wrote {output}: {summary_line(three, lang)}{decided}", err=True)
    for ident, reason in result.skipped:
        click.echo(f"note: upstream {ident} not taken: {reason}", err=True)


# --- end of command sections ------------------------------------------------------------------


def main(argv=None):
    """Console entry point: run the click group, turn ProcexError into one line and an exit code."""
    try:
        # Without standalone mode click returns ctx.exit(n)'s code instead of exiting.
        status = procex.main(args=argv, prog_name="procex", standalone_mode=False)
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
    except OSError as error:
        # A file that cannot be read or written (permissions, a missing folder, a full disk).
        where = f"{error.filename}: " if error.filename else ""
        click.echo(f"procex: error: {where}{error.strerror or error}; check the path and its permissions", err=True)
        sys.exit(2)
    except Exception as error:  # noqa: BLE001 - the last line of defence: no traceback for users
        if os.environ.get("PROCEX_DEBUG"):
            raise
        click.echo(f"procex: internal error: {type(error).__name__}: {error} "
                   "(this is a bug in procex; run with PROCEX_DEBUG=1 for details and report it)", err=True)
        sys.exit(3)
    sys.exit(status if isinstance(status, int) else 0)


if __name__ == "__main__":
    main()
