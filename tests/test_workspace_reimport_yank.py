"""Re-importing over local edits, and yanked upstream versions, through the CLI against a real server."""

import json
import shutil
from functools import partial

from procex.exchange.library.client import LibraryClient
from procex.exchange.server import admin

from .libserver import EXAMPLES, example
from .workspaces import koblenz_init

HUND = "hundesteuer-anmeldung"
KEY = "99102013002000"


def publish_hundesteuer(server, token, version="1.0.0", rename=None):
    """Trier's Hundesteuer example as ``version``; ``rename`` = (old label, new label) changes the model."""
    from procex.exchange.demo import manifest_from_example

    fields, data = example("trier", HUND)
    if rename:
        old, new = (text.encode("utf-8") for text in rename)
        assert data.count(old) == 1
        data = data.replace(old, new)
    fields["version"] = version
    status, _ = LibraryClient(server.url, token).publish(manifest_from_example(fields, data), data)
    assert status == 201


def yank(server, token, version, reason):
    from procex.exchange.library import package

    LibraryClient(server.url, token).yank(package.parse_ref(f"trier/{HUND}@{version}"), reason)


def koblenz_workspace(run_cli, server, db, tmp_path):
    """Koblenz, now in the sharing agreement, sets up its workspace with `procex init`."""
    admin.member_agree(db, "koblenz", "dl-de/by-2-0")
    ws = tmp_path / "koblenz"
    koblenz_init(run_cli, server.url, ws, "--mailbox", "steueramt@koblenz.de")
    for name in ("catalogue.csv", "mapping.toml"):
        shutil.copyfile(EXAMPLES / "koblenz" / name, ws / name)
    return ws


def lock_of(ws):
    return json.loads((ws / "procex.lock").read_text("utf-8"))["processes"]


def test_reimport_keeps_local_edits_unless_forced_and_keeps_the_publish_record(
    trier_koblenz_library, tmp_path, run_cli
):
    server, db, tokens = trier_koblenz_library
    koblenz = tokens["koblenz"]
    publish_hundesteuer(server, tokens["trier"])
    ws = koblenz_workspace(run_cli, server, db, tmp_path)
    as_koblenz = partial(run_cli, cwd=ws, env={"PROCEX_TOKEN": koblenz}, check=True)
    local = ws / "processes" / f"{HUND}.bpmn"
    as_koblenz("import", f"trier/{HUND}")
    imported = local.read_bytes()

    # the identical state again: nothing written, and it says so
    before = {p: p.read_bytes() for p in ws.rglob("*") if p.is_file()}
    again = as_koblenz("import", f"trier/{HUND}")
    assert again.stdout.strip() == (
        f"trier/{HUND}@1.0.0 is already imported as processes/{HUND}.bpmn with this "
        "content and catalogue entry; nothing to do"
    )
    assert {p: p.read_bytes() for p in ws.rglob("*") if p.is_file()} == before

    assert f"published koblenz/{HUND}@1.0.0" in as_koblenz("publish", HUND).stdout
    published = lock_of(ws)[HUND]["published"]

    # a local edit is not overwritten by a re-import of the same version ...
    edited = imported.replace(b"Hundesteuer festsetzen", b"Hundesteuer nach Satzung 2025 festsetzen")
    local.write_bytes(edited)
    lock_before = (ws / "procex.lock").read_bytes()
    refused = as_koblenz("import", f"trier/{HUND}", check=False)
    assert refused.returncode == 1
    error = refused.stderr.strip().splitlines()[-1]
    assert error == (
        f"procex: error: processes/{HUND}.bpmn was edited since procex wrote it; re-importing "
        f"trier/{HUND}@1.0.0 would replace the edit: keep the file, or replace it with --force"
    )
    assert local.read_bytes() == edited and (ws / "procex.lock").read_bytes() == lock_before

    # ... but with --force, and the lock entry keeps what was published under the name
    as_koblenz("import", f"trier/{HUND}", "--force")
    assert local.read_bytes() == imported
    entry = lock_of(ws)[HUND]
    assert entry["published"] == published and entry["upstream"] == f"trier/{HUND}@1.0.0"
    assert entry["local_sha256"] == published["sha256"]
    assert run_cli("status", cwd=ws, check=True).stdout.strip() == (
        f"{HUND}  [{KEY} Hundesteuer – Anmeldung eines Hundes]  aus trier/{HUND}@1.0.0; "
        f"unverändert seit Import/Update; veröffentlicht als koblenz/{HUND}@1.0.0"
    )
    # so the next publish takes the next version instead of running into 409 on 1.0.0
    local.write_bytes(edited)
    assert f"published koblenz/{HUND}@1.0.1" in as_koblenz("publish", HUND).stdout


def test_yanked_versions_are_refused_flagged_and_shown(trier_koblenz_library, tmp_path, run_cli):
    server, db, tokens = trier_koblenz_library
    trier, koblenz = tokens["trier"], tokens["koblenz"]
    publish_hundesteuer(server, trier, "1.0.0")
    publish_hundesteuer(server, trier, "1.1.0", ("Hundesteuer festsetzen", "Hundesteuer nach Satzung festsetzen"))
    yank(server, trier, "1.1.0", "Steuersatz für gefährliche Hunde falsch")
    ws = koblenz_workspace(run_cli, server, db, tmp_path)
    as_koblenz = partial(run_cli, cwd=ws, env={"PROCEX_TOKEN": koblenz}, check=True)

    # without a version the import takes the newest unyanked one
    out = as_koblenz("import", f"trier/{HUND}").stdout
    assert f"imported trier/{HUND}@1.0.0 as processes/{HUND}.bpmn" in out
    assert "upstream_yanked" not in lock_of(ws)[HUND]

    # the yanked version by name: refused with the reason, nothing written
    before = {p: p.read_bytes() for p in ws.rglob("*") if p.is_file()}
    refused = as_koblenz("import", f"trier/{HUND}@1.1.0", "--as", "hund-neu", check=False)
    assert refused.returncode == 1
    assert (
        refused.stderr.strip()
        .splitlines()[-1]
        .startswith(f"procex: error: trier/{HUND}@1.1.0 was withdrawn by its publisher (yanked ")
    )
    assert refused.stderr.strip().endswith(
        ": Steuersatz für gefährliche Hunde falsch); import another version, or this one anyway with --force"
    )
    assert {p: p.read_bytes() for p in ws.rglob("*") if p.is_file()} == before

    # with --force: one warning line, and the yank is recorded for the offline status
    forced = as_koblenz("import", f"trier/{HUND}@1.1.0", "--as", "hund-neu", "--force")
    warnings = [line for line in forced.stderr.splitlines() if "warning" in line]
    assert len(warnings) == 1 and warnings[0].startswith(
        f"procex: warning: importing trier/{HUND}@1.1.0 although its publisher withdrew it (yanked "
    )
    assert warnings[0].endswith(": Steuersatz für gefährliche Hunde falsch)")
    assert lock_of(ws)["hund-neu"]["upstream_yanked"]["reason"] == "Steuersatz für gefährliche Hunde falsch"
    status = {row["name"]: row for row in json.loads(run_cli("status", "--json", cwd=ws, check=True).stdout)}
    assert status["hund-neu"]["upstream_yanked"]["reason"] == "Steuersatz für gefährliche Hunde falsch"
    assert status[HUND]["upstream_yanked"] is None
    assert run_cli("status", cwd=ws, check=True).stdout.splitlines()[0] == (
        f"hund-neu  [{KEY} Hundesteuer – Anmeldung eines Hundes]  aus trier/{HUND}@1.1.0 (zurückgezogen: "
        "„Steuersatz für gefährliche Hunde falsch“); unverändert seit Import/Update; nicht veröffentlicht"
    )

    # update never goes back silently: hund-neu's base 1.1.0 is withdrawn and 1.0.0 is older
    before = {p: p.read_bytes() for p in ws.rglob("*") if p.is_file()}
    back = as_koblenz("update", "hund-neu", check=False)
    assert back.returncode != 0
    assert back.stderr.strip().splitlines()[-1] == (
        f"procex: error: hund-neu is based on trier/{HUND}@1.1.0, which its publisher withdrew; the newest valid "
        "version 1.0.0 is older, so update would take changes back. Keep your version, or take the older one on "
        "purpose: procex update hund-neu --version 1.0.0"
    )
    assert {p: p.read_bytes() for p in ws.rglob("*") if p.is_file()} == before
    # and a process already on the newest version says so
    assert as_koblenz("update", HUND).stdout.strip() == (f"{HUND}: bereits auf trier/{HUND}@1.0.0; nichts zu tun")
    assert as_koblenz("update", HUND, "--lang", "en").stdout.strip() == (
        f"{HUND}: already on trier/{HUND}@1.0.0; nothing to do"
    )

    # Trier yanks 1.0.0 as well: status (offline) cannot know yet; outdated flags it and records it
    yank(server, trier, "1.0.0", "Ermäßigung für Rettungshunde fehlt")
    assert "zurückgezogen" not in run_cli("status", cwd=ws, check=True).stdout.splitlines()[1]
    out = as_koblenz("outdated").stdout.splitlines()
    assert [line.split(" vom Herausgeber zurückgezogen am ")[0] for line in out] == [
        f"hund-neu: trier/{HUND}@1.1.0",
        f"{HUND}: trier/{HUND}@1.0.0",
    ]
    assert out[0].endswith(": „Steuersatz für gefährliche Hunde falsch“; keine gültige Version mehr in der Bibliothek")
    assert out[1].endswith(": „Ermäßigung für Rettungshunde fehlt“; keine gültige Version mehr in der Bibliothek")
    english = as_koblenz("outdated", "--lang", "en").stdout.splitlines()
    assert english[1].startswith(f"{HUND}: trier/{HUND}@1.0.0 yanked by its publisher on ")
    assert english[1].endswith(": “Ermäßigung für Rettungshunde fehlt”; no unyanked version left in the library")
    listed = json.loads(as_koblenz("outdated", "--json").stdout)
    assert [(o["name"], o["latest"], o["yanked"]["reason"]) for o in listed] == [
        ("hund-neu", None, "Steuersatz für gefährliche Hunde falsch"),
        (HUND, None, "Ermäßigung für Rettungshunde fehlt"),
    ]
    assert (
        "(zurückgezogen: „Ermäßigung für Rettungshunde fehlt“)"
        in run_cli("status", cwd=ws, check=True).stdout.splitlines()[1]
    )
    lock_before = (ws / "procex.lock").read_bytes()
    as_koblenz("outdated")
    assert (ws / "procex.lock").read_bytes() == lock_before  # written only when something new was learned

    # a new version: outdated names it and the yank; update moves on and the yank mark goes
    publish_hundesteuer(server, trier, "1.2.0", ("Hundesteuermarke zuteilen", "Hundesteuermarke ausgeben"))
    out = as_koblenz("outdated").stdout.splitlines()
    assert out[1].startswith(
        f"{HUND}: trier/{HUND}@1.0.0 → trier/{HUND}@1.2.0; 1.0.0 vom Herausgeber zurückgezogen am "
    )
    assert out[1].endswith(": „Ermäßigung für Rettungshunde fehlt“")
    as_koblenz("update", HUND)
    entry = lock_of(ws)[HUND]
    assert entry["upstream"] == f"trier/{HUND}@1.2.0" and "upstream_yanked" not in entry
    assert "zurückgezogen" not in run_cli("status", cwd=ws, check=True).stdout.splitlines()[1]
    assert [line.split(":")[0] for line in as_koblenz("outdated").stdout.splitlines()] == ["hund-neu"]
