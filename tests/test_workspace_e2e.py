"""The everyday job end to end, through the CLI, against a real library server on 127.0.0.1."""

import json
import shutil
from functools import partial

import pytest

from procex.exchange.server import admin

from .libserver import EXAMPLES, publish_example
from .workspaces import koblenz_init


def test_koblenz_adopts_adapts_updates_and_shares_back(trier_koblenz_library, tmp_path, run_cli):
    server, db, tokens = trier_koblenz_library
    trier, koblenz = tokens["trier"], tokens["koblenz"]
    assert publish_example(server, trier, "trier", "gewerbeanmeldung")[0] == 201
    assert publish_example(server, trier, "trier", "hundesteuer-anmeldung")[0] == 201

    ws = tmp_path / "koblenz"
    created = koblenz_init(run_cli, server.url, ws).stdout
    assert (
        "before publishing, replace the placeholder mailbox prozesse@koblenz.example with your functional "
        f"mailbox: [publish] mailbox in {ws / 'procex.toml'}"
    ) in created
    as_koblenz = partial(run_cli, cwd=ws, env={"PROCEX_TOKEN": koblenz}, check=True)
    for name in ("catalogue.csv", "mapping.toml"):
        shutil.copyfile(EXAMPLES / "koblenz" / name, ws / name)

    # not yet participating: refused with the give-to-get sentence, nothing imported
    refused = as_koblenz("import", "trier/gewerbeanmeldung@1.0.0", check=False)
    assert refused.returncode == 1
    assert "has not accepted the sharing agreement" in refused.stderr and "Traceback" not in refused.stderr
    assert "ask the library operator to record it (procex admin member agree koblenz --license dl-de/by-2-0)" in (
        refused.stderr
    )
    assert list((ws / "processes").iterdir()) == []

    admin.member_agree(db, "koblenz", "dl-de/by-2-0")
    found = json.loads(as_koblenz("search", "Gewerbe", "--json").stdout)
    assert [item["ref"] for item in found["items"]] == ["trier/gewerbeanmeldung@1.0.0"]

    imported = as_koblenz("import", "trier/gewerbeanmeldung@1.0.0").stdout
    assert "imported trier/gewerbeanmeldung@1.0.0 as processes/gewerbeanmeldung.bpmn" in imported
    assert "99050012104000" in imported and "stadt: participant" in imported
    local = ws / "processes" / "gewerbeanmeldung.bpmn"
    assert b"Stadt Koblenz" in local.read_bytes() and b"Stadt Trier" not in local.read_bytes()
    lock = json.loads((ws / "procex.lock").read_text())["processes"]["gewerbeanmeldung"]
    assert lock["upstream"] == "trier/gewerbeanmeldung@1.0.0" and lock["entry"] == "99050012104000"
    assert "stadt" in lock["mapping"]
    assert (ws / ".procex" / "cache" / f"{lock['sha256']}.bpmn").exists()
    found = json.loads(as_koblenz("search", "Gewerbe", "--json").stdout)
    assert found["items"][0]["adoptions"] == 1  # the import recorded Koblenz's adoption
    from procex.exchange.catalogue.entries import read_catalogue

    linked = [e for e in read_catalogue(ws / "catalogue.csv") if e.leistungsschluessel == "99050012104000"]
    assert [(e.process, e.status) for e in linked] == [("processes/gewerbeanmeldung.bpmn", "in_progress")]

    # a local edit: rename one task, move another to another lane
    from procex.bpmn import edit
    from procex.bpmn.model import read_model
    from procex.core.files import atomic_write

    model = read_model(local)
    edit.rename(model, "Task_Bescheinigung_senden", "Empfangsbescheinigung per De-Mail versenden")
    edit.move_to_lane(model, "Task_Zuverlaessigkeit_pruefen", "Lane_Gewerbe")
    atomic_write(local, model.to_bytes())

    status = json.loads(run_cli("status", "--json", cwd=ws, check=True).stdout)
    assert [
        (s["name"], s["origin"], s["entry"], s["edited"], s["published"], s["unpublished_changes"]) for s in status
    ] == [("gewerbeanmeldung", "trier/gewerbeanmeldung@1.0.0", "99050012104000", True, None, True)]

    diff = json.loads(as_koblenz("diff", "gewerbeanmeldung", "--format", "json").stdout)
    causes = {(c["kind"], c["old_id"]): c["cause"] for c in diff["changes"]}
    assert causes[("renamed", "Task_Bescheinigung_senden")] == "local"
    assert causes[("relaned", "Task_Zuverlaessigkeit_pruefen")] == "local"
    assert causes[("renamed", "Participant_Stadtverwaltung")] == "mapping:stadt"
    assert causes[("renamed", "Lane_Kasse")] == "mapping:stadtkasse"
    local_changes = [c for c in diff["changes"] if c["cause"] == "local"]
    assert sum(1 for c in local_changes if c["kind"] != "layout") == 2
    # the moved task's shape went into its new lane, and its flows were drawn anew
    moved_flows = {f["old_id"] for f in diff["matches"] if f["element_type"] == "sequenceFlow"} & {
        c["old_id"] for c in local_changes if c["kind"] == "layout"
    }
    assert ("layout", "Task_Zuverlaessigkeit_pruefen") in {(c["kind"], c["old_id"]) for c in local_changes}
    assert all(
        c["cause"].startswith("mapping:")
        for c in diff["changes"]
        if c["old_id"] not in {"Task_Bescheinigung_senden", "Task_Zuverlaessigkeit_pruefen"} | moved_flows
    )
    text = as_koblenz("diff", "gewerbeanmeldung").stdout
    assert "lokale Bearbeitung" in text and "Zuordnungsregel stadt" in text
    as_koblenz("diff", "gewerbeanmeldung", "--format", "html", "-o", str(tmp_path / "report.html"))
    html = (tmp_path / "report.html").read_text()
    assert "<th>Ursache</th>" in html and '<td class="cause">Zuordnungsregel stadt</td>' in html
    assert html.count('<td class="cause">lokale Bearbeitung</td>') == len(local_changes)

    # Trier publishes 1.1.0; Koblenz sees it and merges it
    assert publish_example(server, trier, "trier-v2", "gewerbeanmeldung")[0] == 201
    out = as_koblenz("outdated").stdout
    assert "gewerbeanmeldung: trier/gewerbeanmeldung@1.0.0 → trier/gewerbeanmeldung@1.1.0" in out
    as_koblenz("update", "gewerbeanmeldung")
    merged = read_model(local)
    assert merged["Task_Anzeige_pruefen"].name == "Gewerbeanzeige auf Vollständigkeit und Plausibilität prüfen"
    assert "Task_Vorgang_archivieren" in merged and merged.shapes_of("Task_Vorgang_archivieren")
    assert merged["Task_Bescheinigung_senden"].name == "Empfangsbescheinigung per De-Mail versenden"
    assert merged["Task_Zuverlaessigkeit_pruefen"].lane.id == "Lane_Gewerbe"
    assert merged["Participant_Stadtverwaltung"].name == "Stadt Koblenz"
    lock = json.loads((ws / "procex.lock").read_text())["processes"]["gewerbeanmeldung"]
    assert lock["upstream"] == "trier/gewerbeanmeldung@1.1.0"
    assert "alle übernommenen Prozesse sind aktuell" in as_koblenz("outdated").stdout

    # Koblenz shares its adaptation back: not with init's placeholder mailbox; a re-run is a no-op
    refused = as_koblenz("publish", "gewerbeanmeldung", check=False)
    assert refused.returncode == 1 and refused.stderr.strip() == (
        "procex: error: the contact mailbox prozesse@koblenz.example is a placeholder on the reserved example "
        "domain koblenz.example; set the municipality's functional mailbox as [publish] mailbox in "
        f"{ws / 'procex.toml'}"
    )
    config = (ws / "procex.toml").read_text("utf-8")
    (ws / "procex.toml").write_text(config.replace("prozesse@koblenz.example", "gewerbe@koblenz.de"), "utf-8")
    publishing = as_koblenz("publish", "gewerbeanmeldung")
    published = publishing.stdout
    assert "manifest description adapted by mapping rules stadt-text" in publishing.stderr
    assert "warning:" not in publishing.stderr
    assert "published koblenz/gewerbeanmeldung@1.0.0 (derived from trier/gewerbeanmeldung@1.1.0)" in published
    assert "nothing to do" in as_koblenz("publish", "gewerbeanmeldung").stdout
    assert run_cli("status", cwd=ws, check=True).stdout.strip() == (
        "gewerbeanmeldung  [99050012104000 Gewerbeanmeldung]  aus trier/gewerbeanmeldung@1.1.0; "
        "unverändert seit Import/Update; veröffentlicht als koblenz/gewerbeanmeldung@1.0.0"
    )
    manifest = server.get("/processes/koblenz/gewerbeanmeldung/1.0.0", server_member(koblenz)).json()
    assert manifest["derived_from"]["ref"] == "trier/gewerbeanmeldung@1.1.0"
    assert manifest["region"] == {"ags": "07111000", "name": "Stadt Koblenz"}
    assert manifest["contact"]["mailbox"] == "gewerbe@koblenz.de"
    assert "beim Ordnungsamt der Stadt Koblenz:" in manifest["description"] and "Trier" not in json.dumps(
        {key: manifest[key] for key in ("name", "description", "keywords", "legal_basis")}, ensure_ascii=False
    )

    adoptions = server.get("/processes/trier/gewerbeanmeldung/adoptions", server_member(trier)).json()
    assert {(a["adopter"]["slug"], a["version"]) for a in adoptions["items"]} == {
        ("koblenz", "1.0.0"),
        ("koblenz", "1.1.0"),
    }


def server_member(token):
    from .libserver import Member

    return Member("x", token)


def test_publish_refuses_personal_data_and_validation_errors(trier_koblenz_library, tmp_path, run_cli):
    server, db, tokens = trier_koblenz_library
    ws = tmp_path / "ws"
    koblenz_init(run_cli, server.url, ws, "--mailbox", "steueramt@koblenz.de")
    as_koblenz = partial(run_cli, cwd=ws, env={"PROCEX_TOKEN": tokens["koblenz"]})
    from procex.bpmn import edit
    from procex.bpmn.model import read_model

    data = (EXAMPLES / "trier" / "hundesteuer-anmeldung.bpmn").read_bytes()
    model = read_model(EXAMPLES / "trier" / "hundesteuer-anmeldung.bpmn")
    edit.rename(model, model.lanes[0].id, "Frau Meier")
    (ws / "processes" / "hundesteuer.bpmn").write_bytes(model.to_bytes())
    refused = as_koblenz("publish", "hundesteuer")
    assert refused.returncode == 1 and "personal data" in refused.stderr and "Frau Meier" in refused.stderr
    bad = data.replace(b'targetRef="', b'targetRef="missing_', 1)
    (ws / "processes" / "kaputt.bpmn").write_bytes(bad)
    refused = as_koblenz("publish", "kaputt")
    assert refused.returncode == 1 and "validation error" in refused.stderr


@pytest.mark.slow  # the demo starts its own library server
def test_demo_runs_end_to_end(tmp_path, run_cli):
    out = run_cli("demo", "--dir", tmp_path / "demo", cwd=tmp_path, check=True).stdout
    assert "refused: your municipality has not accepted the sharing agreement" in out
    # the command the demo shows (and the client's sentence names) is one that works as printed
    assert "records the agreement: procex admin member agree koblenz --license dl-de/by-2-0\n" in out
    assert "(procex admin member agree koblenz --license dl-de/by-2-0)" in out
    assert "imported trier/gewerbeanmeldung@1.0.0" in out
    assert "übernommen:" in out and "published koblenz/gewerbeanmeldung@1.0.0" in out
    assert "· manifest description adapted by mapping rules stadt-text" in out and "warning:" not in out
    report = tmp_path / "demo" / "gewerbeanmeldung-anpassung.html"
    assert report.exists() and "<svg" in report.read_text()
    for size in ((1366, 900), (390, 844)):
        _adaptation_report_reads_well(report, size)
    assert "für 24 von 148 wartenden Leistungen gibt es einen Prozess einer anderen Kommune (7 exakt)" in out
    council = tmp_path / "demo" / "ratsbericht.html"
    assert council.exists() and "<svg" in council.read_text() and "Stadt Koblenz" in council.read_text()


def _adaptation_report_reads_well(report, size):
    """The demo's adaptation report (what `procex diff NAME --format html` writes) in headless
    Chromium, measured in the DOM: the first change readable in the starting view, a chosen change
    centred in both diagrams, keyboard zoom, unique ids, no serious axe finding, no sideways scroll."""
    from tests import diff_viewer_checks as checks
    from tests.browser import chromium

    driver = chromium(*size)
    try:
        driver.get(report.as_uri())
        found = checks.default_view_shows_first_change(driver)
        assert {f["id"] for f in found} == {"Lane_Gewerbe"}  # the first change: a renamed lane
        assert driver.execute_script("return document.documentElement.scrollWidth") <= size[0]
        checks.no_duplicate_ids(driver)
        # a renamed task, and the task Koblenz moved to another lane
        for ident in ("Task_Bescheinigung_senden", "Task_Zuverlaessigkeit_pruefen"):
            row = driver.find_element("css selector", f"tr.semantic[data-old-id={ident}]")
            driver.execute_script("arguments[0].scrollIntoView()", row)
            old_id, new_id, offsets = checks.choosing_a_change_centres_it(driver, row)
            assert set(offsets) == ({"old", "new"} if size[0] > 800 else {"new"})  # phones: one diagram
        if size[0] > 800:
            checks.keyboard_zooms_and_pans(driver, old_id, new_id)
        # the process itself is not drawn: its row offers nothing to show
        assert not driver.find_elements("css selector", "tr[data-old-id=Process_Gewerbeanmeldung] button.dv-show")
        assert checks.accessibility_violations(driver) == []
    finally:
        driver.quit()


def test_update_with_a_conflict_leaves_the_local_file_untouched(trier_koblenz_library, tmp_path, run_cli):
    server, db, tokens = trier_koblenz_library
    koblenz = tokens["koblenz"]
    admin.member_agree(db, "koblenz", "dl-de/by-2-0")
    publish_example(server, tokens["trier"], "trier", "gewerbeanmeldung")
    ws = tmp_path / "koblenz"
    koblenz_init(run_cli, server.url, ws)
    shutil.copyfile(EXAMPLES / "koblenz" / "catalogue.csv", ws / "catalogue.csv")
    as_koblenz = partial(run_cli, cwd=ws, env={"PROCEX_TOKEN": koblenz}, check=True)
    as_koblenz("import", "trier/gewerbeanmeldung@1.0.0")
    from procex.bpmn import edit
    from procex.bpmn.model import read_model
    from procex.core.files import atomic_write

    local = ws / "processes" / "gewerbeanmeldung.bpmn"
    model = read_model(local)
    edit.rename(model, "Task_Anzeige_pruefen", "Gewerbeanzeige nach Checkliste prüfen")  # Trier renames it too
    atomic_write(local, model.to_bytes())
    before_file, before_lock = local.read_bytes(), (ws / "procex.lock").read_bytes()
    publish_example(server, tokens["trier"], "trier-v2", "gewerbeanmeldung")
    result = as_koblenz("update", "gewerbeanmeldung", check=False)
    assert result.returncode == 1 and result.stdout == ""
    # each conflict with BASE's value and the value of each side, as `procex merge` lists it
    assert result.stderr.splitlines() == [
        "gewerbeanmeldung: trier/gewerbeanmeldung@1.0.0 → trier/gewerbeanmeldung@1.1.0: 1 Konflikt(e); "
        "die lokale Datei bleibt unverändert; --prefer local|upstream entscheidet sie",
        "  [Task_Anzeige_pruefen] Bezeichnung unterschiedlich geändert (label)",
        "      lokal:     umbenannt: Benutzeraufgabe „Gewerbeanzeige nach Checkliste prüfen“ [Task_Anzeige_pruefen]",
        "                   Name: „Gewerbeanzeige auf Vollständigkeit prüfen“ → "
        "„Gewerbeanzeige nach Checkliste prüfen“",
        "      upstream:  umbenannt: Benutzeraufgabe „Gewerbeanzeige auf Vollständigkeit und Plausibilität prüfen“ "
        "[Task_Anzeige_pruefen]",
        "                   Name: „Gewerbeanzeige auf Vollständigkeit prüfen“ → "
        "„Gewerbeanzeige auf Vollständigkeit und Plausibilität prüfen“",
    ]
    assert local.read_bytes() == before_file and (ws / "procex.lock").read_bytes() == before_lock
    # --lang en: the same list in English, names quoted as the English validation messages quote them
    english = as_koblenz("update", "gewerbeanmeldung", "--lang", "en", check=False)
    assert english.returncode == 1 and english.stdout == ""
    assert english.stderr.splitlines() == [
        "gewerbeanmeldung: trier/gewerbeanmeldung@1.0.0 → trier/gewerbeanmeldung@1.1.0: 1 conflict(s); "
        "the local file is left untouched; --prefer local|upstream decides them",
        "  [Task_Anzeige_pruefen] label changed differently (label)",
        "      local:     renamed: userTask 'Gewerbeanzeige nach Checkliste prüfen' [Task_Anzeige_pruefen]",
        "                   name: 'Gewerbeanzeige auf Vollständigkeit prüfen' → "
        "'Gewerbeanzeige nach Checkliste prüfen'",
        "      upstream:  renamed: userTask 'Gewerbeanzeige auf Vollständigkeit und Plausibilität prüfen' "
        "[Task_Anzeige_pruefen]",
        "                   name: 'Gewerbeanzeige auf Vollständigkeit prüfen' → "
        "'Gewerbeanzeige auf Vollständigkeit und Plausibilität prüfen'",
    ]
    assert local.read_bytes() == before_file and (ws / "procex.lock").read_bytes() == before_lock
    # the English summary of a written update (in a copy of the workspace)
    english_copy = tmp_path / "koblenz-english"
    shutil.copytree(ws, english_copy)
    out = run_cli(
        "update",
        "gewerbeanmeldung",
        "--prefer",
        "local",
        "--lang",
        "en",
        cwd=english_copy,
        env={"PROCEX_TOKEN": koblenz},
        check=True,
    ).stdout
    assert out.strip() == (
        "gewerbeanmeldung: trier/gewerbeanmeldung@1.0.0 → trier/gewerbeanmeldung@1.1.0 taken: "
        "11 upstream changes applied, 0 local ones kept, 0 the same on both sides, "
        "1 conflict(s) decided with --prefer local"
    )
    # deciding for the upstream side takes Trier's label (in a copy of the workspace) ...
    other = tmp_path / "koblenz-upstream"
    shutil.copytree(ws, other)
    out = run_cli(
        "update", "gewerbeanmeldung", "--prefer", "upstream", cwd=other, env={"PROCEX_TOKEN": koblenz}, check=True
    ).stdout
    assert out.strip().endswith(", 1 Konflikt(e) mit --prefer upstream entschieden")
    assert read_model(other / "processes" / "gewerbeanmeldung.bpmn")["Task_Anzeige_pruefen"].name == (
        "Gewerbeanzeige auf Vollständigkeit und Plausibilität prüfen"
    )
    # ... for the local side keeps Koblenz's, and the summary counts the decided conflict
    out = as_koblenz("update", "gewerbeanmeldung", "--prefer", "local").stdout
    assert out.strip() == (
        "gewerbeanmeldung: trier/gewerbeanmeldung@1.0.0 → trier/gewerbeanmeldung@1.1.0 übernommen: "
        "11 Änderungen von oben angewendet, 0 lokale behalten, 0 auf beiden Seiten gleich, "
        "1 Konflikt(e) mit --prefer local entschieden"
    )
    assert read_model(local)["Task_Anzeige_pruefen"].name == "Gewerbeanzeige nach Checkliste prüfen"
