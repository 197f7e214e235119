"""gzip for the one large answer, the library index, without holding it in memory.

The index is tens of megabytes of JSON lines at 100,000 processes and shrinks about tenfold;
model downloads are left alone (small, and their sha256 is checked on the raw bytes). Level 5:
most of level 9's saving at a fraction of its CPU, which the single worker shares with every
other request.
"""

import zlib

LEVEL = 5


def accepts_gzip(accept_encoding):
    """Whether an Accept-Encoding header admits gzip (``gzip;q=0`` refuses it, ``*`` admits it)."""
    admitted = {}
    for part in (accept_encoding or "").split(","):
        name, _, params = part.strip().partition(";")
        quality = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if name:
            admitted[name.strip().lower()] = quality > 0
    return admitted.get("gzip", admitted.get("*", False))


def gzip_etag(etag):
    """The gzip representation's own strong ETag (RFC 9110: another encoding, another ETag)."""
    return etag[:-1] + '-gzip"' if etag.endswith('"') else etag + "-gzip"


def gzipped(chunks):
    """A gzip stream of the text ``chunks`` (an iterator), closing it when the stream ends or stops."""
    compressor = zlib.compressobj(LEVEL, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    try:
        for chunk in chunks:
            data = compressor.compress(chunk.encode("utf-8"))
            if data:
                yield data
        yield compressor.flush()
    finally:
        close = getattr(chunks, "close", None)
        if close is not None:
            close()
