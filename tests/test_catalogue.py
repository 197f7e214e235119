"""Catalogue import (CSV/XLSX municipal lists) and Leistungsschlüssel proposals (exchange/catalogue.py)."""

import json

import pytest
from openpyxl import Workbook

from procex.exchange.catalogue.entries import (
    CatalogueEntry,
    CatalogueError,
    import_catalogue,
    parse_status,
    propose_keys,
    read_catalogue,
    write_catalogue,
)
from procex.exchange.catalogue.leika import check_key, clean_key, load_leika

# --- the reference list -------------------------------------------------------------------------


def test_leika_reference_list():
    services = load_leika()
    assert len(services) == 4813
    gewerbe = services["99050012104000"]
    assert gewerbe.name == "Gewerbe Anmeldung"
    assert gewerbe.object_key == "99050012"
    assert gewerbe.themenfeld and gewerbe.ozg_leistung
    assert check_key("99050012104000") is None
    assert check_key("9905001210400") == "malformed"
    assert check_key("99102013104000") == "unknown"  # Hundesteuer Anmeldung: newer than 2019
    assert clean_key("99 050 012 104 000") == "99050012104000"
    assert clean_key(99050012104000.0) == "99050012104000"
    assert clean_key("'99050012104000") == "99050012104000"


@pytest.mark.parametrize(
    "word, status",
    [
        ("geplant", "planned"),
        ("Offen", "planned"),
        ("in Planung", "planned"),
        ("In Umsetzung", "in_progress"),
        ("in Bearbeitung", "in_progress"),
        ("begonnen", "in_progress"),
        ("online", "online"),
        ("Umgesetzt", "online"),
        ("fertig", "online"),
        ("LIVE", "online"),
        ("vielleicht", None),
    ],
)
def test_status_words(word, status):
    assert parse_status(word) == status


# --- import -------------------------------------------------------------------------------------

CSV_ROWS = [
    "Übersicht OZG-Leistungen Stadt Koblenz;;;",  # row 1: a title line
    "Leistungsschlüssel;Leistung;Status;Amt",  # row 2: the header
    "99050012104000;Gewerbeanmeldung;in Umsetzung;Ordnungsamt",  # 3
    "9905001210400;Gewerbeabmeldung;geplant;Ordnungsamt",  # 4 malformed key
    "99102013104000;Hundesteuer Anmeldung;umgesetzt;Steueramt",  # 5 unknown key
    ";Wohnsitz ummelden;offen;Bürgeramt",  # 6 no key
    ";Parkausweis für Anwohner;vielleicht;Straßenverkehrsbehörde",  # 7 unknown status
    "99 115 005 104 000;Wohnsitz anmelden;online;Bürgeramt",  # 8 key with spaces
    ";;;",  # 9 empty
    "99050012104000;Gewerbe anmelden (Duplikat);geplant;Ordnungsamt",  # 10 duplicate key
    ";Führungszeugnis;;Bürgeramt",  # 11 no status
]


def test_import_csv_cp1252_semicolon(tmp_path, capsys, run_cli):
    source = tmp_path / "liste.csv"
    source.write_bytes("\r\n".join(CSV_ROWS).encode("cp1252"))
    status, out, err = run_cli("catalogue", "import", str(source), "--into", str(tmp_path))
    assert status == 1  # rows with errors were reported; the good rows are imported
    lines = out.splitlines()
    assert any(
        line.startswith("liste.csv row 4: error: Leistungsschlüssel '9905001210400' is malformed") for line in lines
    )
    assert any(
        line.startswith("liste.csv row 5: warning: Leistungsschlüssel 99102013104000 is not in") for line in lines
    )
    assert any(line.startswith("liste.csv row 7: error: status 'vielleicht' not understood") for line in lines)
    assert any(
        line.startswith("liste.csv row 10: error: Leistungsschlüssel 99050012104000 already in row 3") for line in lines
    )
    assert any(line.startswith("liste.csv row 11: warning: no status") for line in lines)
    assert lines[-1].startswith("imported 6 services into")
    assert "(3 geplant, 1 in Umsetzung, 2 online)" in lines[-1]
    assert "2 rows skipped" in lines[-1]

    text = (tmp_path / "catalogue.csv").read_text(encoding="utf-8")
    assert text == (
        "leistungsschluessel,title,status,office,process\n"
        "99050012104000,Gewerbeanmeldung,in_progress,Ordnungsamt,\n"
        "99102013104000,Hundesteuer Anmeldung,online,Steueramt,\n"
        "99115005104000,Wohnsitz anmelden,online,Bürgeramt,\n"
        ",Führungszeugnis,planned,Bürgeramt,\n"
        ",Gewerbeabmeldung,planned,Ordnungsamt,\n"
        ",Wohnsitz ummelden,planned,Bürgeramt,\n"
    )


def test_import_csv_utf8_bom_comma(tmp_path):
    source = tmp_path / "list.csv"
    source.write_bytes(
        "\ufeffLeiKa-Schlüssel,Bezeichnung,Umsetzungsstatus,Fachbereich\n"
        '99008001012000,"Personalausweis beantragen",live,"Bürgerdienste, Meldewesen"\n'.encode("utf-8")
    )
    result = import_catalogue(source, tmp_path)
    assert result.problems == []
    assert read_catalogue(tmp_path / "catalogue.csv") == [
        CatalogueEntry("99008001012000", "Personalausweis beantragen", "online", "Bürgerdienste, Meldewesen", "")
    ]


def test_import_xlsx_with_german_headers(tmp_path, capsys, run_cli):
    book = Workbook()
    sheet = book.active
    sheet.title = "Leistungen"
    sheet.append(["Digitalisierungsplan 2024"])
    sheet.append([])
    sheet.append(["LeiKa-Schlüssel", "Bezeichnung der Leistung", "Umsetzungsstand", "Fachbereich"])  # row 3
    sheet.append([99050012104000, "Gewerbeanmeldung", "in Bearbeitung", "Ordnungsamt"])  # 4 int
    sheet.append([99107023017000.0, "Wohngeld", "Online", "Sozialamt"])  # 5 float
    sheet.append(["99-0-0", "Fischereischein", "geplant", "Ordnungsamt"])  # 6 malformed
    sheet.append(["99999999999999", "Erfundene Leistung", "fertig", "Hauptamt"])  # 7 unknown
    sheet.append([None, None, None, None])  # 8 empty
    sheet.append([None, "Hundesteuer anmelden", "in Planung", "Steueramt"])  # 9
    source = tmp_path / "liste.xlsx"
    book.save(source)

    status, out, _ = run_cli("catalogue", "import", str(source), "--into", str(tmp_path / "ws"))
    assert status == 1
    assert "liste.xlsx [Leistungen] row 6: error: Leistungsschlüssel '99-0-0' is malformed" in out
    assert "liste.xlsx [Leistungen] row 7: warning: Leistungsschlüssel 99999999999999 is not in" in out
    entries = read_catalogue(tmp_path / "ws" / "catalogue.csv")
    assert [(e.leistungsschluessel, e.title, e.status) for e in entries] == [
        ("99050012104000", "Gewerbeanmeldung", "in_progress"),
        ("99107023017000", "Wohngeld", "online"),
        ("99999999999999", "Erfundene Leistung", "online"),
        ("", "Fischereischein", "planned"),
        ("", "Hundesteuer anmelden", "planned"),
    ]


def test_import_with_named_columns_keeps_process_links(tmp_path):
    write_catalogue(
        tmp_path / "catalogue.csv",
        [
            CatalogueEntry("99050012104000", "Gewerbeanmeldung", "online", "Ordnungsamt", "processes/gewerbe.bpmn"),
            CatalogueEntry("", "Fischereischein", "planned", "", "processes/fischerei.bpmn"),
        ],
    )
    source = tmp_path / "export.csv"
    source.write_text(
        "Nr.;Was;Wie weit;D\n99050012104000;Gewerbe An;online;OA\n;Fischereischein;offen;OA\n", encoding="utf-8"
    )
    result = import_catalogue(source, tmp_path, "key=Nr.,title=Was,status=Wie weit,office=D")
    assert result.links_kept == 2
    assert [e.process for e in read_catalogue(tmp_path / "catalogue.csv")] == [
        "processes/gewerbe.bpmn",
        "processes/fischerei.bpmn",
    ]


def test_import_errors_write_nothing(tmp_path, capsys, run_cli):
    source = tmp_path / "notes.csv"
    source.write_text("a;b\n1;2\n", encoding="utf-8")
    status, _, err = run_cli("catalogue", "import", str(source), "--into", str(tmp_path))
    assert status == 2
    assert "no header row found" in err and "Traceback" not in err
    assert not (tmp_path / "catalogue.csv").exists()
    with pytest.raises(CatalogueError, match="--columns"):
        import_catalogue(source, tmp_path, "titel")
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"not a zip")
    with pytest.raises(CatalogueError, match="not a readable .xlsx"):
        import_catalogue(broken, tmp_path)


@pytest.mark.parametrize(
    "spec, shown",
    [("key=Q", "key=Q"), ("status=Z", "status=Z"), ("title=Leistung,status=3", "status=3"), ("key=AA", "key=AA")],
)
def test_import_refuses_a_column_outside_the_table_csv(tmp_path, capsys, spec, shown, run_cli):
    source = tmp_path / "liste.csv"
    source.write_text("Leistung;Status\nGewerbeanmeldung;geplant\nHund anmelden;online\n;\n", encoding="utf-8")
    status, out, err = run_cli("catalogue", "import", str(source), "--columns", spec, "--into", str(tmp_path))
    assert status == 2 and out == ""
    assert err.strip().splitlines() == [
        f"procex: error: {source}: --columns {shown}: no such column; the file has 2 columns (A Leistung, B Status)"
    ]
    assert not (tmp_path / "catalogue.csv").exists()
    # inside the table a letter or number still works, also for a column without a header
    source.write_text("Leistung;Status;\nGewerbeanmeldung;geplant;OA\n", encoding="utf-8")
    result = import_catalogue(source, tmp_path, "office=C,status=2")
    assert [(e.title, e.status, e.office) for e in result.entries] == [("Gewerbeanmeldung", "planned", "OA")]


def test_import_refuses_a_column_outside_the_table_xlsx(tmp_path, capsys, run_cli):
    book = Workbook()
    sheet = book.active
    sheet.title = "OZG"
    sheet.append(["Umsetzungsplan"])
    sheet.append(["Leistung", "Stand", "Amt"])
    sheet.append(["Gewerbeanmeldung", "online", "Ordnungsamt"])
    sheet.cell(row=6, column=6).number_format = "0"  # a formatted, empty cell widens the sheet
    source = tmp_path / "liste.xlsx"
    book.save(source)
    for spec in ("key=F", "key=4", "status=Stand,key=Z"):
        status, out, err = run_cli("catalogue", "import", str(source), "--columns", spec, "--into", str(tmp_path))
        assert status == 2 and out == ""
        assert err.startswith(f"procex: error: {source}: --columns key=")
        assert err.rstrip().endswith("no such column; the file has 3 columns (A Leistung, B Stand, C Amt)")
        assert len(err.strip().splitlines()) == 1
    assert not (tmp_path / "catalogue.csv").exists()
    result = import_catalogue(source, tmp_path, "title=A,status=2,office=C")
    assert [(e.title, e.status, e.office) for e in result.entries] == [("Gewerbeanmeldung", "online", "Ordnungsamt")]


def test_read_catalogue_reports_line(tmp_path):
    path = tmp_path / "catalogue.csv"
    path.write_text("leistungsschluessel,title,status,office,process\n,Hund,geplant,,\n", encoding="utf-8")
    with pytest.raises(CatalogueError, match=r"catalogue.csv:2: status 'geplant' is not one of"):
        read_catalogue(path)


# --- match-keys ---------------------------------------------------------------------------------
# Service names as town halls write them on their websites and in their OZG lists (citizens' verbs,
# abbreviations, word order changed, compounds split or joined; none equals its LeiKa name), each
# with the key a person chose by reading the LeiKa 2019 list in exchange/data/. Where the name says
# what is done (anmelden, beantragen, Verlust melden ...) the answer is the key of that action
# (Verrichtung), not the object key (...000000); a bare document name (Meldebescheinigung,
# Parkausweis, Genehmigung) stands for the service that issues the document. Object keys remain
# the answer only where LeiKa has no action for what the name says.
MUNICIPAL_NAMES = [
    ("Gewerbe anmelden", "99050012104000"),  # Gewerbe Anmeldung
    ("Gewerbe abmelden", "99050012070000"),  # Gewerbe Abmeldung
    ("Gewerbe ummelden", "99050012071000"),  # Gewerbe Ummeldung
    ("Kfz ummelden", "99036008071000"),  # Kraftfahrzeug Ummeldung
    ("Hund anmelden", "99110009104000"),  # Hundehaltung Anmeldung
    ("Befreiung von der Hundesteuer", "99102013010000"),  # Hundesteuer Befreiung
    ("Wohnsitz anmelden", "99115005104000"),  # Wohnsitz Anmeldung
    ("Abmeldung Wohnsitz", "99115005070000"),  # Wohnsitz Abmeldung
    ("Wohnsitz ummelden", "99115005011000"),  # Wohnsitz Änderung
    ("Nebenwohnsitz anmelden", "99115005104002"),  # Wohnsitz Anmeldung als Nebenwohnsitz
    ("Personalausweis beantragen", "99008001012000"),  # Personalausweis Ausstellung
    ("Reisepass beantragen", "99085001012000"),  # Reisepass Ausstellung
    ("Verlust Personalausweis melden", "99008001014002"),  # Personalausweis Meldung wegen Verlust
    ("Verlustmeldung Reisepass", "99085001014003"),  # Reisepass Meldung wegen Verlust
    ("Führungszeugnis beantragen", "99049001001000"),  # Führungszeugnis Erteilung
    ("Führungszeugnis online beantragen", "99049001001003"),  # ... Beantragung im Onlineverfahren
    ("Erweitertes Führungszeugnis", "99049001001002"),  # Führungszeugnis Erteilung erweitert
    ("Parkausweis für Anwohner", "99108001001000"),  # Bewohnerparkausweis Erteilung
    ("Anwohnerparkausweis beantragen", "99108001001000"),  # Bewohnerparkausweis Erteilung
    ("Bewohnerparkausweis verlängern", "99108001020000"),  # Bewohnerparkausweis Verlängerung
    ("Schwerbehindertenparkausweis", "99108009012000"),  # Parkausweis für Schwerbehinderte Ausstellung
    ("Fischereischein beantragen", "99042001012000"),  # Fischereischein Ausstellung
    ("Jagdschein beantragen", "99067004001000"),  # Jagdschein Erteilung
    ("Meldebescheinigung", "99115003012000"),  # amtliche Meldebestätigung Ausstellung
    ("Auskunft aus dem Melderegister beantragen", "99115004001000"),  # Melderegisterauskunft Erteilung
    ("Auskunftssperre im Melderegister", "99115002060001"),  # ... im Melderegister Eintragung Auskunftssperre
    ("Geburtsurkunde bestellen", "99027002012000"),  # Geburtsurkunde Ausstellung
    ("Sterbeurkunde beantragen", "99101004012000"),  # Sterbeurkunde Ausstellung
    ("Heiratsurkunde beantragen", "99059004012000"),  # Eheurkunde Ausstellung
    ("Ehefähigkeitszeugnis beantragen", "99059002012000"),  # Ehefähigkeitszeugnis Ausstellung
    ("Baugenehmigung beantragen", "99012008001000"),  # Baugenehmigung Erteilung
    ("Bauvorbescheid beantragen", "99012010001000"),  # Bauvorbescheid Erteilung
    ("Fällgenehmigung für Bäume beantragen", "99093003001000"),  # Baumfällgenehmigung Erteilung
    ("Abgeschlossenheitsbescheinigung beantragen", "99012002012000"),  # ... Ausstellung
    ("Sondernutzungserlaubnis Straße", "99108012005000"),  # Sondernutzung von Straßen Erlaubnis
    ("Halteverbot für Umzug", "99108011000000"),  # Parkplatzabsperrung für Umzug Halteverbotszone
    ("Wohngeld beantragen", "99107023017000"),  # Wohngeld Bewilligung
    ("WBS beantragen", "99107022012000"),  # Wohnberechtigungsschein Ausstellung
    ("Elterngeld beantragen", "99041006017000"),  # Elterngeld Bewilligung
    ("Antrag auf Unterhaltsvorschuss", "99107021017000"),  # Unterhaltsvorschuss Bewilligung
    ("Briefwahlunterlagen anfordern", "99128001120001"),  # Briefwahl Zusendung der Briefwahlunterlagen
    ("Kfz-Zulassung", "99036008007000"),  # Kraftfahrzeug Zulassung
    ("Kfz abmelden", "99036008070000"),  # Kraftfahrzeug Abmeldung
    ("Wunschkennzeichen reservieren", "99036009072003"),  # ... Reservierung Wunschkennzeichen
    ("Führerschein beantragen", "99023001012000"),  # Führerschein Ausstellung
    ("Gaststättenerlaubnis", "99025002005000"),  # Gaststättengewerbe Erlaubnis
    ("Erlaubnis zum Betrieb einer Spielhalle", "99050028005000"),  # Spielhallen Erlaubnis
    ("Reisegewerbekarte", "99050023005000"),  # Reisegewerbe Erlaubnis
    ("Taxikonzession", "99084012001000"),  # Taxigenehmigung Erteilung
    ("Sperrmüllabholung", "99001009004002"),  # Sperrmüll Entsorgung durch Abholung
    ("Fundsache abholen", "99089017152000"),  # Fundsachen Herausgabe
    ("Eintragung in die Waffenbesitzkarte", "99089086060000"),  # Waffenbesitzkarte Eintragung
    ("Einbürgerung beantragen", "99099002006000"),  # Einbürgerung Genehmigung
    ("Aufenthaltserlaubnis beantragen", "99010001001000"),  # Aufenthaltserlaubnis Erteilung
    ("Vaterschaftsanerkennung", "99133001000000"),  # Erklärung zur Vaterschaftsanerkennung
    ("Austritt aus der Kirche", "99073001000000"),  # Kirchenaustritt
    ("Beglaubigung von Urkunden", "99014002035000"),  # Urkunden Beglaubigung
    ("Unterschriftsbeglaubigung", "99014007035000"),  # Unterschriften Beglaubigung
    ("Schwerbehindertenausweis beantragen", "99015007012000"),  # Schwerbehindertenausweis Ausstellung
    ("Kita-Platz Anmeldung", "99041004034000"),  # Kindertagesstätte Aufnahme
    ("Grundsteuerbescheid", "99102012002000"),  # Grundsteuer Festsetzung
    ("Zweitwohnungsteuer", "99102017000000"),  # Zweitwohnungssteuer
    ("Auszug aus der Liegenschaftskarte", "99012007033000"),  # Liegenschaftskarte Auszug
    ("Lebensbescheinigung für die Rente", "99114032012000"),  # Lebensbescheinigung ... Ausstellung
    ("Grabnutzungsrecht übertragen", "99101001038000"),  # Nutzungsrecht für eine Grabstelle Übertragung
    ("Leichenpass beantragen", "99101003012000"),  # Leichenpass Ausstellung
]


@pytest.mark.slow  # builds the LeiKa index of 4,813 services
def test_match_keys_on_municipal_names():
    services = load_leika()
    assert len(MUNICIPAL_NAMES) >= 50
    assert all(key in services for _, key in MUNICIPAL_NAMES)
    entries = [CatalogueEntry("", name, "planned") for name, _ in MUNICIPAL_NAMES]
    proposals = propose_keys(entries)
    assert [p.row for p in proposals] == list(range(2, 2 + len(entries)))
    top3 = top1 = 0
    misses = []
    for proposal, (name, key) in zip(proposals, MUNICIPAL_NAMES, strict=True):
        keys = [c.service.leistungsschluessel for c in proposal.candidates]
        top3 += key in keys
        top1 += keys[:1] == [key]
        if key not in keys:
            misses.append(name)
    confident = [(p, key) for p, (_, key) in zip(proposals, MUNICIPAL_NAMES, strict=True) if p.confident]
    right = sum(p.candidates[0].service.leistungsschluessel == key for p, key in confident)
    share = top3 / len(MUNICIPAL_NAMES)
    print(
        f"\nmatch-keys: right key in top 3 for {top3}/{len(MUNICIPAL_NAMES)} = {share:.1%} "
        f"(top 1: {top1}); confident {len(confident)}, of them right {right}; missed: {misses}"
    )
    assert share >= 0.9
    assert top1 >= 0.9 * len(MUNICIPAL_NAMES)
    assert right == len(confident)  # what --accept would write is right


def test_municipal_names_are_not_leika_names():
    """The known answers test the matcher only if the names are not LeiKa's own spellings."""
    from procex.bpmn.text import compact_label

    leika_names = {compact_label(s.name) for s in load_leika().values()}
    assert [name for name, _ in MUNICIPAL_NAMES if compact_label(name) in leika_names] == []
    assert len({name for name, _ in MUNICIPAL_NAMES}) == len(MUNICIPAL_NAMES)


@pytest.mark.parametrize(
    "title, best, confident, note",
    [
        # a verb particle is a word of the name: "Gewerbe ab" is not "Gewerbe"
        ("Gewerbe ab", "99050012070000", False, "the name does not say what is done"),
        ("Gewerbe an- und abmelden", "99050012070000", False, "'an' of the name is not in 'Gewerbe Abmeldung'"),
        # a bare document name is read as issuing it, but that is an assumption, not for --accept
        ("Anwohnerparkausweis", "99108001001000", False, "the name does not say what is done"),
        ("Anwohnerparkausweis beantragen", "99108001001000", True, ""),
        # the name says what is done: the action key, not the object key, even where the object's
        # name holds the reading of the verb (Genehmigung for beantragen)
        ("Fällgenehmigung für Bäume beantragen", "99093003001000", True, ""),
        ("Gewerbe abmelden", "99050012070000", True, ""),
        # an object key with actions under it is never confident, however equal the names
        ("Gewerbe", "99050012000000", False, "99050012000000 is an object key; LeiKa has 6 action keys"),
        ("Hundesteuer anmelden", "99102013000000", False, "best score"),  # Anmeldung is newer than 2019
    ],
)
def test_match_keys_confidence(title, best, confident, note):
    (proposal,) = propose_keys([CatalogueEntry("", title, "planned")])
    assert proposal.candidates[0].service.leistungsschluessel == best
    assert proposal.confident is confident
    assert proposal.note.startswith(note)


def test_match_keys_cli_json_and_accept(tmp_path, capsys, run_cli):
    write_catalogue(
        tmp_path / "catalogue.csv",
        [
            CatalogueEntry("99050012104000", "Gewerbeanmeldung", "online"),
            CatalogueEntry("", "Gewerbe Abmeldung", "planned"),
            CatalogueEntry("", "Hundesteuer anmelden", "planned", "Steueramt"),
            CatalogueEntry("", "Xyzzy", "planned"),
        ],
    )
    status, out, _ = run_cli("catalogue", "match-keys", "--json", "--dir", str(tmp_path))
    assert status == 0
    data = json.loads(out)
    assert [d["row"] for d in data] == [3, 4, 5]
    assert set(data[0]) == {"row", "title", "candidates"}
    assert data[0]["title"] == "Gewerbe Abmeldung"
    first = data[0]["candidates"][0]
    assert set(first) == {"leistungsschluessel", "name", "score"}
    assert (first["leistungsschluessel"], first["name"], first["score"]) == ("99050012070000", "Gewerbe Abmeldung", 1.0)
    assert all(0 <= c["score"] <= 1 for d in data for c in d["candidates"])
    assert len(data[1]["candidates"]) == 3

    status, out, err = run_cli("catalogue", "match-keys", "--accept", "--dir", str(tmp_path))
    assert status == 0 and "<- accepted" in out and "wrote 1 key into" in out
    entries = read_catalogue(tmp_path / "catalogue.csv")
    assert [e.leistungsschluessel for e in entries] == ["99050012104000", "99050012070000", "", ""]
    assert entries[2].office == "Steueramt"  # nothing else touched, order kept


@pytest.mark.slow  # builds the LeiKa index of 4,813 services
def test_match_keys_accept_skips_ignored_words_and_object_keys(tmp_path, capsys, run_cli):
    write_catalogue(
        tmp_path / "catalogue.csv",
        [
            CatalogueEntry("", "Gewerbe ab", "planned"),
            CatalogueEntry("", "Anwohnerparkausweis", "planned"),
            CatalogueEntry("", "Gewerbe", "planned"),
            CatalogueEntry("", "Führungszeugnis beantragen", "planned"),
        ],
    )
    status, out, err = run_cli("catalogue", "match-keys", "--accept", "--dir", str(tmp_path))
    assert status == 0 and "wrote 1 key into" in out
    assert [e.leistungsschluessel for e in read_catalogue(tmp_path / "catalogue.csv")] == ["", "", "", "99049001001000"]
    assert "(99050012000000 is an object key; LeiKa has 6 action keys for it (Gewerbe Abmeldung" in out


def test_spreadsheets_are_read_with_defused_xml():
    """An .xlsx is a ZIP of XML from outside: openpyxl parses it through defusedxml when installed."""
    import openpyxl.xml

    assert openpyxl.xml.DEFUSEDXML is True


# --- hostile workbooks --------------------------------------------------------------------------


def _xlsx_with_a_long_cell(path, length):
    """A minimal .xlsx whose second row has one inline string of ``length`` 'A's, packed small."""
    import zipfile

    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    pkg = "http://schemas.openxmlformats.org/package/2006/relationships"
    parts = {
        "[Content_Types].xml": (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.'
            'spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType='
            '"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
        ),
        "_rels/.rels": f'<Relationships xmlns="{pkg}"><Relationship Id="rId1" Type="{rel}/officeDocument" '
        'Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'<workbook xmlns="{main}" xmlns:r="{rel}"><sheets><sheet name="Leistungen" '
        'sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": f'<Relationships xmlns="{pkg}"><Relationship Id="rId1" '
        f'Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
    }
    cells = "".join(
        f'<c r="{c}1" t="inlineStr"><is><t>{t}</t></is></c>'
        for c, t in zip("ABC", ("Leistungsschlüssel", "Status", "Leistung"), strict=True)
    )
    head = (
        f'<worksheet xmlns="{main}"><sheetData><row r="1">{cells}</row><row r="2">'
        '<c r="A2" t="inlineStr"><is><t>99050012104000</t></is></c>'
        '<c r="B2" t="inlineStr"><is><t>geplant</t></is></c><c r="C2" t="inlineStr"><is><t>'
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
            part.write(head.encode())
            block = b"A" * (1 << 20)
            for start in range(0, length, len(block)):
                part.write(block[: min(len(block), length - start)])
            part.write(b"</t></is></c></row></sheetData></worksheet>")
    return path


@pytest.fixture
def no_openpyxl(monkeypatch):
    import openpyxl

    def refuse(*args, **kwargs):
        raise AssertionError("openpyxl opened a workbook that should have been refused first")

    monkeypatch.setattr(openpyxl, "load_workbook", refuse)


def test_xlsx_with_a_huge_part_is_refused_before_openpyxl(tmp_path, capsys, no_openpyxl, run_cli):
    # The review's workbook, scaled down: one 70 MB inline string packs into about 70 kB.
    source = _xlsx_with_a_long_cell(tmp_path / "liste.xlsx", 70_000_000)
    assert source.stat().st_size < 200_000
    status, out, err = run_cli("catalogue", "import", str(source), "--into", str(tmp_path))
    assert status == 2 and out == ""
    [line] = err.strip().splitlines()
    assert line.startswith(
        f"procex: error: {source}: part 'xl/worksheets/sheet1.xml' of the workbook unpacks to 70,000,"
    )
    assert (
        "over the limit of 67,108,864 for one part; procex refuses it as a possible ZIP bomb; save the "
        "service list again from the spreadsheet program (only the list), or as .csv" in line
    )
    assert not (tmp_path / "catalogue.csv").exists()


def test_xlsx_packed_over_200_times_is_refused(tmp_path, no_openpyxl):
    source = _xlsx_with_a_long_cell(tmp_path / "liste.xlsx", 5_000_000)  # 5 MB from a few kB
    with pytest.raises(
        CatalogueError,
        match=r"liste.xlsx: part 'xl/worksheets/sheet1.xml' of the workbook "
        r"unpacks to 5,000,\d+ bytes from [\d,]+, over 200x; procex refuses",
    ):
        import_catalogue(source, tmp_path)


def test_xlsx_limits_on_parts_and_total(tmp_path, monkeypatch, no_openpyxl):
    from procex.exchange.catalogue import entries as catalogue

    book = Workbook()
    book.active.append(["Leistung", "Status"])
    book.active.append(["Gewerbeanmeldung", "geplant"])
    source = tmp_path / "liste.xlsx"
    book.save(source)
    monkeypatch.setattr(catalogue, "XLSX_MAX_ENTRIES", 5)
    with pytest.raises(CatalogueError, match=r"liste.xlsx: the workbook holds \d+ parts, over the limit of 5; "):
        import_catalogue(source, tmp_path)
    monkeypatch.setattr(catalogue, "XLSX_MAX_ENTRIES", 10_000)
    monkeypatch.setattr(catalogue, "XLSX_MAX_TOTAL_BYTES", 2_000)
    with pytest.raises(
        CatalogueError,
        match=r"liste.xlsx: the workbook unpacks to [\d,]+ bytes, over the "
        r"limit of 2,000; procex refuses it",
    ):
        import_catalogue(source, tmp_path)


def test_xlsx_with_a_wrong_declared_size_is_read_to_the_end(tmp_path):
    # read_only mode trusts a sheet's <dimension>; exporters that write "A1" must not lose rows.
    import zipfile

    book = Workbook()
    sheet = book.active
    sheet.append(["Leistung", "Status", "Amt"])
    for n in range(1, 6):
        sheet.append([f"Leistung {n}", "geplant", "Hauptamt"])
    source = tmp_path / "voll.xlsx"
    book.save(source)
    wrong = tmp_path / "liste.xlsx"
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(wrong, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                assert b'<dimension ref="A1:C6"/>' in data
                data = data.replace(b'<dimension ref="A1:C6"/>', b'<dimension ref="A1"/>')
            zout.writestr(info, data)
    result = import_catalogue(wrong, tmp_path)
    assert [(e.title, e.office) for e in result.entries] == [(f"Leistung {n}", "Hauptamt") for n in range(1, 6)]


def test_xlsx_with_broken_sheet_xml_gives_one_line(tmp_path):
    import zipfile

    book = Workbook()
    book.active.append(["Leistung", "Status"])
    source = tmp_path / "ok.xlsx"
    book.save(source)
    broken = tmp_path / "kaputt.xlsx"
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(broken, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info)
            zout.writestr(info, data[: len(data) // 2] if info.filename == "xl/worksheets/sheet1.xml" else data)
    with pytest.raises(CatalogueError, match=r"kaputt.xlsx: not a readable .xlsx workbook \(.*\); save it again"):
        import_catalogue(broken, tmp_path)
