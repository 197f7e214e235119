"""`procex admin` and the store's member and token functions, through the real CLI."""

import json

import pytest

from procex.exchange.server import admin
from procex.exchange.server.storage.store import Store


def test_member_and_token_lifecycle(tmp_path, run_cli):
    db = str(tmp_path / "lib.sqlite")
    result = run_cli(
        "admin",
        "--db",
        db,
        "member",
        "add",
        "trier",
        "--name",
        "Stadt Trier",
        "--ags",
        "07211000",
        "--contact",
        "digitalisierung@trier.de",
    )
    assert result.exit_code == 0 and "added member trier (Stadt Trier, AGS 07211000)" in result.output
    result = run_cli("admin", "--db", db, "member", "agree", "trier", "--license", "dl-de/by-2-0")
    assert "accepted the sharing agreement under dl-de/by-2-0" in result.output
    result = run_cli("admin", "--db", db, "token", "create", "trier", "--label", "Ordnungsamt")
    token = result.output.strip().splitlines()[0]
    assert token.startswith("pxl_") and len(token) > 30
    store = Store(db)
    try:
        assert store.member_for_token(token)["slug"] == "trier"
        with store.read() as conn:  # only the hash is stored
            stored = [tuple(row) for row in conn.exec_driver_sql("SELECT * FROM tokens")]
        assert token not in json.dumps(stored)
    finally:
        store.close()
    listing = json.loads(run_cli("admin", "--db", db, "member", "list", "--json").output)
    assert listing[0]["slug"] == "trier" and listing[0]["tokens"] == 1
    assert listing[0]["agreement"]["license"] == "dl-de/by-2-0"
    assert "revoked" in run_cli("admin", "--db", db, "token", "revoke", token[:10]).output
    assert admin.token_list(db)[0]["revoked_at"]
    assert Store(db).member_for_token(token) is None
    assert "0 problems" in run_cli("admin", "--db", db, "check").output


@pytest.mark.parametrize(
    "args, message",
    [
        (["member", "add", "Trier", "--name", "x", "--ags", "07211000"], "member slug 'Trier' is not valid"),
        (["member", "add", "trier", "--name", "x", "--ags", "7211"], "AGS '7211' is not valid"),
        (["member", "agree", "nobody", "--license", "dl-de/by-2-0"], "no member 'nobody'"),
        (
            ["member", "agree", "trier", "--license", "whatever"],
            "--license: 'whatever' is not an accepted licence for shared process models; use one of dl-de/by-2-0, "
            "dl-de/zero-2-0, CC-BY-4.0, CC-BY-SA-4.0, CC0-1.0, EUPL-1.2",
        ),
        (["token", "create", "nobody"], "no member 'nobody'"),
        (["token", "revoke", "pxl_unknown"], "no token"),
    ],
)
def test_admin_errors_are_one_line(tmp_path, run_cli, args, message):
    db = str(tmp_path / "lib.sqlite")
    result = run_cli("admin", "--db", db, *args)
    assert result.exit_code == 2
    err = result.stderr
    assert err.startswith("procex: error: ") and message in err and len(err.strip().splitlines()) == 1


def test_duplicate_member_is_refused(tmp_path):
    db = str(tmp_path / "lib.sqlite")
    admin.member_add(db, "trier", "Stadt Trier", "07211000")
    with pytest.raises(Exception, match="exists already"):
        admin.member_add(db, "trier", "Stadt Trier", "07211000")


def test_serve_refuses_a_bad_policy_and_documents_defaults(run_cli):
    result = run_cli("serve", "--help")
    assert "--max-upload" in result.output and "32" in result.output and "reciprocal" in result.output
    result = run_cli("serve", "--policy", "everyone")
    assert result.exit_code == 2


def test_serve_takes_uvloop_and_httptools_when_installed_else_pure_python(monkeypatch):
    import importlib.util
    import sys

    # setup.cfg installs both (uvloop not on Windows, which has no build of it)
    assert admin.event_loop_and_parser() == ("asyncio" if sys.platform == "win32" else "uvloop", "httptools")
    found = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name: None if name in ("uvloop", "httptools") else found(name)
    )
    assert admin.event_loop_and_parser() == ("asyncio", "h11")


def test_agreement_licence_is_stored_in_its_canonical_spelling(tmp_path, run_cli):
    db = str(tmp_path / "lib.sqlite")
    admin.member_add(db, "mainz", "Stadt Mainz", "07315000")
    result = run_cli("admin", "--db", db, "member", "agree", "mainz", "--license", "cc-by-4.0")
    assert "mainz accepted the sharing agreement under CC-BY-4.0" in result.output
    assert admin.member_list(db)[0]["agreement"]["license"] == "CC-BY-4.0"
    with pytest.raises(Exception, match="'whatever' is not an accepted licence"):
        admin.seed(db, [{"slug": "bonn", "name": "Stadt Bonn", "ags": "05314000", "license": "whatever"}])
    assert [m["slug"] for m in admin.member_list(db)] == ["mainz"]  # nothing written
