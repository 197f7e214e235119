"""Atomic file writes: write to a temporary file beside the target, then rename into place.

A crash or an error half-way never leaves a half-written file under the target name.
"""

import os
import stat
import tempfile
from pathlib import Path


def atomic_write(path: str | os.PathLike[str], data: bytes | str, mode: int | None = None) -> None:
    """Write ``data`` (bytes or str, UTF-8) to ``path`` atomically.

    An existing file keeps its permission bits (``mode`` overrides; a new file gets 0o666 less
    the umask, as open() would give it). A symbolic link is followed, so the file it points to
    is replaced and the link stays. A target that is not a regular file (/dev/null, /dev/stdout,
    a named pipe) is written directly: renaming over it would replace the device with a file.
    """
    path = Path(path)
    if isinstance(data, str):
        data = data.encode("utf-8")
    if path.is_symlink():
        path = Path(os.path.realpath(path))
    try:
        existing = path.stat()
    except FileNotFoundError:
        existing = None
    except OSError as error:
        raise OSError(error.errno, error.strerror, str(path)) from None
    if existing is not None and stat.S_ISDIR(existing.st_mode):
        raise IsADirectoryError(21, "is a directory, not a file", str(path))
    if existing is not None and not stat.S_ISREG(existing.st_mode):
        with open(path, "wb") as handle:
            handle.write(data)
        return
    if mode is None:
        mode = stat.S_IMODE(existing.st_mode) if existing is not None else 0o666 & ~_umask()
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


def _umask() -> int:
    # os.umask can only be read by setting it; set it straight back (procex writes from one thread
    # at a time, and the server never calls this).
    current = os.umask(0o022)
    os.umask(current)
    return current
