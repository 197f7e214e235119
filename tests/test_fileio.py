"""bpmn.fileio.atomic_write: atomic replace for regular files, and the targets where a rename is wrong."""

import os
import stat
import threading

import pytest

from procex.core.files import atomic_write


def test_replaces_a_file_and_leaves_no_temporary_file(tmp_path):
    target = tmp_path / "model.bpmn"
    target.write_bytes(b"old")
    atomic_write(target, "neu ü")
    assert target.read_bytes() == "neu ü".encode()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.bpmn"]


def test_keeps_the_permission_bits_of_an_existing_file(tmp_path):
    target = tmp_path / "shared.bpmn"
    target.write_bytes(b"old")
    target.chmod(0o640)
    atomic_write(target, b"new")
    assert stat.S_IMODE(target.stat().st_mode) == 0o640


def test_new_file_follows_the_umask(tmp_path):
    previous = os.umask(0o027)
    try:
        atomic_write(tmp_path / "new.bpmn", b"x")
    finally:
        os.umask(previous)
    assert stat.S_IMODE((tmp_path / "new.bpmn").stat().st_mode) == 0o640


def test_a_symlink_stays_a_link_to_the_replaced_file(tmp_path):
    real = tmp_path / "real.bpmn"
    real.write_bytes(b"old")
    link = tmp_path / "link.bpmn"
    link.symlink_to(real)
    atomic_write(link, b"new")
    assert link.is_symlink() and real.read_bytes() == b"new"


def test_a_named_pipe_is_written_not_replaced(tmp_path):
    """As for /dev/null or /dev/stdout: renaming over them would put a file in the device's place."""
    pipe = tmp_path / "out.pipe"
    os.mkfifo(pipe)
    received = []
    reader = threading.Thread(target=lambda: received.append(pipe.read_bytes()))
    reader.start()
    atomic_write(pipe, b"durch die Leitung")
    reader.join(10)
    assert received == [b"durch die Leitung"]
    assert stat.S_ISFIFO(pipe.stat().st_mode)


def test_a_directory_is_refused_by_name(tmp_path):
    with pytest.raises(IsADirectoryError) as refused:
        atomic_write(tmp_path, b"x")
    assert refused.value.filename == str(tmp_path)
