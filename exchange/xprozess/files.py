"""Embedded files of an XProzess message: base64 decoding, content sniffing and safe ZIP reading.

XProzess carries every file (model, visualisation, description) as base64 text in ``inhalt``;
the mimeType code does not say what it is (the real FIM message marks a ZIP of BPMN and a ZIP of
PDF alike), so the content is recognised by its bytes. Untrusted input meets hard limits here:
the base64 text length is checked before decoding, ZIP entries are read in chunks while the
unpacked size and the ratio are counted (per entry, per archive and, through one Budget, per
message), and entry names that could leave a folder are refused. ZIP members are not kept
unpacked: reading a message records each member's name, size and kind, and ``ZipMember.read()``
unpacks one member again (never past the size counted the first time) when import needs its bytes.
"""

import base64
import binascii
import io
import re
import zipfile
import zlib
from contextlib import contextmanager
from dataclasses import dataclass, field

from procex.bpmn import xml as bxml
from procex.bpmn.errors import BpmnReadError
from procex.exchange.xprozess.errors import (
    EmbeddedFileError,
    PayloadTooLargeError,
    UnsafeZipEntryError,
    ZipBombError,
)

MiB = 1024 * 1024
ROLES = {  # XProzess element -> role in procex's inspect output
    "prozessmodelldatei": "model",
    "visualisierungsdatei": "visualisation",
    "beschreibungsdatei": "description",
}
EXTENSIONS = {
    "application/zip": ".zip",
    "application/pdf": ".pdf",
    "application/bpmn+xml": ".bpmn",
    "application/xml": ".xml",
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "image/gif": ".gif",
    "application/octet-stream": ".bin",
}
_CHUNK = 64 * 1024
_DRIVE = re.compile(r"^[A-Za-z]:")
_UNSAFE_CHARS = re.compile(r"[^\w .()+-]+")


@dataclass(frozen=True)
class Limits:
    """Hard limits for untrusted messages; the defaults fit every real FIM export seen so far."""

    max_message_bytes: int = 256 * MiB  # the XML message itself
    max_payload_bytes: int = 64 * MiB  # one decoded ``inhalt``; also the most of a ZIP member read as XML
    max_unzipped_bytes: int = 256 * MiB  # all entries of one ZIP together, unpacked
    # The whole message: every decoded ``inhalt`` plus every unpacked ZIP member, together. The
    # largest message allowed (256 MiB of XML) decodes to at most 192 MiB; 512 MiB leaves room for
    # ZIPs of PDFs and XML of that size, while many ZIPs each under the per-ZIP cap cannot add up.
    max_unpacked_bytes: int = 512 * MiB
    # unpacked / packed, checked for each entry and for each archive's total once past ratio_floor
    max_ratio: int = 200
    ratio_floor: int = 1 * MiB  # small entries may compress very well without being a bomb
    max_zip_entries: int = 1000


DEFAULT_LIMITS = Limits()


class Budget:
    """The unpacked bytes one message may use: every decoded ``inhalt`` and every ZIP member."""

    def __init__(self, limits=DEFAULT_LIMITS):
        self.limit = limits.max_unpacked_bytes
        self.used = 0

    @property
    def left(self):
        return self.limit - self.used

    def spend(self, count, where, what):
        """Count ``count`` more bytes; refuse the message once the total passes the limit."""
        self.used += count
        if self.used > self.limit:
            raise ZipBombError(
                f"{where}: the message's embedded files unpack to more than {self.limit:,} bytes "
                f"together ({what}); refused as a possible ZIP bomb (ask the sender to split the export)"
            )


@dataclass
class ZipMember:
    """One file inside an embedded ZIP: what it is and how large; ``read()`` unpacks it."""

    name: str
    content_type: str
    size: int
    bpmn_error: str | None = None  # why a BPMN-looking XML entry could not be read
    archive: bytes = field(default=b"", repr=False, compare=False)  # the packed ZIP it is in
    index: int = field(default=0, repr=False, compare=False)  # its place in the archive (names may repeat)
    where: str = field(default="", repr=False, compare=False)

    @property
    def is_bpmn(self):
        return self.content_type == "application/bpmn+xml"

    def read(self):
        """The member's bytes, unpacked again from its archive (never more than its recorded size)."""
        try:
            archive = zipfile.ZipFile(io.BytesIO(self.archive))
            info = archive.infolist()[self.index]
        except (zipfile.BadZipFile, IndexError, ValueError, OSError) as error:
            raise EmbeddedFileError(f"{self.where}: ZIP entry {self.name!r} cannot be read again ({error})") from None
        chunks = []
        size = 0
        with _unpacking(info, self.where):
            with archive.open(info) as stream:
                while chunk := stream.read(_CHUNK):
                    size += len(chunk)
                    if size > self.size:
                        raise ZipBombError(
                            f"{self.where}: ZIP entry {self.name!r} unpacks to more than the {self.size:,} "
                            "bytes it did when the message was read; refused"
                        )
                    chunks.append(chunk)
        return b"".join(chunks)


@dataclass
class EmbeddedFile:
    """One ``prozessmodelldatei``, ``visualisierungsdatei`` or ``beschreibungsdatei``."""

    role: str  # model | visualisation | description
    name: str  # dateiname as given in the message
    content_type: str  # recognised from the decoded bytes
    data: bytes = field(repr=False)
    mime_code: str | None = None  # the message's own mimeType code, kept for reference
    method: str | None = None  # modellierungsmethode (freitext or code)
    members: list = field(default_factory=list)  # ZipMember list when the file is a ZIP
    line: int | None = None
    bpmn_error: str | None = None  # why a BPMN-looking file could not be read as a model

    @property
    def size(self):
        return len(self.data)

    def bpmn_models(self):
        """(name, bytes) of every BPMN 2.0 model in this file, in order (ZIP members unpacked now)."""
        if self.content_type == "application/bpmn+xml":
            return [(self.name, self.data)]
        return [(m.name, m.read()) for m in self.members if m.is_bpmn]


def decode_inhalt(text, where, limits=DEFAULT_LIMITS, budget=None):
    """Base64 text of an ``inhalt`` element -> bytes; the length is checked before decoding."""
    text = text or ""
    # 4 base64 characters carry 3 bytes; whitespace only makes this estimate larger (safe side).
    estimate = len(text) // 4 * 3
    if estimate > limits.max_payload_bytes:
        raise PayloadTooLargeError(
            f"{where}: embedded file holds {len(text):,} characters of base64 (about "
            f"{estimate:,} bytes), over the limit of {limits.max_payload_bytes:,} bytes; "
            "refused without decoding (raise the limit only for a trusted message)"
        )
    if budget is not None and estimate > budget.left:
        raise PayloadTooLargeError(
            f"{where}: embedded file holds about {estimate:,} bytes, more than the "
            f"{max(budget.left, 0):,} left of the message's limit of {budget.limit:,} bytes for all "
            "embedded files together; refused without decoding (ask the sender to split the export)"
        )
    compact = "".join(text.split())
    try:
        return base64.b64decode(compact, validate=True)
    except (binascii.Error, ValueError):
        raise EmbeddedFileError(
            f"{where}: inhalt is not valid base64; the message is damaged, ask its sender for a new export"
        ) from None


def sniff(data):
    """The content type of ``data`` from its first bytes (ZIP, PDF, XML, common images)."""
    head = bytes(data[:16])
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return "application/zip"
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if _looks_like_xml(data):
        return "application/xml"
    return "application/octet-stream"


def _looks_like_xml(data):
    head = bytes(data[:512])
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = head.decode("utf-16")
        except UnicodeDecodeError:
            return False
        return text.lstrip("\ufeff \t\r\n").startswith("<")
    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:]
    return head.lstrip(b" \t\r\n").startswith(b"<")


def classify(data, name, where):
    """Content type of a decoded file or ZIP entry; XML that parses as BPMN 2.0 becomes BPMN.

    Returns (content_type, bpmn_error): bpmn_error says why an XML file that names the BPMN
    namespace could still not be read as a model (for the import's error message).
    """
    kind = sniff(data)
    if kind != "application/xml":
        return kind, None
    try:
        bxml.parse_bytes(bytes(data), f"{where} {name!r}", max_bytes=None)
    except BpmnReadError as error:
        if bxml.BPMN_NS.encode() in bytes(data[:8192]) or name.lower().endswith(".bpmn"):
            return kind, str(error)
        return kind, None
    return "application/bpmn+xml", None


def check_entry_name(name, where):
    """Refuse a ZIP entry name that could leave the folder it is unpacked into."""
    reason = None
    if "\x00" in name:
        reason = "contains a NUL character"
    elif name.startswith(("/", "\\")):
        reason = "is an absolute path"
    elif _DRIVE.match(name):
        reason = "starts with a drive letter"
    elif ".." in name.replace("\\", "/").split("/"):
        reason = "climbs out of the folder with '..'"
    if reason:
        raise UnsafeZipEntryError(
            f"{where}: ZIP entry name {name!r} {reason}; the archive is refused because it "
            "could write outside its folder (ask the sender for a clean export)"
        )


@contextmanager
def _unpacking(info, where):
    """Turns what zipfile and zlib raise for a damaged or unsupported entry into one-line errors."""
    try:
        yield
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as error:
        raise EmbeddedFileError(
            f"{where}: ZIP entry {info.filename!r} cannot be unpacked ({error}); the file is damaged"
        ) from None
    except NotImplementedError:
        raise EmbeddedFileError(
            f"{where}: ZIP entry {info.filename!r} uses a compression method procex cannot read"
        ) from None


def read_zip(data, where, limits=DEFAULT_LIMITS, budget=None):
    """The members of a ZIP as ZipMember list, read in chunks under the size and ratio limits.

    Each member is unpacked once to count it and recognise it, then let go: only its first bytes
    are kept, or all of it while it looks like XML (up to max_payload_bytes) to try it as BPMN.
    """
    budget = budget if budget is not None else Budget(limits)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zlib.error, EOFError, ValueError, OSError) as error:
        raise EmbeddedFileError(f"{where}: embedded ZIP cannot be opened ({error}); the file is damaged") from None
    if len(infos) > limits.max_zip_entries:
        raise ZipBombError(
            f"{where}: embedded ZIP has {len(infos):,} entries, over the limit of "
            f"{limits.max_zip_entries:,}; refused as a possible ZIP bomb"
        )
    for info in infos:
        check_entry_name(info.filename, where)
    members = []
    total = 0
    archive_packed = max(1, len(data))
    for index, info in enumerate(infos):
        if info.is_dir():
            continue
        if info.flag_bits & 0x1:
            raise EmbeddedFileError(
                f"{where}: ZIP entry {info.filename!r} is encrypted; procex cannot read it, "
                "ask for an unencrypted export"
            )
        packed = max(1, min(info.compress_size, len(data)))
        kept = []  # the head for sniffing; the whole entry while it may be XML
        keep_all = None  # decided once the head is there
        oversized_xml = False
        size = 0
        with _unpacking(info, where):
            with archive.open(info) as stream:
                while chunk := stream.read(_CHUNK):
                    size += len(chunk)
                    total += len(chunk)
                    budget.spend(len(chunk), where, f"entry {info.filename!r}")
                    if total > limits.max_unzipped_bytes:
                        raise ZipBombError(
                            f"{where}: embedded ZIP unpacks to more than {limits.max_unzipped_bytes:,} "
                            f"bytes (entry {info.filename!r}); refused as a possible ZIP bomb"
                        )
                    if size > limits.ratio_floor and size > limits.max_ratio * packed:
                        raise ZipBombError(
                            f"{where}: ZIP entry {info.filename!r} unpacks over {limits.max_ratio}x its "
                            f"packed size ({packed:,} bytes packed, over {size:,} unpacked so far); "
                            "refused as a possible ZIP bomb"
                        )
                    if total > limits.ratio_floor and total > limits.max_ratio * archive_packed:
                        raise ZipBombError(
                            f"{where}: embedded ZIP unpacks over {limits.max_ratio}x its size "
                            f"({archive_packed:,} bytes packed, over {total:,} unpacked so far, at entry "
                            f"{info.filename!r}); refused as a possible ZIP bomb"
                        )
                    if keep_all is False or oversized_xml:
                        continue
                    kept.append(chunk)
                    if keep_all is None and size >= 512:
                        keep_all = _looks_like_xml(b"".join(kept))
                        if not keep_all:
                            kept = [b"".join(kept)[:512]]
                    if keep_all and size > limits.max_payload_bytes:
                        oversized_xml = True
                        kept = [b"".join(kept)[:8192]]
        content = b"".join(kept)
        if oversized_xml:
            kind, bpmn_error = "application/xml", None
            if bxml.BPMN_NS.encode() in content or info.filename.lower().endswith(".bpmn"):
                bpmn_error = (
                    f"{where} {info.filename!r}: XML entry of {size:,} bytes, over the limit of "
                    f"{limits.max_payload_bytes:,} for a model read from a ZIP"
                )
        else:
            kind, bpmn_error = classify(content, info.filename, where)
        members.append(ZipMember(info.filename, kind, size, bpmn_error, data, index, where))
    return members


def load_embedded(role, name, text, where, limits=DEFAULT_LIMITS, mime_code=None, method=None, line=None, budget=None):
    """Decode one ``inhalt`` and look inside it (one level of ZIP) -> EmbeddedFile.

    ``budget`` is the message's Budget, shared by all its embedded files (a new one when None).
    """
    budget = budget if budget is not None else Budget(limits)
    data = decode_inhalt(text, where, limits, budget)
    budget.spend(len(data), where, "decoded")
    kind, bpmn_error = classify(data, name, where)
    members = read_zip(data, where, limits, budget) if kind == "application/zip" else []
    return EmbeddedFile(role, name, kind, data, mime_code, method, members, line, bpmn_error)


def safe_filename(name, fallback="datei"):
    """A file name that is safe in any folder: last path part, no control or path characters."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = _UNSAFE_CHARS.sub("_", base).strip(" .")
    return base[:120] or fallback


def make_zip(entries):
    """A deterministic ZIP (fixed timestamps, deflate) of (name, bytes) pairs."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries:
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    return buffer.getvalue()
