"""An LMS zip read entry by entry, without trusting it (`safe_extract`, for grading.intake).

Absolute paths, `..`, links, devices, encrypted, damaged, clashing, oversized or suspiciously
expanding entries, and too many entries, are refused with a reason and never written. A file
keeps its entry's date (Info-ZIP's UTC time, else the DOS date); a UTF-8 name without the zip's
flag is read as UTF-8.
"""

from __future__ import annotations

import calendar
import contextlib
import os
import re
import shutil
import stat
import struct
import zipfile
import zlib
from datetime import datetime
from pathlib import Path, PurePosixPath

from ..course.submission_names import kind, shown

MAX_ENTRY = 50 * 1024**2  # bytes per extracted file
MAX_TOTAL = 1024**3  # bytes per archive
MAX_ENTRIES = 20_000  # entries per archive
MAX_RATIO = 200  # expanded / compressed size of one entry ...
RATIO_FLOOR = 1024**2  # ... checked for entries that expand past 1 MB
OUTSIDE = "entry points outside the archive folder; not extracted"  # such an entry names no student
DOS_ZERO = 315_532_800  # 1980-01-01 UTC: a zip entry dated then has no date


def _entry_problem(info: zipfile.ZipInfo, parts: tuple[str, ...]) -> str | None:
    name = info.filename
    mode = info.external_attr >> 16
    if name.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", name) or ".." in parts:
        return OUTSIDE
    if stat.S_IFMT(mode) and kind(mode):
        return f"entry is {kind(mode)}; not extracted"
    if info.flag_bits & 0x1:
        return "entry is encrypted (password-protected); not extracted: submit it without a password"
    if info.file_size > MAX_ENTRY:
        return f"entry is {info.file_size} bytes; the limit is {MAX_ENTRY}"
    if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
        return (
            f"entry expands from {info.compress_size} to {info.file_size} bytes, more than "
            f"{MAX_RATIO} times (a zip bomb?); not extracted"
        )
    return None


def safe_extract(archive: Path, dest: Path, intake) -> None:
    """Extract the regular files of a zip into `dest`, each entry on its own; what is refused, and
    each file's date, go into `intake` (grading.intake.Intake)."""
    total = 0
    dest = dest.resolve()
    try:
        try:
            zf = zipfile.ZipFile(archive)
        except UnicodeDecodeError:
            # a name flagged UTF-8 that is not: read such names as cp437, like unflagged ones
            copy = dest.parent / f"names-fixed-{archive.name}"
            shutil.copyfile(archive, copy)
            _unflag_bad_utf8_names(copy)
            zf = zipfile.ZipFile(copy)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, struct.error) as err:
        intake.rejected.append((shown(archive.name), f"not a readable zip file ({err})"))
        return
    with zf:
        infos = zf.infolist()
        if len(infos) > MAX_ENTRIES:
            intake.rejected.append((shown(archive.name), f"{len(infos)} entries; at most {MAX_ENTRIES} are read"))
            return
        for info in infos:
            info.filename = entry_name(info)
            name = shown(info.filename)
            parts = PurePosixPath(info.filename.replace("\\", "/")).parts
            if info.is_dir():
                continue
            problem = _entry_problem(info, parts)
            if problem:
                intake.rejected.append((name, problem))
                continue
            total += info.file_size
            if total > MAX_TOTAL:
                intake.rejected.append((name, "archive expands past 1 GB; the rest is not extracted"))
                return
            target = dest.joinpath(*parts)
            if not str(target.resolve()).startswith(str(dest) + "/"):
                intake.rejected.append((name, OUTSIDE))
                continue
            problem = _extract_one(zf, info, target)
            if problem:
                intake.rejected.append((name, problem))
                continue
            when = intake.entry_times[target] = entry_time(info)
            intake.entry_dos[target] = dos_time(info)
            if (_utc_time(info) or 0) > DOS_ZERO:  # a UTC time that is a date
                intake.entry_utc.add(target)
            if when is not None:
                os.utime(target, (when, when))


def entry_time(info: zipfile.ZipInfo) -> float | None:
    """When an entry's file was last modified: Info-ZIP's UTC timestamp, else its DOS date and time
    (the writer's local time); None for no date (1980-01-01, the DOS zero, or no such date)."""
    utc = _utc_time(info)
    if utc is not None:
        return float(utc) if utc > DOS_ZERO else None
    return dos_time(info, local=True)


def _extra_fields(info: zipfile.ZipInfo):
    """(tag, data) of each of an entry's extra fields."""
    extra = info.extra
    while len(extra) >= 4:
        tag, size = struct.unpack("<HH", extra[:4])
        yield tag, extra[4 : 4 + size]
        extra = extra[4 + size :]


def _utc_time(info: zipfile.ZipInfo) -> int | None:
    """The modification time of Info-ZIP's extended timestamp field ('UT'), if the entry has one."""
    for tag, data in _extra_fields(info):
        if tag == 0x5455 and len(data) >= 5 and data[0] & 1:  # 'UT', modification time first
            return struct.unpack("<i", data[1:5])[0]
    return None


def dos_time(info: zipfile.ZipInfo, local: bool = False) -> float | None:
    """The entry's DOS date and time as seconds (None: no date), read as the writer's local time, or
    as if UTC to compare entries of one zip that mix UTC and local times."""
    if info.date_time[:3] <= (1980, 1, 1):
        return None
    try:
        when = datetime(*info.date_time)
        return when.timestamp() if local else float(calendar.timegm(when.timetuple()))
    except (ValueError, OverflowError):
        return None


def entry_name(info: zipfile.ZipInfo) -> str:
    """An entry's name as the student's computer wrote it: without the UTF-8 flag, Info-ZIP's Unicode
    Path field if it has one, else its bytes as UTF-8 when they are (Info-ZIP on Linux and macOS
    writes UTF-8 names without the flag), else cp437, the zip format's rule."""
    if info.flag_bits & 0x800:
        return info.filename
    raw = info.filename.encode("cp437", errors="surrogateescape")
    for tag, body in _extra_fields(info):
        if tag == 0x7075 and len(body) > 5 and body[0] == 1 and struct.unpack("<I", body[1:5])[0] == zlib.crc32(raw):
            try:  # Info-ZIP's Unicode Path field, for this very name
                return body[5:].decode("utf-8")
            except UnicodeDecodeError:
                break
    if not raw.isascii():
        with contextlib.suppress(UnicodeDecodeError):
            return raw.decode("utf-8")
    return info.filename


def _unflag_bad_utf8_names(path: Path) -> None:
    """Clear the UTF-8 flag of every entry whose name is not UTF-8 (in the central directory
    and in the entry's local header), so that zipfile reads those names as cp437."""
    with open(path, "r+b") as f:
        f.seek(0, 2)
        size = f.tell()
        f.seek(max(0, size - 65557))
        tail = f.read()
        end = tail.rfind(b"PK\x05\x06")
        if end < 0:
            raise zipfile.BadZipFile("no end of central directory")
        count, _, start = struct.unpack("<HII", tail[end + 10 : end + 20])
        if start == 0xFFFFFFFF:
            raise zipfile.BadZipFile("a zip64 archive with names that are not UTF-8")
        offset = start
        for _ in range(count):
            f.seek(offset)
            header = f.read(46)
            if header[:4] != b"PK\x01\x02":
                raise zipfile.BadZipFile("damaged central directory")
            (flags,) = struct.unpack("<H", header[8:10])
            name_len, extra_len, comment_len = struct.unpack("<HHH", header[28:34])
            name = f.read(name_len)
            try:
                name.decode("utf-8")
            except UnicodeDecodeError:
                f.seek(offset + 8)
                f.write(struct.pack("<H", flags & ~0x800))
                (local,) = struct.unpack("<I", header[42:46])  # and the entry's own header
                f.seek(local)
                if local != 0xFFFFFFFF and f.read(8)[:4] == b"PK\x03\x04":
                    f.seek(local + 6)
                    (local_flags,) = struct.unpack("<H", f.read(2))
                    f.seek(local + 6)
                    f.write(struct.pack("<H", local_flags & ~0x800))
            offset += 46 + name_len + extra_len + comment_len


def _extract_one(zf: zipfile.ZipFile, info: zipfile.ZipInfo, target: Path) -> str | None:
    """Write one entry to `target` (a new file); the reason it was not written, or None."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        out = open(target, "xb")
    except OSError as err:
        return (
            f"its name clashes with another entry of the archive ({err.strerror}: a file and a "
            "folder of the same name, or one name twice); not extracted"
        )
    written = 0
    try:
        with out, zf.open(info) as src:
            while chunk := src.read(1024**2):
                written += len(chunk)
                if written > MAX_ENTRY:
                    raise ValueError(f"it expands past {MAX_ENTRY} bytes")
                out.write(chunk)
    except (zipfile.BadZipFile, zlib.error, EOFError, RuntimeError, NotImplementedError, ValueError, OSError) as err:
        target.unlink(missing_ok=True)
        return f"entry is damaged or unreadable ({err}); not extracted"
    return None
