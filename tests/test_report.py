"""procex report (exchange/report.py): counts, topics, and the changes against a saved report."""
import csv
import io
import json
import re
from datetime import date

import pytest
from lxml import etree

import cli
from exchange import report as rep
from exchange.catalogue import CatalogueEntry as E
from exchange.catalogue import write_catalogue
from exchange.workspace import Workspace

PREVIOUS_ENTRIES = [
    E("99050012104000", "Gewerbeanmeldung", "planned", "Ordnungsamt"),
    E("99102013104000", "Hundesteuer Anmeldung", "planned", "Steueramt"),   # key newer than LeiKa 2019
    E("", "Wohnsitz ummelden", "planned", "Bürgeramt"),
    E("99115005104000", "Wohnsitz anmelden", "online", "Bürgeramt", "processes/wohnsitz-anmeldung.bpmn"),
    E("99001031000000", "Anzeige von Abfallsammlungen", "in_progress", "Umweltamt"),
]
PREVIOUS_LOCK = {"processes": {
    "hundesteuer": {"upstream": None, "entry": "99102013104000"},
    "wohnsitz-anmeldung": {"upstream": "trier/wohnsitz-anmeldung@1.0.0", "entry": "99115005104000",
                           "published": {"ref": "koblenz/wohnsitz-anmeldung@1.0.0", "sha256": "a" * 64}}}}
NOW_ENTRIES = [
    E("99050012104000", "Gewerbeanmeldung", "in_progress", "Ordnungsamt", "processes/gewerbeanmeldung.bpmn"),
    E("99102013104000", "Hundesteuer Anmeldung", "online", "Steueramt", "processes/hundesteuer.bpmn"),
    E("", "Wohnsitz ummelden", "planned", "Bürgeramt"),
    E("99115005104000", "Wohnsitz anmelden", "online", "Bürgeramt", "processes/wohnsitz-anmeldung.bpmn"),
    E("99102017002000", "Zweitwohnungsteuer", "planned", "Steueramt"),
]
NOW_LOCK = {"processes": {
    "gewerbeanmeldung": {"upstream": "trier/gewerbeanmeldung@1.1.0", "entry": "99050012104000"},
    "hundesteuer": {"upstream": None, "entry": "99102013104000",
                    "published": {"ref": "koblenz/hundesteuer@1.0.0", "sha256": "b" * 64}},
    # an update of an adopted process is not a new adoption, but its new publication is listed
    "wohnsitz-anmeldung": {"upstream": "trier/wohnsitz-anmeldung@1.1.0", "entry": "99115005104000",
                           "published": {"ref": "koblenz/wohnsitz-anmeldung@1.1.0", "sha256": "c" * 64}}}}
FEB, MAR = date(2025, 2, 3), date(2025, 3, 3)


@pytest.fixture(scope="module")
def reports():
    previous = rep.build_report(PREVIOUS_ENTRIES, PREVIOUS_LOCK, FEB, municipality="Stadt Koblenz")
    now = rep.build_report(NOW_ENTRIES, NOW_LOCK, MAR, json.loads(json.dumps(previous)),
                           municipality="Stadt Koblenz", process_names=["eigenes-verfahren"])
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
    assert now["counts"]["processes"] == {"adopted": 2, "own": 2, "published": 2}
    assert previous["counts"]["processes"] == {"adopted": 1, "own": 1, "published": 1}


def test_changes_against_the_previous_report(reports):
    _, now = reports
    changes = now["changes"]
    assert now["previous"] == "2025-02-03" and changes["previous_date"] == "2025-02-03"
    counts = changes["counts"]
    assert counts["services"] == {"now": 5, "previous": 5, "change": 0}
    assert {s: c["change"] for s, c in counts["by_status"].items()} == {"planned": -1, "in_progress": 0, "online": 1}
    assert {k: c["change"] for k, c in counts["processes"].items()} == {"adopted": 1, "own": 1, "published": 1}
    # Anzeige von Abfallsammlungen (Umwelt) left the catalogue: its topic is still listed, with zero now.
    assert counts["by_topic"]["Umwelt"]["total"] == {"now": 0, "previous": 1, "change": -1}
    assert counts["by_topic"]["Bauen & Wohnen"]["planned"] == {"now": 1, "previous": 0, "change": 1}
    assert changes["status_changed"] == [
        {"leistungsschluessel": "99050012104000", "title": "Gewerbeanmeldung", "from": "planned", "to": "in_progress"},
        {"leistungsschluessel": "99102013104000", "title": "Hundesteuer Anmeldung", "from": "planned", "to": "online"},
    ]
    assert changes["added"] == [{"leistungsschluessel": "99102017002000", "title": "Zweitwohnungsteuer",
                                 "status": "planned"}]
    assert changes["removed"] == [{"leistungsschluessel": "99001031000000", "title": "Anzeige von Abfallsammlungen",
                                   "status": "in_progress"}]
    assert changes["newly_adopted"] == [{"process": "gewerbeanmeldung", "upstream": "trier/gewerbeanmeldung@1.1.0",
                                         "entry": "99050012104000"}]
    assert changes["newly_published"] == [
        {"process": "hundesteuer", "ref": "koblenz/hundesteuer@1.0.0", "first": True},
        {"process": "wohnsitz-anmeldung", "ref": "koblenz/wohnsitz-anmeldung@1.1.0", "first": False},
    ]


def test_markdown(reports):
    previous, now = reports
    text = rep.render(now, "md")
    assert text.startswith("# Umsetzungsstand der Verwaltungsleistungen – Stadt Koblenz\n\n"
                           "Stand 03.03.2025 · Vergleich mit dem Bericht vom 03.02.2025\n")
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
    assert "Kein früherer Bericht gespeichert" in first and "vorher" not in first


def test_csv_counts(reports):
    _, now = reports
    rows = list(csv.reader(io.StringIO(rep.render(now, "csv"))))
    assert rows[0] == ["Bereich", "Thema", "Status", "aktuell", "vorher", "Veränderung"]
    assert ["Status", "", "geplant", "2", "3", "-1"] in rows
    assert ["Prozesse", "", "von anderen Kommunen übernommen", "2", "1", "1"] in rows
    assert ["Themenfeld", "Umwelt", "gesamt", "0", "1", "-1"] in rows
    english = list(csv.reader(io.StringIO(rep.render(now, "csv", "en"))))
    assert english[0] == ["section", "item", "status", "now", "previous", "change"]
    assert ["topic", "unassigned", "planned", "1", "1", "0"] in english


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
    bars = [r.findtext("{http://www.w3.org/2000/svg}title") for r in status_chart.iter("{http://www.w3.org/2000/svg}rect")
            if r.find("{http://www.w3.org/2000/svg}title") is not None]
    assert bars == ["geplant, vorher: 3", "geplant, aktuell: 2", "in Umsetzung, vorher: 1",
                    "in Umsetzung, aktuell: 1", "online, vorher: 1", "online, aktuell: 2"]
    assert "vorher (03.02.2025)" in svgs[0] and "aktuell (03.03.2025)" in svgs[0]
    assert "Bauen &amp; Wohnen" in svgs[1]
    assert "Leistungen mit neuem Status" in page
    assert etree.fromstring(rep.render(now, "html", "en").encode(), etree.HTMLParser()).get("lang") == "en"


def test_previous_report_is_the_newest_before_today(tmp_path, reports):
    previous, now = reports
    assert rep.previous_report(tmp_path, MAR) is None
    rep.save_report(tmp_path, previous)
    older = dict(previous, date="2024-12-01")
    rep.save_report(tmp_path, older)
    rep.save_report(tmp_path, now)  # today's own snapshot is replaced, never compared with
    (tmp_path / ".procex/reports/notes.json").write_text("{}")
    assert rep.previous_report(tmp_path, MAR)["date"] == "2025-02-03"
    assert rep.previous_report(tmp_path, date(2025, 2, 3))["date"] == "2024-12-01"
    (tmp_path / ".procex/reports/2025-02-10.json").write_text("{not json")
    with pytest.raises(rep.ReportError, match=r"2025-02-10.json: cannot read the previous report"):
        rep.previous_report(tmp_path, MAR)


def run(capsys, *args):
    with pytest.raises(SystemExit) as done:
        cli.main(list(args))
    out, err = capsys.readouterr()
    return done.value.code, out, err


def test_cli_report_save_then_compare(tmp_path, monkeypatch, capsys):
    ws = Workspace.init(tmp_path, "Stadt Koblenz", "07111000")
    monkeypatch.chdir(tmp_path)
    write_catalogue(tmp_path / "catalogue.csv", PREVIOUS_ENTRIES)
    ws.save_lock(PREVIOUS_LOCK)
    monkeypatch.setattr(rep, "today", lambda: FEB)
    code, out, err = run(capsys, "report", "--save", "--format", "json")
    assert code == 0 and err.strip() == f"saved {tmp_path / '.procex/reports/2025-02-03.json'}"
    assert json.loads(out) == json.loads((tmp_path / ".procex/reports/2025-02-03.json").read_text())

    write_catalogue(tmp_path / "catalogue.csv", NOW_ENTRIES)
    ws.save_lock(NOW_LOCK)
    monkeypatch.setattr(rep, "today", lambda: MAR)
    code, out, err = run(capsys, "report")
    assert code == 0 and "| geplant | 2 | 3 | \u22121 |" in out and err == ""
    code, out, err = run(capsys, "report", "--format", "html", "--lang", "en", "-o", "bericht.html")
    assert code == 0 and out == "" and "wrote bericht.html" in err
    assert "Services by status" in (tmp_path / "bericht.html").read_text()
    assert not (tmp_path / ".procex/reports/2025-03-03.json").exists()  # not saved without --save
    code, out, err = run(capsys, "report", "--format", "csv")
    assert "Status,,online,2,1,1" in out.splitlines()


def test_cli_report_errors_are_one_line(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    code, out, err = run(capsys, "report")
    assert code == 2 and err.startswith("procex: error: no procex workspace") and "Traceback" not in err
    Workspace.init(tmp_path, "Stadt Koblenz", "07111000")
    (tmp_path / ".procex/reports").mkdir(parents=True)
    (tmp_path / ".procex/reports/2020-01-01.json").write_text('{"format": "other"}')
    code, out, err = run(capsys, "report")
    assert code == 2 and "2020-01-01.json: not a procex report" in err and len(err.splitlines()) == 1
