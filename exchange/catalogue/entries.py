"""The municipality's service catalogue (catalogue.csv): read, write, import, and key proposals.

catalogue.csv is plain UTF-8 CSV with the header ``leistungsschluessel,title,status,office,process``
and status ``planned|in_progress|online``; it is written atomically and never reordered, so it diffs
well in git. ``import_catalogue`` reads a municipal spreadsheet (CSV or XLSX, German headers and
status words), checks every key against the LeiKa list and reports problems by row without dropping
the good rows. ``propose_keys`` suggests Leistungsschlüssel for rows that have none.
"""

import csv
import io
import os
import re
from dataclasses import dataclass, field, replace
from itertools import islice
from pathlib import Path

from procex.bpmn.text import normalize_label
from procex.core.errors import ProcexError
from procex.core.files import atomic_write
from procex.exchange.catalogue.csv_table import MAX_BYTES, CsvLimitError, CsvTable
from procex.exchange.catalogue.leika import check_key, clean_key, leika_index, load_leika

CATALOGUE_FILE = "catalogue.csv"
HEADER = ("leistungsschluessel", "title", "status", "office", "process")
STATUSES = ("planned", "in_progress", "online")
FIELDS = ("key", "title", "status", "office", "process")  # names used by --columns


class CatalogueError(ProcexError):
    """catalogue.csv or a file to import cannot be read or used (missing, no header, bad values)."""


@dataclass
class CatalogueEntry:
    """One service of the catalogue; ``process`` is the workspace file that implements it, if any."""

    leistungsschluessel: str = ""
    title: str = ""
    status: str = "planned"
    office: str = ""
    process: str = ""


# --- catalogue.csv ------------------------------------------------------------------------------


def catalogue_path(directory: str | os.PathLike[str] = ".") -> Path:
    return Path(directory) / CATALOGUE_FILE


def read_catalogue(path: str | os.PathLike[str]) -> list[CatalogueEntry]:
    """The entries of a catalogue.csv, in file order. Raises CatalogueError naming file and line."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise CatalogueError(f"{path}: no catalogue here; create it with `procex catalogue import FILE.xlsx`") from None
    except (OSError, UnicodeDecodeError) as error:
        raise CatalogueError(f"{path}: cannot read the catalogue ({error}); it must be UTF-8 CSV") from None
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None)
    if header is None or tuple(h.strip() for h in header) != HEADER:
        raise CatalogueError(f"{path}:1: the header must be {','.join(HEADER)}")
    entries = []
    for values in reader:
        if not any(v.strip() for v in values):
            continue
        line = reader.line_num
        if len(values) != len(HEADER):
            raise CatalogueError(f"{path}:{line}: {len(values)} fields, expected {len(HEADER)} ({','.join(HEADER)})")
        entry = CatalogueEntry(*(v.strip() for v in values))
        if entry.status not in STATUSES:
            raise CatalogueError(f"{path}:{line}: status {entry.status!r} is not one of {'|'.join(STATUSES)}")
        entries.append(entry)
    return entries


def format_catalogue(entries):
    """catalogue.csv text: minimal quoting, LF line ends, one entry per line."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    for e in entries:
        writer.writerow((e.leistungsschluessel, e.title, e.status, e.office, e.process))
    return out.getvalue()


def write_catalogue(path: str | os.PathLike[str], entries: list[CatalogueEntry]) -> None:
    """Write the entries atomically in the order given (callers keep the order stable)."""
    for e in entries:
        if e.status not in STATUSES:
            raise CatalogueError(f"{path}: status {e.status!r} of {e.title!r} is not one of {'|'.join(STATUSES)}")
    atomic_write(path, format_catalogue(entries))


def sort_key(entry):
    """Import order: keyed entries by key, then the others by title."""
    return (entry.leistungsschluessel == "", entry.leistungsschluessel, normalize_label(entry.title))


# --- status words -------------------------------------------------------------------------------

_STATUS_WORDS = {
    "planned": """geplant | offen | in planung | planung | planned | vorgesehen | ausstehend |
        nicht begonnen | noch nicht begonnen | noch offen | todo | to do | neu | wartend""",
    "in_progress": """in umsetzung | in bearbeitung | begonnen | in arbeit | in progress | in_progress |
        laufend | in entwicklung | in realisierung | umsetzung | bearbeitung | teilweise umgesetzt |
        teilweise online | im test | test | pilot | pilotbetrieb""",
    "online": """online | umgesetzt | fertig | live | abgeschlossen | erledigt | produktiv | done |
        in betrieb | verfuegbar | online verfuegbar | freigeschaltet""",
}
STATUS_WORDS = {normalize_label(word): status for status, words in _STATUS_WORDS.items() for word in words.split("|")}


def parse_status(word):
    """'planned'/'in_progress'/'online' for a German or English status word, None if not understood."""
    return STATUS_WORDS.get(normalize_label(word or ""))


# --- reading spreadsheets -----------------------------------------------------------------------


def read_table(path, max_bytes=MAX_BYTES):
    """[(sheet name, rows)] of a CSV or XLSX file; rows are (spreadsheet row number, [cell values]),
    a list for a workbook, a CsvTable (streamed anew on each pass, never held whole) for a CSV."""
    path = Path(path)
    if not path.is_file():
        raise CatalogueError(f"{path}: file not found")
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path)
    if suffix in (".csv", ".txt", ".tsv"):
        try:
            return [(None, CsvTable(path, max_bytes))]
        except CsvLimitError as error:
            raise CatalogueError(str(error)) from None
    raise CatalogueError(f"{path}: cannot import {suffix or 'files without extension'}; save the list as .xlsx or .csv")


# An .xlsx is a ZIP from outside; its sizes are checked before openpyxl unpacks anything. A large
# municipal list (10,000 services x 20 columns) is about 30 MB of sheet XML packed to 2-3 MB, and
# Excel keeps a cell under 32,767 characters, so these limits leave real workbooks far behind.
XLSX_MAX_ENTRIES = 10_000  # parts in the ZIP (sheets, styles, images, ...)
XLSX_MAX_PART_BYTES = 64 * 1024 * 1024  # one part, unpacked
XLSX_MAX_TOTAL_BYTES = 256 * 1024 * 1024  # all parts together, unpacked
XLSX_MAX_RATIO = 200  # unpacked / packed, for each part and the whole file ...
XLSX_RATIO_FLOOR = 1024 * 1024  # ... once past 1 MiB: small XML parts may pack very well


def check_xlsx_archive(path):
    """Refuse an .xlsx whose ZIP would unpack to too much, before any of it is unpacked.

    The sizes come from the ZIP's directory; zipfile never unpacks more than a part's declared
    size (a part that claims less fails its CRC), so openpyxl cannot be made to read more.
    """
    import zipfile

    what_to_do = (
        "procex refuses it as a possible ZIP bomb; save the service list again from the "
        "spreadsheet program (only the list), or as .csv"
    )
    try:
        packed_total = path.stat().st_size
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise CatalogueError(
            f"{path}: not a readable .xlsx workbook ({error}); "
            "save it again from the spreadsheet program as .xlsx or .csv"
        ) from None
    if len(infos) > XLSX_MAX_ENTRIES:
        raise CatalogueError(
            f"{path}: the workbook holds {len(infos):,} parts, over the limit of {XLSX_MAX_ENTRIES:,}; {what_to_do}"
        )
    total = 0
    for info in infos:
        size = info.file_size
        packed = max(1, min(info.compress_size, packed_total))
        if size > XLSX_MAX_PART_BYTES:
            raise CatalogueError(
                f"{path}: part {info.filename!r} of the workbook unpacks to {size:,} bytes, "
                f"over the limit of {XLSX_MAX_PART_BYTES:,} for one part; {what_to_do}"
            )
        if size > XLSX_RATIO_FLOOR and size > XLSX_MAX_RATIO * packed:
            raise CatalogueError(
                f"{path}: part {info.filename!r} of the workbook unpacks to {size:,} bytes "
                f"from {packed:,}, over {XLSX_MAX_RATIO}x; {what_to_do}"
            )
        total += size
    if total > XLSX_MAX_TOTAL_BYTES:
        raise CatalogueError(
            f"{path}: the workbook unpacks to {total:,} bytes, over the limit of {XLSX_MAX_TOTAL_BYTES:,}; {what_to_do}"
        )
    if total > XLSX_RATIO_FLOOR and total > XLSX_MAX_RATIO * max(1, packed_total):
        raise CatalogueError(
            f"{path}: the workbook unpacks to {total:,} bytes from {packed_total:,}, over "
            f"{XLSX_MAX_RATIO}x; {what_to_do}"
        )


def _read_xlsx(path):
    import zipfile

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    check_xlsx_archive(path)
    try:
        # read_only streams each sheet's rows instead of building every cell of the workbook.
        book = load_workbook(path, read_only=True, data_only=True)
        try:
            sheets = []
            for sheet in book.worksheets:
                # The size a sheet declares can be wrong (some exporters write A1); read every row.
                sheet.reset_dimensions()
                rows = [
                    (number, list(values)) for number, values in enumerate(sheet.iter_rows(values_only=True), start=1)
                ]
                sheets.append((sheet.title, rows))
        finally:
            book.close()
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError, SyntaxError) as error:
        raise CatalogueError(
            f"{path}: not a readable .xlsx workbook ({error}); "
            "save it again from the spreadsheet program as .xlsx or .csv"
        ) from None
    return sheets


# --- header detection ---------------------------------------------------------------------------

_HEADER_WORDS = {
    "key": """leistungsschluessel | leika schluessel | leika | leika id | leika nr | leika nummer |
        leika key | schluessel | key | leistungs id | leistungsnummer | fim schluessel | lei ka""",
    "title": """leistung | leistungen | bezeichnung | leistungsbezeichnung | leistungsname | name |
        titel | title | dienstleistung | verwaltungsleistung | verwaltungsleistungen | service""",
    "status": """status | stand | umsetzungsstatus | umsetzungsstand | status ozg | ozg status |
        bearbeitungsstand | umsetzung | status umsetzung""",
    "office": """amt | fachbereich | fachamt | organisationseinheit | oe | zustaendigkeit |
        zustaendiges amt | zustaendige stelle | dienststelle | abteilung | office | bereich |
        verantwortlich | federfuehrung""",
    "process": "prozess | process | prozessdatei | bpmn | modell | prozessmodell",
}
HEADER_WORDS = {normalize_label(w): f for f, words in _HEADER_WORDS.items() for w in words.split("|")}


def header_field(cell):
    """The catalogue field a spreadsheet column header names, or None."""
    name = normalize_label("" if cell is None else str(cell))
    if not name:
        return None
    if name in HEADER_WORDS:
        return HEADER_WORDS[name]
    words = name.split()
    if "schluessel" in name or "leika" in words:
        return "key"
    if "status" in name:
        return "status"
    if "bezeichnung" in name or name.startswith("leistung"):
        return "title"
    if "amt" in words or "fachbereich" in name or "zustaendig" in name:
        return "office"
    return None


def parse_columns(spec):
    """``key=Spalte,title=B,...`` -> {field: header name, column letter or number}."""
    result = {}
    if not spec:
        return result
    for part in spec.split(","):
        name, sep, value = part.partition("=")
        name, value = name.strip().lower(), value.strip()
        if not sep or name not in FIELDS or not value:
            raise CatalogueError(
                f"--columns: cannot read {part.strip()!r}; write for example "
                "key=Leistungsschlüssel,title=Bezeichnung,status=Stand,office=Amt "
                f"(fields: {', '.join(FIELDS)})"
            )
        result[name] = value
    return result


def _column_index(value, header):
    """A --columns value as a 0-based index: a header name, a letter (C) or a number (3)."""
    wanted = normalize_label(value)
    for index, cell in enumerate(header):
        if normalize_label("" if cell is None else str(cell)) == wanted:
            return index
    if value.isdigit() and int(value) >= 1:
        return int(value) - 1
    if re.fullmatch(r"[A-Za-z]{1,2}", value):
        index = 0
        for letter in value.upper():
            index = index * 26 + ord(letter) - 64
        return index - 1
    return None


def _column_letter(index):
    """0 -> A, 25 -> Z, 26 -> AA: the column as the spreadsheet program shows it."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _table_width(rows):
    """Columns the table uses: up to its last non-empty cell in the header row or any row below."""
    width = 0
    for _, values in rows:
        filled = [i for i, v in enumerate(values) if v is not None and str(v).strip()]
        if filled:
            width = max(width, filled[-1] + 1)
    return width


def _find_header(rows, overrides, source, limit=20):
    """(position in rows, {field: column}) of the header row, or None."""
    for position, (_, values) in enumerate(islice(rows, limit)):
        found = {}
        for index, cell in enumerate(values):
            detected = header_field(cell)
            if detected and detected not in found:
                found[detected] = index
        named = {f: _column_index(v, values) for f, v in overrides.items()}
        names_here = any(
            normalize_label(v) in {normalize_label("" if c is None else str(c)) for c in values}
            for v in overrides.values()
        )
        if names_here or ("title" in found or "key" in found) and len(found) >= 2:
            missing = [f"{f}={overrides[f]}" for f, i in named.items() if i is None]
            if missing:
                raise CatalogueError(
                    f"{source}: --columns {', '.join(missing)}: no such column in the "
                    f"header row ({', '.join(str(c) for c in values if c not in (None, ''))})"
                )
            width = _table_width(islice(rows, position, None))
            outside = [f"{f}={overrides[f]}" for f, i in named.items() if i >= width]
            if outside:
                # A letter or number past the last column would import every row with that field empty.
                columns = ", ".join(
                    f"{_column_letter(i)} {'' if c is None else c}".strip() for i, c in enumerate(values[:width])
                )
                raise CatalogueError(
                    f"{source}: --columns {', '.join(outside)}: no such column; the file has "
                    f"{width} {'column' if width == 1 else 'columns'} ({columns})"
                )
            found.update(named)
            return position, found
    return None


# --- import -------------------------------------------------------------------------------------


@dataclass
class RowProblem:
    """Something wrong with one row of an imported list; ``severity`` is 'error' or 'warning'."""

    row: int
    severity: str
    kind: str  # malformed-key, unknown-key, duplicate-key, unknown-status, no-status
    message: str


@dataclass
class ImportResult:
    source: str
    target: Path
    entries: list
    problems: list = field(default_factory=list)
    skipped: int = 0
    links_kept: int = 0
    sheet: str | None = None

    @property
    def errors(self):
        return [p for p in self.problems if p.severity == "error"]

    def counts(self):
        return {s: sum(1 for e in self.entries if e.status == s) for s in STATUSES}


def _text(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def import_catalogue(source, into=".", columns=None, max_bytes=MAX_BYTES):
    """Import a municipal list into ``into``/catalogue.csv; return what happened, row by row.

    Good rows are imported even when others have problems: a malformed key is dropped from its row
    (so match-keys can propose one), an unknown but well-formed key is kept with a warning (the
    reference list is a 2019 snapshot), a row with an unknown status word or a duplicate key is
    skipped. Process links already in catalogue.csv are kept for the same key (or title).
    """
    source = Path(source)
    overrides = parse_columns(columns) if isinstance(columns, str) else dict(columns or {})
    sheets = read_table(source, max_bytes)
    try:
        return _import_sheets(source, into, sheets, overrides)
    except CsvLimitError as error:  # raised while a CSV is streamed
        raise CatalogueError(str(error)) from None


def _import_sheets(source, into, sheets, overrides):
    found = next(
        ((name, rows, header) for name, rows in sheets if (header := _find_header(rows, overrides, source))), None
    )
    if found is None:
        raise CatalogueError(
            f"{source}: no header row found in the first 20 rows (looked for columns such as "
            "Leistungsschlüssel, Leistung/Bezeichnung, Status, Amt); name the columns with "
            "--columns key=…,title=…,status=…,office=…"
        )
    sheet_name, rows, (header_position, columns_at) = found
    if "title" not in columns_at and "key" not in columns_at:
        raise CatalogueError(
            f"{source}: no column for the service name or the key; name one with --columns title=… or key=…"
        )
    services = load_leika()
    target = catalogue_path(into)
    result = ImportResult(source=str(source), target=target, entries=[], sheet=sheet_name)
    seen = {}

    def cell(values, name):
        index = columns_at.get(name)
        return values[index] if index is not None and index < len(values) else None

    for number, values in islice(rows, header_position + 1, None):
        key_raw, title = cell(values, "key"), _text(cell(values, "title"))
        status_raw, office = _text(cell(values, "status")), _text(cell(values, "office"))
        process = _text(cell(values, "process"))
        key = clean_key(key_raw)
        if not key and not title:
            continue  # empty rows and separator lines

        def report(severity, kind, message, row=number):
            result.problems.append(RowProblem(row, severity, kind, message))

        if key:
            problem = check_key(key, services)
            if problem == "malformed":
                digits = sum(c.isdigit() for c in key)
                report(
                    "error",
                    "malformed-key",
                    f"Leistungsschlüssel {_text(key_raw)!r} is malformed ({digits} digits; "
                    "a Leistungsschlüssel has 14): imported without key; correct it in the list "
                    "or run `procex catalogue match-keys`",
                )
                key = ""
            elif problem == "unknown":
                report(
                    "warning",
                    "unknown-key",
                    f"Leistungsschlüssel {key} is not in the LeiKa 2019 reference list: kept; "
                    "check it (newer keys are missing from the list)",
                )
        if not title and key in services:
            title = services[key].name
        if "status" in columns_at and not status_raw:
            status = "planned"
            report("warning", "no-status", "no status: taken as planned")
        elif "status" in columns_at:
            status = parse_status(status_raw)
            if status is None:
                report(
                    "error",
                    "unknown-status",
                    f"status {status_raw!r} not understood (use geplant, in Umsetzung or online): row skipped",
                )
                result.skipped += 1
                continue
        else:
            status = "planned"
        if key and key in seen:
            report("error", "duplicate-key", f"Leistungsschlüssel {key} already in row {seen[key]}: row skipped")
            result.skipped += 1
            continue
        if key:
            seen[key] = number
        result.entries.append(CatalogueEntry(key, title, status, office, process))

    if not result.entries:
        raise CatalogueError(f"{source}: no row could be imported ({len(result.problems)} problems); nothing written")
    result.links_kept = _keep_process_links(result.entries, target)
    result.entries.sort(key=sort_key)
    write_catalogue(target, result.entries)
    return result


def _keep_process_links(entries, target):
    """Carry ``process`` over from the existing catalogue for the same key, else the same title."""
    if not target.exists():
        return 0
    old = read_catalogue(target)
    by_key = {e.leistungsschluessel: e.process for e in old if e.leistungsschluessel and e.process}
    by_title = {normalize_label(e.title): e.process for e in old if e.process}
    kept = 0
    for position, entry in enumerate(entries):
        if entry.process:
            continue
        link = by_key.get(entry.leistungsschluessel) if entry.leistungsschluessel else None
        link = link or by_title.get(normalize_label(entry.title))
        if link:
            entries[position] = replace(entry, process=link)
            kept += 1
    return kept


_STATUS_DE = {"planned": "geplant", "in_progress": "in Umsetzung", "online": "online"}


def format_import_report(result):
    """The lines printed after an import: one per problem, then the summary line."""
    where = Path(result.source).name + (f" [{result.sheet}]" if result.sheet else "")
    lines = [f"{where} row {p.row}: {p.severity}: {p.message}" for p in result.problems]
    counts = result.counts()
    summary = (
        f"imported {len(result.entries)} services into {result.target} "
        f"({', '.join(f'{counts[s]} {_STATUS_DE[s]}' for s in STATUSES)})"
    )
    if result.problems:
        kinds = {}
        for p in result.problems:
            kinds[p.kind] = kinds.get(p.kind, 0) + 1
        summary += "; problems: " + ", ".join(f"{n} {k}" for k, n in sorted(kinds.items()))
    if result.skipped:
        summary += f"; {result.skipped} {'row' if result.skipped == 1 else 'rows'} skipped"
    if result.links_kept:
        summary += f"; {result.links_kept} process links kept"
    lines.append(summary)
    return lines


# --- key proposals ------------------------------------------------------------------------------


@dataclass
class KeyProposal:
    """Candidates for one catalogue row without a key; ``row`` counts like a spreadsheet (header 1)."""

    row: int
    title: str
    candidates: list
    confident: bool = False
    note: str = ""

    def as_json(self):
        return {
            "row": self.row,
            "title": self.title,
            "candidates": [
                {
                    "leistungsschluessel": c.service.leistungsschluessel,
                    "name": c.service.name,
                    "score": round(c.score, 3),
                }
                for c in self.candidates
            ],
        }


DEFAULT_MIN_SCORE = 0.85
DEFAULT_MARGIN = 0.05


def propose_keys(entries, min_score=DEFAULT_MIN_SCORE, margin=DEFAULT_MARGIN, limit=3, index=None):
    """Top candidates for every entry without a key; confident when the best is clear enough.

    Confident (what ``--accept`` writes) means: the best score is at least ``min_score`` and leads
    the next other service by ``margin`` (its own object key does not count as another service);
    the best name accounts for every content word of the title, verb particles included ("Gewerbe
    ab" is not "Gewerbe"); its action is written in the title, not assumed; it is not an object
    key (…000000) for which LeiKa has action keys; and no other row has it.
    """
    index = index or leika_index()
    used = {e.leistungsschluessel: row for row, e in enumerate(entries, start=2) if e.leistungsschluessel}
    proposals = []
    for row, entry in enumerate(entries, start=2):
        if entry.leistungsschluessel or not entry.title.strip():
            continue
        found = index.search(entry.title, limit=limit + 1)
        candidates = found[:limit]
        proposal = KeyProposal(row, entry.title, candidates)
        if candidates:
            proposal.note = _doubt(index, entry.title, found, used, min_score, margin)
            proposal.confident = not proposal.note
        else:
            proposal.note = "no candidate"
        proposals.append(proposal)
    return proposals


def _doubt(index, title, candidates, used, min_score, margin):
    """Why the best candidate must not be written without a person, or '' when it may."""
    best = candidates[0]
    key = best.service.leistungsschluessel
    others = [c for c in candidates[1:] if c.service.leistungsschluessel != best.service.object_key + "000000"]
    second = others[0].score if others else 0.0
    if used.get(key):
        return f"{key} is already used in row {used[key]}"
    if best.score < min_score:
        return f"best score {best.score:.2f} is below {min_score:.2f}"
    ignored = index.ignored_words(title, best.service)
    if ignored:
        words = ", ".join(repr(w) for w in ignored)
        return f"{words} of the name {'is' if len(ignored) == 1 else 'are'} not in {best.service.name!r}"
    if best.implied:
        return f"the name does not say what is done; {best.service.name!r} is assumed"
    actions = index.actions_of(best.service)
    if actions:
        shown = ", ".join(a.name for a in actions[:3]) + (", …" if len(actions) > 3 else "")
        return f"{key} is an object key; LeiKa has {len(actions)} action keys for it ({shown}): choose one"
    if best.score - second < margin:
        return f"the two best are too close ({best.score:.2f} / {second:.2f})"
    return ""


def match_keys(directory=".", accept=False, min_score=DEFAULT_MIN_SCORE, margin=DEFAULT_MARGIN):
    """Propose keys for catalogue rows without one; with ``accept`` write the confident ones.

    Returns (proposals, number of keys written).
    """
    path = catalogue_path(directory)
    entries = read_catalogue(path)
    proposals = propose_keys(entries, min_score=min_score, margin=margin)
    written = 0
    if accept:
        assigned = set()
        for p in proposals:
            key = p.candidates[0].service.leistungsschluessel if p.confident else None
            if key and key in assigned:  # two rows must not get the same key in one run
                p.confident = False
                p.note = f"{key} was just given to another row"
            elif key:
                entries[p.row - 2] = replace(entries[p.row - 2], leistungsschluessel=key)
                assigned.add(key)
                written += 1
        if written:
            write_catalogue(path, entries)
    return proposals, written


def format_proposals(proposals, accepted=False):
    """Human-readable proposals: each row, its candidates, whether it is (or would be) accepted."""
    lines = []
    for p in proposals:
        lines.append(f"row {p.row}: {p.title}")
        for position, c in enumerate(p.candidates):
            mark = ""
            if position == 0 and p.confident:
                mark = "  <- accepted" if accepted else "  <- confident"
            lines.append(f"  {c.score:.2f}  {c.service.leistungsschluessel}  {c.service.name}{mark}")
        if p.note:
            lines.append(f"  ({p.note})")
    confident = sum(p.confident for p in proposals)
    if not proposals:
        lines.append("every catalogue row has a Leistungsschlüssel")
    else:
        tail = "written to catalogue.csv" if accepted else "use --accept to write them"
        lines.append(
            f"{len(proposals)} rows without key: {confident} confident ({tail}), "
            f"{len(proposals) - confident} need a person"
        )
    return lines
