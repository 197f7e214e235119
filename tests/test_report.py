"""procex report (exchange/report.py): counts, topics, and the changes against a saved report."""

import csv
import io
import json
import re
from datetime import date

import pytest
from lxml import etree

from procex.exchange.catalogue import report as rep
from procex.exchange.catalogue.entries import CatalogueEntry as E
from procex.exchange.catalogue.entries import write_catalogue
from procex.exchange.workspace.folder import Workspace
from procex.exchange.workspace.lock import Lock

PREVIOUS_ENTRIES = [
    E("99050012104000", "Gewerbeanmeldung", "planned", "Ordnungsamt"),
    E("99102013104000", "Hundesteuer Anmeldung", "planned", "Steueramt"),  # key newer than LeiKa 2019
    E("", "Wohnsitz ummelden", "planned", "Bürgeramt"),
    E("99115005104000", "Wohnsitz anmelden", "online", "Bürgeramt", "processes/wohnsitz-anmeldung.bpmn"),
    E("99001031000000", "Anzeige von Abfallsammlungen", "in_progress", "Umweltamt"),
]
PREVIOUS_LOCK = Lock.from_json(
    {
        "processes": {
            "hundesteuer": {"upstream": None, "entry": "99102013104000"},
            "wohnsitz-anmeldung": {
                "upstream": "trier/wohnsitz-anmeldung@1.0.0",
                "entry": "99115005104000",
                "published": {"ref": "koblenz/wohnsitz-anmeldung@1.0.0", "sha256": "a" * 64},
            },
        }
    }
)
NOW_ENTRIES = [
    E("99050012104000", "Gewerbeanmeldung", "in_progress", "Ordnungsamt", "processes/gewerbeanmeldung.bpmn"),
    E("99102013104000", "Hundesteuer Anmeldung", "online", "Steueramt", "processes/hundesteuer.bpmn"),
    E("", "Wohnsitz ummelden", "planned", "Bürgeramt"),
    E("99115005104000", "Wohnsitz anmelden", "online", "Bürgeramt", "processes/wohnsitz-anmeldung.bpmn"),
    E("99102017002000", "Zweitwohnungsteuer", "planned", "Steueramt"),
]
NOW_LOCK = Lock.from_json(
    {
        "processes": {
            "gewerbeanmeldung": {"upstream": "trier/gewerbeanmeldung@1.1.0", "entry": "99050012104000"},
            "hundesteuer": {
                "upstream": None,
                "entry": "99102013104000",
                "published": {"ref": "koblenz/hundesteuer@1.0.0", "sha256": "b" * 64},
            },
            # an update of an adopted process is not a new adoption, but its new publication is listed
            "wohnsitz-anmeldung": {
                "upstream": "trier/wohnsitz-anmeldung@1.1.0",
                "entry": "99115005104000",
                "published": {"ref": "koblenz/wohnsitz-anmeldung@1.1.0", "sha256": "c" * 64},
            },
        }
    }
)
FEB, MAR = date(2025, 2, 3), date(2025, 3, 3)


@pytest.fixture(scope="module")
def reports():
    previous = rep.build_report(PREVIOUS_ENTRIES, PREVIOUS_LOCK, FEB, municipality="Stadt Koblenz")
    now = rep.build_report(
        NOW_ENTRIES,
        NOW_LOCK,
        MAR,
        json.loads(json.dumps(previous)),
        municipality="Stadt Koblenz",
        process_names=["eigenes-verfahren"],
    )
    return previous, now


def test_counts_by_status_topic_and_processes(reports):
    previous, now = reports
    assert previous["counts"]["by_status"] == {"planned": 3, "in_progress": 1, "online": 1}
    assert now["counts"]["by_status"] == {"planned": 2, "in_progress": 1, "online": 2}
    assert now["counts"]["services"] == 5
    # Themenfeld from LeiKa; a key newer than the list takes its object's (Hundesteuer -> 99102013...);
    # an entry without key has none. Topics sorted, "unassigned" last.
    assert now["counts"]["by_topic"] == {
        "Bauen & Wohnen": {"planned": 1, "in_progress": 0, "online": 1, "total": 2},
        "Engagement & Hobby": {"planned": 0, "in_progress": 0, "online": 1, "total": 1},
        "Unternehmensführung & -entwicklung": {"planned": 0, "in_progress": 1, "online": 0, "total": 1},
        "": {"planned": 1, "in_progress": 0, "online": 0, "total": 1},
    }
    # a process file without a lock entry is an own process too
    assert now["counts"]["processes"] == {"adopted": 2, "fim": 0, "own": 2, "published": 2}
    assert previous["counts"]["processes"] == {"adopted": 1, "fim": 0, "own": 1, "published": 1}


def test_changes_against_the_previous_report(reports):
    _, now = reports
    changes = now["changes"]
    assert now["previous"] == "2025-02-03" and changes["previous_date"] == "2025-02-03"
    counts = changes["counts"]
    assert counts["services"] == {"now": 5, "previous": 5, "change": 0}
    assert {s: c["change"] for s, c in counts["by_status"].items()} == {"planned": -1, "in_progress": 0, "online": 1}
    assert {k: c["change"] for k, c in counts["processes"].items()} == {
        "adopted": 1,
        "fim": 0,
        "own": 1,
        "published": 1,
    }
    # Anzeige von Abfallsammlungen (Umwelt) left the catalogue: its topic is still listed, with zero now.
    assert counts["by_topic"]["Umwelt"]["total"] == {"now": 0, "previous": 1, "change": -1}
    assert counts["by_topic"]["Bauen & Wohnen"]["planned"] == {"now": 1, "previous": 0, "change": 1}
    assert changes["status_changed"] == [
        {"leistungsschluessel": "99050012104000", "title": "Gewerbeanmeldung", "from": "planned", "to": "in_progress"},
        {"leistungsschluessel": "99102013104000", "title": "Hundesteuer Anmeldung", "from": "planned", "to": "online"},
    ]
    assert changes["added"] == [
        {"leistungsschluessel": "99102017002000", "title": "Zweitwohnungsteuer", "status": "planned"}
    ]
    assert changes["removed"] == [
        {"leistungsschluessel": "99001031000000", "title": "Anzeige von Abfallsammlungen", "status": "in_progress"}
    ]
    assert changes["newly_adopted"] == [
        {"process": "gewerbeanmeldung", "upstream": "trier/gewerbeanmeldung@1.1.0", "entry": "99050012104000"}
    ]
    assert changes["newly_from_fim"] == []
    assert changes["newly_published"] == [
        {"process": "hundesteuer", "ref": "koblenz/hundesteuer@1.0.0", "first": True},
        {"process": "wohnsitz-anmeldung", "ref": "koblenz/wohnsitz-anmeldung@1.1.0", "first": False},
    ]


def test_markdown(reports):
    previous, now = reports
    text = rep.render(now, "md")
    assert text.startswith(
        "# Umsetzungsstand der Verwaltungsleistungen – Stadt Koblenz\n\n"
        "Stand 03.03.2025 · Vergleich mit dem Bericht vom 03.02.2025\n"
    )
    assert "| geplant | 2 | 3 | \u22121 |" in text
    assert "| online | 2 | 1 | +1 |" in text
    assert "| **gesamt** | 5 | 5 | \u00b10 |" in text
    assert "| Bauen & Wohnen | 1 (+1) | 0 | 1 | 2 (+1) |" in text
    assert "| Umwelt | 0 | 0 (\u22121) | 0 | 0 (\u22121) |" in text
    assert "| ohne Zuordnung | 1 | 0 | 0 | 1 |" in text
    assert "- 99050012104000 Gewerbeanmeldung: geplant → in Umsetzung" in text
    assert "- gewerbeanmeldung (übernommen von trier/gewerbeanmeldung@1.1.0)" in text
    assert "- koblenz/wohnsitz-anmeldung@1.1.0 (neue Version)" in text
    english = rep.render(now, "md", "en")
    assert "| planned | 2 | 3 | \u22121 |" in english and "## Changes since the last report" in english
    first = rep.render(previous, "md")
    assert "Dies ist der erste Bericht" in first and "vorher" not in first


def test_csv_counts(reports):
    _, now = reports
    # German: what Excel in a German locale opens as columns with readable umlauts: a UTF-8 byte
    # order mark and ";" between the fields.
    data = rep.render(now, "csv").encode("utf-8")
    assert data.startswith(b"\xef\xbb\xbfBereich;Thema;Status;aktuell;vorher;Ver\xc3\xa4nderung\n")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Bereich", "Thema", "Status", "aktuell", "vorher", "Veränderung"]
    assert ["Status", "", "geplant", "2", "3", "-1"] in rows
    assert ["Prozesse", "", "von anderen Kommunen übernommen", "2", "1", "1"] in rows
    assert ["Prozesse", "", "aus FIM-Stammprozessen übernommen", "0", "0", "0"] in rows
    assert ["Themenfeld", "Umwelt", "gesamt", "0", "1", "-1"] in rows
    assert ["Themenfeld", "Unternehmensführung & -entwicklung", "in Umsetzung", "1", "0", "1"] in rows
    assert all(len(row) == 6 for row in rows)
    # English: plain comma-separated UTF-8, no BOM.
    text = rep.render(now, "csv", "en")
    assert text.startswith("section,item,status,now,previous,change\n") and "\ufeff" not in text and ";" not in text
    english = list(csv.reader(io.StringIO(text)))
    assert ["topic", "unassigned", "planned", "1", "1", "0"] in english
    assert ["processes", "", "taken from FIM master processes", "0", "0", "0"] in english
    assert all(len(row) == 6 for row in english)


def test_html_is_self_contained_with_svg_charts(reports):
    _, now = reports
    page = rep.render(now, "html")
    tree = etree.fromstring(page.encode("utf-8"), etree.HTMLParser())
    assert tree.get("lang") == "de"
    # nothing loaded from elsewhere: no script, no external stylesheet, image or link
    assert not tree.xpath("//script | //link | //img | //iframe | //@src")
    assert not re.search(r"(?:href|src)=|url\(", page)
    svgs = re.findall(r"<svg .*?</svg>", page, re.S)
    assert len(svgs) == 2
    status_chart = etree.fromstring(svgs[0])
    bars = [
        r.findtext("{http://www.w3.org/2000/svg}title")
        for r in status_chart.iter("{http://www.w3.org/2000/svg}rect")
        if r.find("{http://www.w3.org/2000/svg}title") is not None
    ]
    assert bars == [
        "geplant, vorher: 3",
        "geplant, aktuell: 2",
        "in Umsetzung, vorher: 1",
        "in Umsetzung, aktuell: 1",
        "online, vorher: 1",
        "online, aktuell: 2",
    ]
    assert "vorher (03.02.2025)" in svgs[0] and "aktuell (03.03.2025)" in svgs[0]
    assert "Bauen &amp; Wohnen" in svgs[1]
    assert "Leistungen mit neuem Status" in page
    assert etree.fromstring(rep.render(now, "html", "en").encode(), etree.HTMLParser()).get("lang") == "en"


def test_previous_report_is_the_latest_saved_before_this_run(tmp_path, reports):
    previous, now = reports
    assert rep.previous_report(tmp_path, MAR) is None
    folder = tmp_path / ".procex/reports"
    assert rep.save_report(tmp_path, previous) == folder / "2025-02-03.json"
    rep.save_report(tmp_path, dict(previous, date="2024-12-01"))
    rep.save_report(tmp_path, dict(previous, date="2025-04-01"))  # dated after the run: not "before" it
    (folder / "notes.json").write_text("{}")
    (folder / "2025-13-01.json").write_text("{}")  # not a date: not one of ours
    assert rep.previous_report(tmp_path, MAR)["date"] == "2025-02-03"
    # a report saved earlier the same day is the one to compare with
    assert rep.previous_report(tmp_path, FEB)["date"] == "2025-02-03"
    assert rep.previous_report(tmp_path, date(2025, 2, 2))["date"] == "2024-12-01"
    # every save is kept; further saves of a day are numbered, and the last one counts
    assert rep.save_report(tmp_path, now) == folder / "2025-03-03.json"
    assert rep.save_report(tmp_path, dict(now, municipality="zweiter")) == folder / "2025-03-03-2.json"
    assert rep.previous_report(tmp_path, MAR)["municipality"] == "zweiter"
    (folder / "2025-03-03-9.json").write_text(json.dumps(dict(now, municipality="neunter")))
    (folder / "2025-03-03-10.json").write_text(json.dumps(dict(now, municipality="zehnter")))
    assert rep.previous_report(tmp_path, MAR)["municipality"] == "zehnter"  # 10 after 9, not before 2
    assert rep.save_report(tmp_path, now) == folder / "2025-03-03-11.json"
    assert rep.previous_report(tmp_path, FEB)["date"] == "2025-02-03"
    (folder / "2025-03-03-12.json").write_text("{not json")
    with pytest.raises(rep.ReportError, match=r"2025-03-03-12.json: cannot read the previous report"):
        rep.previous_report(tmp_path, MAR)


def test_cli_report_save_then_compare(tmp_path, monkeypatch, capsys, run_cli):
    ws = Workspace.init(tmp_path, "Stadt Koblenz", "07111000")
    monkeypatch.chdir(tmp_path)
    write_catalogue(tmp_path / "catalogue.csv", PREVIOUS_ENTRIES)
    ws.save_lock(PREVIOUS_LOCK)
    monkeypatch.setattr(rep, "today", lambda: FEB)
    code, out, err = run_cli("report", "--save", "--format", "json")
    assert code == 0 and err.strip() == f"saved {tmp_path / '.procex/reports/2025-02-03.json'}"
    assert json.loads(out) == json.loads((tmp_path / ".procex/reports/2025-02-03.json").read_text())

    write_catalogue(tmp_path / "catalogue.csv", NOW_ENTRIES)
    ws.save_lock(NOW_LOCK)
    monkeypatch.setattr(rep, "today", lambda: MAR)
    code, out, err = run_cli("report")
    assert code == 0 and "| geplant | 2 | 3 | \u22121 |" in out and err == ""
    code, out, err = run_cli("report", "--format", "html", "--lang", "en", "-o", "bericht.html")
    assert code == 0 and out == "" and "wrote bericht.html" in err
    assert "Services by status" in (tmp_path / "bericht.html").read_text()
    assert not (tmp_path / ".procex/reports/2025-03-03.json").exists()  # not saved without --save
    code, out, err = run_cli("report", "--format", "csv", "-o", "bericht.csv")
    data = (tmp_path / "bericht.csv").read_bytes()
    assert data.startswith("\ufeffBereich;".encode()) and b"Status;;online;2;1;1\n" in data
    code, out, err = run_cli("report", "--format", "csv", "--lang", "en")
    assert out.startswith("section,") and "status,,online,2,1,1" in out.splitlines()


def test_cli_report_errors_are_one_line(tmp_path, monkeypatch, capsys, run_cli):
    monkeypatch.chdir(tmp_path)
    code, out, err = run_cli("report")
    assert code == 2 and err.startswith("procex: error: no procex workspace") and "Traceback" not in err
    Workspace.init(tmp_path, "Stadt Koblenz", "07111000")
    (tmp_path / ".procex/reports").mkdir(parents=True)
    (tmp_path / ".procex/reports/2020-01-01.json").write_text('{"format": "other"}')
    code, out, err = run_cli("report")
    assert code == 2 and "2020-01-01.json: not a procex report" in err and len(err.splitlines()) == 1


def test_cli_report_twice_the_same_day(tmp_path, monkeypatch, capsys, run_cli):
    """A second report on the day of a saved one compares with it: unchanged says so."""
    ws = Workspace.init(tmp_path, "Stadt Koblenz", "07111000")
    monkeypatch.chdir(tmp_path)
    write_catalogue(tmp_path / "catalogue.csv", PREVIOUS_ENTRIES)
    ws.save_lock(PREVIOUS_LOCK)
    monkeypatch.setattr(rep, "today", lambda: FEB)
    code, out, err = run_cli("report", "--save")
    assert code == 0 and "Dies ist der erste Bericht" in out
    code, out, err = run_cli("report")
    assert code == 0 and "Dies ist der erste Bericht" not in out
    assert "Stand 03.02.2025 · Vergleich mit dem früheren Bericht vom selben Tag\n" in out
    assert "Seit dem letzten Bericht hat sich nichts geändert." in out
    assert "| geplant | 3 | 3 | \u00b10 |" in out and "Veränderungen seit" not in out
    code, out, err = run_cli("report", "--format", "html", "--lang", "en")
    assert "Nothing has changed since the last report." in out
    assert "Compared with the earlier report of the same day" in out
    code, out, err = run_cli("report", "--format", "json")
    assert json.loads(out)["previous"] == "2025-02-03" and rep.nothing_changed(json.loads(out)["changes"])

    # later that day one service goes online and the report is saved again: compared with the morning's
    write_catalogue(
        tmp_path / "catalogue.csv",
        [
            E(
                e.leistungsschluessel,
                e.title,
                "online" if e.title == "Gewerbeanmeldung" else e.status,
                e.office,
                e.process,
            )
            for e in PREVIOUS_ENTRIES
        ],
    )
    code, out, err = run_cli("report", "--save")
    assert code == 0 and err.strip() == f"saved {tmp_path / '.procex/reports/2025-02-03-2.json'}"
    assert "| geplant | 2 | 3 | \u22121 |" in out and "- 99050012104000 Gewerbeanmeldung: geplant → online" in out
    assert (tmp_path / ".procex/reports/2025-02-03.json").exists()  # the morning's is kept
    # and the next run compares with that second one
    code, out, err = run_cli("report")
    assert "Seit dem letzten Bericht hat sich nichts geändert." in out and "| geplant | 2 | 2 | \u00b10 |" in out
    # a month later: the latest saved (the afternoon's) is the previous report
    monkeypatch.setattr(rep, "today", lambda: MAR)
    code, out, err = run_cli("report")
    assert "Vergleich mit dem Bericht vom 03.02.2025" in out and "| geplant | 2 | 2 | \u00b10 |" in out


# --- FIM master processes (XProzess imports) are not adoptions from peers ---------------------

FIM_PREVIOUS_LOCK = Lock.from_json(
    {
        "processes": {
            "wohnsitz-anmeldung": {"upstream": "trier/wohnsitz-anmeldung@1.0.0", "entry": "99115005104000"},
            "mutterschutz-anzeige": {"upstream": "xprozess:99006028261000@01.00.00", "entry": "99006028261000"},
        }
    }
)
FIM_NOW_LOCK = Lock.from_json(
    {
        "processes": {
            "wohnsitz-anmeldung": {"upstream": "trier/wohnsitz-anmeldung@1.1.0", "entry": "99115005104000"},
            # a newer version of the same FIM master process is not a new one
            "mutterschutz-anzeige": {"upstream": "xprozess:99006028261000@01.01.00", "entry": "99006028261000"},
            "gewerbeanmeldung": {"upstream": "trier/gewerbeanmeldung@1.1.0", "entry": "99050012104000"},
            "hundesteuer": {
                "upstream": "xprozess:99102013104000@02.00.00",
                "entry": "99102013104000",
                "published": {"ref": "koblenz/hundesteuer@1.0.0", "sha256": "d" * 64},
            },
        }
    }
)


def _old_format(report):
    """The snapshot as procex wrote it before the FIM figure: XProzess imports counted as adopted."""
    old = json.loads(json.dumps(report))
    processes = old["counts"]["processes"]
    old["counts"]["processes"] = {
        "adopted": processes["adopted"] + processes.pop("fim"),
        "own": processes["own"],
        "published": processes["published"],
    }
    return old


@pytest.mark.parametrize("old_snapshot", [False, True], ids=["snapshot-with-fim", "snapshot-before-fim"])
def test_fim_imports_are_counted_apart_from_peer_adoptions(old_snapshot):
    previous = rep.build_report(PREVIOUS_ENTRIES, FIM_PREVIOUS_LOCK, FEB)
    assert previous["counts"]["processes"] == {"adopted": 1, "fim": 1, "own": 0, "published": 0}
    saved = _old_format(previous) if old_snapshot else json.loads(json.dumps(previous))
    if old_snapshot:
        assert saved["counts"]["processes"] == {"adopted": 2, "own": 0, "published": 0}
        saved = rep._upgrade(saved)  # what previous_report does with an older file
    now = rep.build_report(NOW_ENTRIES, FIM_NOW_LOCK, MAR, saved, process_names=["eigenes-verfahren"])
    assert now["counts"]["processes"] == {"adopted": 2, "fim": 2, "own": 1, "published": 1}
    changes = now["changes"]
    assert changes["counts"]["processes"] == {
        "adopted": {"now": 2, "previous": 1, "change": 1},
        "fim": {"now": 2, "previous": 1, "change": 1},
        "own": {"now": 1, "previous": 0, "change": 1},
        "published": {"now": 1, "previous": 0, "change": 1},
    }
    assert changes["newly_adopted"] == [
        {"process": "gewerbeanmeldung", "upstream": "trier/gewerbeanmeldung@1.1.0", "entry": "99050012104000"}
    ]
    assert changes["newly_from_fim"] == [
        {"process": "hundesteuer", "upstream": "xprozess:99102013104000@02.00.00", "entry": "99102013104000"}
    ]
    md = rep.render(now, "md")
    assert "| von anderen Kommunen übernommen | 2 | 1 | +1 |" in md
    assert "| aus FIM-Stammprozessen übernommen | 2 | 1 | +1 |" in md
    assert "| eigene | 1 | 0 | +1 |" in md
    assert (
        "### Neu von anderen Kommunen übernommene Prozesse\n\n"
        "- gewerbeanmeldung (übernommen von trier/gewerbeanmeldung@1.1.0)\n"
    ) in md
    assert (
        "### Neu aus FIM-Stammprozessen übernommene Prozesse\n\n"
        "- hundesteuer (FIM-Stammprozess 99102013104000, Version 02.00.00)\n"
    ) in md
    assert "übernommen von xprozess:" not in md
    english = rep.render(now, "md", "en")
    assert "| taken from FIM master processes | 2 | 1 | +1 |" in english
    assert "- hundesteuer (FIM master process 99102013104000, version 02.00.00)" in english
    page = rep.render(now, "html")
    assert (
        '<tr class=""><td>aus FIM-Stammprozessen übernommen</td><td class="n">2</td><td class="n">1</td>'
        '<td class="n up">+1</td></tr>'
    ) in page
    assert "<li>hundesteuer (FIM-Stammprozess 99102013104000, Version 02.00.00)</li>" in page
    rows = list(csv.reader(io.StringIO(rep.render(now, "csv").lstrip("\ufeff")), delimiter=";"))
    assert ["Prozesse", "", "von anderen Kommunen übernommen", "2", "1", "1"] in rows
    assert ["Prozesse", "", "aus FIM-Stammprozessen übernommen", "2", "1", "1"] in rows
    english_rows = list(csv.reader(io.StringIO(rep.render(now, "csv", "en"))))
    assert ["processes", "", "taken from FIM master processes", "2", "1", "1"] in english_rows
    data = json.loads(rep.render(now, "json"))
    assert data["counts"]["processes"]["fim"] == 2 and data["changes"]["counts"]["processes"]["fim"]["change"] == 1


def test_an_old_saved_snapshot_is_recounted_when_read(tmp_path):
    old = _old_format(rep.build_report(PREVIOUS_ENTRIES, FIM_PREVIOUS_LOCK, FEB))
    old.pop("changes")
    folder = tmp_path / ".procex/reports"
    folder.mkdir(parents=True)
    (folder / "2025-02-03.json").write_text(json.dumps(old))
    assert rep.previous_report(tmp_path, MAR)["counts"]["processes"] == {
        "adopted": 1,
        "fim": 1,
        "own": 0,
        "published": 0,
    }


def test_cli_report_after_importing_the_real_fim_message(tmp_path, monkeypatch, capsys, shared, run_cli):
    """The audit's case: a report saved, then `procex xprozess import` of the FIM message, then a report."""
    ws = Workspace.init(tmp_path, "Stadt Koblenz", "07111000")
    monkeypatch.chdir(tmp_path)
    write_catalogue(
        tmp_path / "catalogue.csv",
        PREVIOUS_ENTRIES + [E("99006028261000", "Anzeige Beschäftigung schwangere Frau", "planned", "Gewerbeaufsicht")],
    )
    ws.save_lock(PREVIOUS_LOCK)
    monkeypatch.setattr(rep, "today", lambda: FEB)
    assert run_cli("report", "--save").exit_code == 0
    message = shared / "corpora/fim/99006028261000_Anzeige_Beschaeftigung_schwangere_stillende_Frau.xprozess2.xml"
    code, out, err = run_cli("xprozess", "import", str(message), "--into", str(tmp_path))
    assert code == 0, err
    name = next(
        n
        for n, p in Workspace.open(tmp_path).lock().processes.items()
        if p.upstream == "xprozess:99006028261000@01.00.00"
    )
    monkeypatch.setattr(rep, "today", lambda: MAR)
    code, out, err = run_cli("report")
    assert code == 0, err
    assert "| von anderen Kommunen übernommen | 1 | 1 | \u00b10 |" in out
    assert "| aus FIM-Stammprozessen übernommen | 1 | 0 | +1 |" in out
    assert f"- {name} (FIM-Stammprozess 99006028261000, Version 01.00.00)" in out
    assert "### Neu von anderen Kommunen übernommene Prozesse\n\nkeine\n" in out
    code, out, err = run_cli("report", "--format", "csv")
    assert "Prozesse;;aus FIM-Stammprozessen übernommen;1;0;1" in out.splitlines()
    assert "Prozesse;;von anderen Kommunen übernommen;1;1;0" in out.splitlines()


def test_cli_csv_on_standard_output_is_utf8_whatever_the_console(tmp_path, run_cli):
    """`procex report --format csv > bericht.csv` on a Windows-1252 console: still UTF-8 with its BOM."""
    Workspace.init(tmp_path, "Stadt Koblenz", "07111000")
    write_catalogue(tmp_path / "catalogue.csv", NOW_ENTRIES)
    # a child process: only a real interpreter takes its console encoding from PYTHONIOENCODING
    done = run_cli("report", "--format", "csv", cwd=tmp_path, env={"PYTHONIOENCODING": "cp1252"}, separate=True)
    assert done.exit_code == 0, done.stderr
    # read as UTF-8: a cp1252 byte (ä as 0xE4) would show as U+FFFD and fail these comparisons
    assert done.stdout.startswith("\ufeffBereich;Thema;Status;aktuell;vorher;Veränderung\n")
    assert "Themenfeld;Unternehmensführung & -entwicklung;in Umsetzung;1;;\n" in done.stdout


# --- written for the council: no command lines, landmarks, contrast, axe-core --------------------


def test_reports_hold_no_command_lines(reports):
    previous, now = reports
    for report in (previous, now):
        for fmt in ("md", "html", "csv"):
            for lang in ("de", "en"):
                text = rep.render(report, fmt, lang)
                assert "procex " not in text and "--save" not in text, (fmt, lang)


def test_html_has_landmarks_language_and_no_empty_header_cells(reports):
    previous, now = reports
    for report in (previous, now):
        html = rep.render(report, "html", "de")
        assert html.count("<main>") == 1 and "</main><footer>" in html
        assert '<html lang="de">' in html
        assert not re.search(r"<th[^>]*>\s*</th>", html)
        assert "<th>Herkunft</th>" in html


@pytest.mark.parametrize("lang", ["de", "en"])
def test_council_report_passes_axe_core_without_any_violation(reports, tmp_path, lang):
    from tests.browser import axe_violations, chromium

    previous, now = reports
    driver = chromium()
    try:
        for name, report in (("first", previous), ("compared", now)):
            path = tmp_path / f"{name}-{lang}.html"
            path.write_text(rep.render(report, "html", lang), "utf-8")
            driver.get(path.as_uri())
            assert axe_violations(driver) == [], name
    finally:
        driver.quit()
