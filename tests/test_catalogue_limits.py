"""catalogue import of a hostile CSV (issue 15, finding 6): one line, exit status 2, nothing written.

The file's size is capped (--max-bytes; small here, 64 MiB by default), and so are a line, a field,
the columns and the rows; the CSV is streamed, so no limit needs the whole file in memory.
bench/hostile_csv.py measures peak memory against a 300 MB file and a 1 MB field.
"""

import pytest

from procex.exchange.catalogue import csv_table
from procex.exchange.catalogue.entries import CatalogueError, import_catalogue, read_catalogue

HEADER = "Leistungsschlüssel;Leistung;Status;Amt\n"
GOOD = "99050012104000;Gewerbeanmeldung;online;Ordnungsamt\n"


@pytest.fixture
def workspace(tmp_path):
    folder = tmp_path / "ws"
    folder.mkdir()
    (folder / "catalogue.csv").write_text("leistungsschluessel,title,status,office,process\n", "utf-8")
    return folder


def refused(run_cli, source, workspace, *options):
    before = (workspace / "catalogue.csv").read_bytes()
    status, out, err = run_cli("catalogue", "import", source, "--into", workspace, *options)
    assert status == 2, err
    assert out == "" and err.count("\n") == 1 and err.startswith(f"procex: error: {source}"), err
    assert "internal error" not in err and "Traceback" not in err
    assert (workspace / "catalogue.csv").read_bytes() == before
    return err


@pytest.mark.parametrize("length", [40_000, 131_073, 1_000_000])
def test_a_field_longer_than_a_cell_is_one_line(tmp_path, workspace, run_cli, length):
    source = tmp_path / "liste.csv"
    source.write_text(HEADER + GOOD + f"99102013104000;{'x' * length};online;Steueramt\n", "utf-8")
    err = refused(run_cli, source, workspace)
    assert f"{source}:3: a field has over 32,767 characters, more than a spreadsheet cell holds" in err


def test_an_unclosed_quote_ends_at_the_field_limit(tmp_path, workspace, run_cli):
    source = tmp_path / "liste.csv"
    rows = "".join(f"9910201310{n:04d};Leistung {n};online;Amt\n" for n in range(3000))
    source.write_text(HEADER + '99050012104000;"Gewerbe;online;Amt\n' + rows, "utf-8")
    err = refused(run_cli, source, workspace)
    assert 'a quote (") is not closed' in err


def test_a_file_over_max_bytes_is_refused_before_it_is_read(tmp_path, workspace, run_cli):
    source = tmp_path / "liste.csv"
    source.write_text(HEADER + GOOD * 100, "utf-8")
    err = refused(run_cli, source, workspace, "--max-bytes", "1000")
    size = source.stat().st_size
    assert f"{source}: {size:,} bytes, over the limit of 1,000 for a service list" in err
    assert "raise the limit with --max-bytes" in err
    with pytest.raises(CatalogueError, match="over the limit of 1,000"):
        import_catalogue(source, workspace, max_bytes=1000)


def test_a_line_without_end_is_cut_at_the_line_limit(tmp_path, workspace, run_cli, monkeypatch):
    monkeypatch.setattr(csv_table, "MAX_LINE", 10_000)
    source = tmp_path / "liste.csv"
    source.write_text(HEADER + GOOD + "a" * 20_000, "utf-8")
    err = refused(run_cli, source, workspace)
    assert f"{source}:3: the line is longer than 10,000 characters" in err


def test_too_many_rows_or_columns_are_refused(tmp_path, workspace, run_cli, monkeypatch):
    monkeypatch.setattr(csv_table, "MAX_ROWS", 50)
    source = tmp_path / "liste.csv"
    source.write_text(HEADER + GOOD * 60, "utf-8")
    assert "over 50 rows; a service list has far fewer" in refused(run_cli, source, workspace)
    monkeypatch.setattr(csv_table, "MAX_COLUMNS", 10)
    source.write_text(HEADER + GOOD + ";" * 20 + "\n", "utf-8")
    assert f"{source}:3: 21 columns, over the limit of 10" in refused(run_cli, source, workspace)


def test_a_good_list_in_each_encoding_still_imports(tmp_path, workspace):
    text = HEADER + GOOD + "99115005104000;Wohnsitz anmelden;in Umsetzung;Bürgeramt\n"
    for encoding in ("utf-8", "utf-8-sig", "cp1252", "utf-16"):
        source = tmp_path / f"liste-{encoding}.csv"
        source.write_bytes(text.encode(encoding))
        result = import_catalogue(source, workspace)
        assert result.problems == [], encoding
        entries = read_catalogue(workspace / "catalogue.csv")
        assert [(e.leistungsschluessel, e.title, e.status, e.office) for e in entries] == [
            ("99050012104000", "Gewerbeanmeldung", "online", "Ordnungsamt"),
            ("99115005104000", "Wohnsitz anmelden", "in_progress", "Bürgeramt"),
        ], encoding


def test_the_rows_are_streamed_not_held(tmp_path):
    """Each pass reads the file anew in pieces: the table holds no rows itself."""
    source = tmp_path / "liste.csv"
    source.write_text(HEADER + GOOD * 1000, "utf-8")
    table = csv_table.CsvTable(source)
    assert not any(isinstance(value, list) for value in vars(table).values())
    first = next(iter(table))
    assert first == (1, ["Leistungsschlüssel", "Leistung", "Status", "Amt"])
    assert sum(1 for _ in table) == 1001
