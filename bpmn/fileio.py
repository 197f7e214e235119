"""Atomic file writes: write to a temporary file beside the target, then rename into place.

A crash or an error half-way never leaves a half-written file under the target name.
"""
import os
import tempfile
from pathlib import Path


def atomic_write(path, data, mode=0o644):
    """Write ``data`` (bytes or str, UTF-8) to ``path`` atomically."""
    path = Path(path)
    if isinstance(data, str):
        data = data.encode("utf-8")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as error:
        # Name the file the user asked for, not the temporary one.
        raise OSError(error.errno, error.strerror, str(path)) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
