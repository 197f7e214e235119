"""The library server: serve, and admin (members, agreements, tokens, schema, integrity)."""

import sys

import click

from procex.commands.common import emit_json

_DB_HELP = "library database: a SQLite file path (default procex-library.sqlite) or postgresql://user@host/db"


@click.command()
@click.option("--db", default="procex-library.sqlite", show_default=True, help=_DB_HELP)
@click.option("--host", default="127.0.0.1", show_default=True, help="address to listen on")
@click.option("--port", default=8080, show_default=True, type=click.IntRange(0, 65535))
@click.option(
    "--policy",
    type=click.Choice(["reciprocal", "members", "public"]),
    default="reciprocal",
    show_default=True,
    help="who may read: agreed members (give-to-get), any member, anyone",
)
@click.option(
    "--max-upload",
    "max_upload",
    type=click.FloatRange(min=0.001),
    default=32,
    show_default=True,
    help="upload limit in MiB (larger uploads get 413)",
)
@click.option(
    "--workers", type=click.IntRange(1, 64), default=1, show_default=True, help="server processes sharing the database"
)
@click.option(
    "--operator-contact",
    default="",
    help="whom members ask about the library (agreement, tokens), shown on the web pages, "
    "e.g. 'Zweckverband eGov, prozesse@egov.example'",
)
@click.option(
    "--compare-slots",
    type=click.IntRange(1, 64),
    default=1,
    show_default=True,
    help="compare pages computed at once per server process (others wait, then get 503)",
)
@click.option(
    "--compare-wait",
    type=click.FloatRange(0, 600),
    default=10.0,
    show_default=True,
    help="seconds a compare page waits for a free slot before 503 with Retry-After",
)
def serve(db, host, port, policy, max_upload, workers, operator_contact, compare_slots, compare_wait):
    """Run the process library server (API v1 under /api/v1, OpenAPI at /openapi.json)."""
    from procex.exchange.server import admin

    admin.serve(
        db,
        host,
        port,
        policy,
        max_upload,
        workers,
        operator_contact=operator_contact,
        compare_slots=compare_slots,
        compare_wait=compare_wait,
    )


@click.group()
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
    from procex.exchange.server import admin as server_admin

    member = server_admin.member_add(obj["db"], slug, name, ags, contact)
    click.echo(f"added member {member['slug']} ({member['name']}, AGS {member['ags']})")


@admin_member.command("agree")
@click.argument("slug")
@click.option(
    "--license",
    "license_",
    required=True,
    help="licence of the agreement: dl-de/by-2-0, dl-de/zero-2-0, CC-BY-4.0, CC-BY-SA-4.0, CC0-1.0 or EUPL-1.2",
)
@click.pass_obj
def admin_member_agree(obj, slug, license_):
    """Record that a member accepted the sharing agreement (when, under which licence)."""
    from procex.exchange.server import admin as server_admin

    member = server_admin.member_agree(obj["db"], slug, license_)
    agreement = member["agreement"]
    click.echo(f"{slug} accepted the sharing agreement under {agreement['license']} at {agreement['accepted_at']}")


@admin_member.command("list")
@click.option("--json", "as_json", is_flag=True, help="print JSON")
@click.pass_obj
def admin_member_list(obj, as_json):
    """List members, their agreement, processes and active tokens."""
    from procex.exchange.server import admin as server_admin

    rows = server_admin.member_list(obj["db"])
    if as_json:
        emit_json(rows)
        return
    for row in rows:
        agreed = (
            f"agreed {row['agreement']['accepted_at']} ({row['agreement']['license']})"
            if row["agreement"]
            else "no agreement"
        )
        click.echo(
            f"{row['slug']}\t{row['name']}\t{row['ags']}\t{agreed}\t"
            f"{row['processes']} processes\t{row['tokens']} tokens"
        )


@admin.group("token")
def admin_token():
    """Access tokens of members (only their sha256 is stored)."""


@admin_token.command("create")
@click.argument("slug")
@click.option("--label", default=None, help="what the token is for, e.g. 'Workstation Ordnungsamt'")
@click.pass_obj
def admin_token_create(obj, slug, label):
    """Create a token for member SLUG and print it once."""
    from procex.exchange.server import admin as server_admin

    token, record = server_admin.token_create(obj["db"], slug, label)
    click.echo(token)
    click.echo(f"token {record['id']} for {slug} created; it is shown only now, store it safely", err=True)


@admin_token.command("list")
@click.argument("slug", required=False)
@click.pass_obj
def admin_token_list(obj, slug):
    """List tokens (id, member, first characters, label, revoked)."""
    from procex.exchange.server import admin as server_admin

    for row in server_admin.token_list(obj["db"], slug):
        state = f"revoked {row['revoked_at']}" if row["revoked_at"] else "active"
        click.echo(f"{row['id']}\t{row['member']}\t{row['prefix']}…\t{row['label'] or ''}\t{state}")


@admin_token.command("revoke")
@click.argument("token_id_or_prefix")
@click.pass_obj
def admin_token_revoke(obj, token_id_or_prefix):
    """Revoke a token by its id or its first characters (8 or more)."""
    from procex.exchange.server import admin as server_admin

    record = server_admin.token_revoke(obj["db"], token_id_or_prefix)
    click.echo(f"token {record['id']} ({record['prefix']}…) revoked")


@admin.command("upgrade")
@click.pass_obj
def admin_upgrade(obj):
    """Upgrade the database schema to this procex's version (procex serve does it too)."""
    from procex.exchange.server import admin as server_admin

    before, after = server_admin.upgrade(obj["db"])
    click.echo(f"schema version {before} -> {after}" if before != after else f"schema is up to date (version {after})")


@admin.command("check")
@click.pass_obj
def admin_check(obj):
    """Check that every version has its model with the recorded sha256 (exit 1 if not)."""
    from procex.exchange.server import admin as server_admin

    result = server_admin.check(obj["db"])
    counts = result["counts"]
    for problem in result["problems"]:
        click.echo(problem)
    click.echo(
        f"schema {result['schema_version']}: {counts['members']} members, {counts['processes']} processes, "
        f"{counts['versions']} versions, {len(result['problems'])} problems"
    )
    if result["problems"]:
        sys.exit(1)


COMMANDS = [serve, admin]
