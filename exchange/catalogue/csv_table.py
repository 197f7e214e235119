"""A municipal service list as CSV, read as hostile input: bounded, streamed, in one clear line.

The file is never read whole: each pass over ``CsvTable`` reads it anew in pieces, so memory
stays bounded whatever its size. Limits: the file's bytes (``max_bytes``, --max-bytes), one
physical line, one field (a spreadsheet cell holds at most 32,767 characters; an unclosed quote
turns the rest of a file into one field and ends here too), the columns of a row and the rows.
Each ends in one CatalogueError naming the file and line. A real list (LeiKa has 4,800 services
in 1.3 MB) stays far below every limit.

Excel saves "CSV UTF-8" with a byte order mark, "CSV (Trennzeichen-getrennt)" in cp1252, and
"Unicode-Text" in UTF-16; the encoding is found in one streamed pass before the rows are read.
"""

import codecs
import csv
import io
from itertools import islice

from procex.core.errors import ProcexError

MAX_BYTES = 64 * 1024 * 1024  # the default of --max-bytes
MAX_FIELD = 32_767  # characters: what a spreadsheet cell holds
MAX_LINE = 1 << 20  # characters of one physical line
MAX_COLUMNS = 1_000
MAX_ROWS = 100_000  # about 20 times LeiKa
SNIFF_LINES = 30  # non-empty lines the delimiter is guessed from
PIECE = 1 << 16


class CsvLimitError(ProcexError):
    """The file is over a limit or not readable as CSV (entries.CatalogueError wraps it)."""


class CsvTable:
    """The rows of a CSV file as (line number, [values]) on every iteration, streamed."""

    def __init__(self, path, max_bytes=MAX_BYTES):
        self.path = path
        self.max_bytes = max_bytes
        try:
            size = path.stat().st_size
        except OSError as error:
            raise CsvLimitError(f"{path}: cannot read ({error.strerror})") from None
        if size > max_bytes:
            raise CsvLimitError(
                f"{path}: {size:,} bytes, over the limit of {max_bytes:,} for a service list (LeiKa's "
                "4,800 services are 1.3 MB); check that this is the list, or raise the limit with --max-bytes"
            )
        self.encoding = self._encoding()
        self.delimiter = _sniff_delimiter(self._sample())

    # --- passes over the file -------------------------------------------------------------------
    def _open_text(self):
        capped = io.BufferedReader(_CappedReader(open(self.path, "rb"), self.max_bytes, self.path), PIECE)
        return io.TextIOWrapper(capped, self.encoding, "replace", newline="")  # closing it closes the file

    def _encoding(self):
        """utf-8-sig or utf-16 by byte order mark; else utf-8 when every byte decodes, else cp1252."""
        try:
            with open(self.path, "rb") as handle:
                start = handle.read(4)
                if start.startswith(codecs.BOM_UTF8):
                    return "utf-8-sig"
                if start.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
                    return "utf-16"
                handle.seek(0)
                decoder = codecs.getincrementaldecoder("utf-8")()
                reader = _CappedReader(handle, self.max_bytes, self.path)
                for piece in iter(lambda: reader.read(PIECE), b""):
                    decoder.decode(piece)
                decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return "cp1252"  # Excel on Windows: "CSV (Trennzeichen-getrennt)"
        except OSError as error:
            raise CsvLimitError(f"{self.path}: cannot read ({error.strerror})") from None
        return "utf-8"

    def _lines(self, text):
        """Physical lines (line ends kept), each at most MAX_LINE characters."""
        number = 0
        while True:
            line = text.readline(MAX_LINE + 1)
            if not line:
                return
            number += 1
            if len(line) > MAX_LINE:
                raise CsvLimitError(
                    f"{self.path}:{number}: the line is longer than {MAX_LINE:,} characters; this is not a "
                    "service list, or the file is damaged"
                )
            yield line

    def _sample(self):
        with self._open_text() as text:
            lines = (line for line in self._lines(text) if line.strip())
            return list(islice(lines, SNIFF_LINES))

    def __iter__(self):
        with self._open_text() as text:
            reader = csv.reader(self._lines(text), delimiter=self.delimiter)
            rows = 0
            while True:
                try:
                    values = next(reader)
                except StopIteration:
                    return
                except csv.Error as error:
                    if "field limit" in str(error):  # the csv module's own limit (131,072)
                        raise self._field_too_long(reader.line_num) from None
                    raise CsvLimitError(f"{self.path}:{reader.line_num}: not readable as CSV ({error})") from None
                rows += 1
                if rows > MAX_ROWS:
                    raise CsvLimitError(
                        f"{self.path}: over {MAX_ROWS:,} rows; a service list has far fewer (LeiKa has 4,800 "
                        "services): check that this is the list"
                    )
                if len(values) > MAX_COLUMNS:
                    raise CsvLimitError(
                        f"{self.path}:{reader.line_num}: {len(values):,} columns, over the limit of {MAX_COLUMNS:,}; "
                        "this is not a service list, or the delimiter was guessed wrong"
                    )
                if any(len(value) > MAX_FIELD for value in values):
                    raise self._field_too_long(reader.line_num)
                yield reader.line_num, values

    def _field_too_long(self, line):
        return CsvLimitError(
            f"{self.path}:{line}: a field has over {MAX_FIELD:,} characters, more than a spreadsheet cell "
            'holds; this is not a service list, or a quote (") is not closed and the rest of the file '
            "became one field: save the list again from the spreadsheet program"
        )


class _CappedReader(io.RawIOBase):
    """A binary file that refuses to give more than ``limit`` bytes (a file that grows while read)."""

    def __init__(self, raw, limit, path):
        super().__init__()
        self.raw, self.limit, self.path, self.count = raw, limit, path, 0

    def readable(self):
        return True

    def readinto(self, buffer):
        count = self.raw.readinto(buffer)
        self.count += count or 0
        if self.count > self.limit:
            raise CsvLimitError(f"{self.path}: more than {self.limit:,} bytes; raise the limit with --max-bytes")
        return count

    def close(self):
        self.raw.close()
        super().close()


def _sniff_delimiter(lines):
    """';', ',' or tab: the one that splits most of the sample lines into the same number of
    fields (more than one)."""
    best = (0, 0, ",")
    for delimiter in (";", ",", "\t"):
        try:
            counts = [len(row) for row in csv.reader(lines, delimiter=delimiter)]
        except csv.Error:
            continue
        widest = max(counts, default=1)
        if widest < 2:
            continue
        mode = max(set(counts), key=lambda c: (counts.count(c), c))
        candidate = (counts.count(mode) if mode > 1 else 0, mode, delimiter)
        if candidate[:2] > best[:2]:
            best = candidate
    return best[2]
