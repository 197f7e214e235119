"""Errors of the XProzess 2.0 bridge; every one is a ProcexError and reads as one line."""

from procex.core.errors import ProcexError


class XProzessError(ProcexError):
    """Base of everything the XProzess bridge reports to a person."""


class XProzessReadError(XProzessError):
    """The message cannot be read at all: not XML, a DOCTYPE, not XProzess 2.0, too large."""


class EmbeddedFileError(XProzessError):
    """An embedded file (``inhalt``) cannot be decoded: bad base64, a broken or encrypted ZIP."""


class PayloadTooLargeError(EmbeddedFileError):
    """An ``inhalt`` holds more base64 text than the payload limit allows; refused before decoding."""


class ZipBombError(EmbeddedFileError):
    """A ZIP unpacks to more than the size limit, at a suspicious ratio, or has too many entries."""


class UnsafeZipEntryError(EmbeddedFileError):
    """A ZIP entry name could escape the target folder (``..``, absolute path, drive letter, NUL)."""


class XProzessExportError(XProzessError):
    """A package cannot be written into an XProzess message (missing manifest, bad field, no BPMN)."""


class XProzessImportError(XProzessError):
    """A message cannot be imported: no BPMN model, no prozess for --entry, a file already there."""
