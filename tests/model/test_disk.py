"""Disk faults read the same on every write path: the file, then why."""

import errno

from daw.model.disk import describe_write_error, reason, size_text


def test_full_disk_names_the_file_and_the_free_space(tmp_path):
    text = describe_write_error(tmp_path / "take.wav", OSError(errno.ENOSPC, "No space"))
    assert text.startswith(f"cannot write {tmp_path / 'take.wav'}: no space left on device: ")
    assert text.endswith(" free")


def test_other_faults_say_what_happened(tmp_path):
    assert reason(OSError(errno.EACCES, "x")) == "permission denied"
    assert "input/output error" in reason(OSError(errno.EIO, "x"))
    assert reason(OSError(errno.EROFS, "x")) == "the disk is read-only"
    assert reason(OSError(errno.ENOTDIR, "Not a directory")) == "Not a directory"


def test_sizes_read_as_a_person_reads_them():
    assert size_text(500) == "500 bytes"
    assert size_text(4 * 1024**2) == "4 MB"
    assert size_text(3 * 1024**3 // 2) == "1.5 GB"
