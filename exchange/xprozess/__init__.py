"""The XProzess 2.0 bridge: read FIM messages, import their processes, export procex packages.

read.py reads a message (hardened XML), files.py decodes embedded files safely (base64 limits,
ZIP bombs, path traversal), importer.py writes local processes, write.py builds a
``prozessbibliothek.export.0203`` message, summary.py says what a message holds.
"""

from procex.exchange.xprozess.errors import (
    EmbeddedFileError,
    PayloadTooLargeError,
    UnsafeZipEntryError,
    XProzessError,
    XProzessExportError,
    XProzessImportError,
    XProzessReadError,
    ZipBombError,
)
from procex.exchange.xprozess.files import DEFAULT_LIMITS, Limits
from procex.exchange.xprozess.importer import import_message
from procex.exchange.xprozess.read import XPROZESS_NS, Message, Prozess, read_bytes, read_file
from procex.exchange.xprozess.summary import format_table, summarise
from procex.exchange.xprozess.write import build_export, export_packages

__all__ = [
    "DEFAULT_LIMITS",
    "EmbeddedFileError",
    "Limits",
    "Message",
    "PayloadTooLargeError",
    "Prozess",
    "UnsafeZipEntryError",
    "XPROZESS_NS",
    "XProzessError",
    "XProzessExportError",
    "XProzessImportError",
    "XProzessReadError",
    "ZipBombError",
    "build_export",
    "export_packages",
    "format_table",
    "import_file",
    "import_message",
    "read_bytes",
    "read_file",
    "summarise",
]


def import_file(path, into=".", entry=None, force=False, limits=DEFAULT_LIMITS):
    """Read the message at ``path`` and import it (see importer.import_message)."""
    return import_message(read_file(path, limits), into, entry, force)
