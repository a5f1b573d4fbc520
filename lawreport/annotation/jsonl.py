"""Reading and writing the annotation JSONL (one report per line).

Errors name the file and line, because the people who hit them are
annotators fixing a file, not developers reading a traceback; writes are
atomic, because a half-written training file is worse than none.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

#: Keys every record must have, with the Python types they must be.
RECORD_KEYS: dict[str, type] = {"id": str, "text": str, "meta": dict, "spans": list, "sentences": list}
#: Optional top-level keys we know (type-checked when present); any others are allowed.
OPTIONAL_RECORD_KEYS: dict[str, type] = {"relations": list, "facts": list}
#: Normalisation fields each entity label must carry.
NORMALISATION_FIELDS: dict[str, tuple[str, ...]] = {
    "DISTRICT": ("district_name", "district_code", "district_parents"),
    "MEASURE": (),
    "NUMBER": ("value", "qualifier"),
    "UNIT": ("unit_category",),
}
#: Keys of ``meta`` and the types each may have (None allowed where listed).
META_KEYS: dict[str, tuple[type, ...]] = {
    "source": (str,),
    "district": (str, type(None)),
    "year": (int, type(None)),
    "body": (str, type(None)),
    "synthetic": (bool,),
}


class AnnotationFileError(ValueError):
    """A file that cannot be read as annotation JSONL; the message starts with ``path:line:``."""

    def __init__(self, path: str | Path, line: int | None, reason: str) -> None:
        self.path, self.line, self.reason = str(path), line, reason
        super().__init__(f"{path}:{line}: {reason}" if line is not None else f"{path}: {reason}")


def scan_records(path: str | Path) -> Iterator[tuple[int, dict[str, Any] | AnnotationFileError]]:
    """Every non-blank line as ``(line number, record or the error for that line)``.

    A validator wants to go on past a bad line; :func:`read_records` does not.
    A file that cannot be opened or decoded raises at once.
    """
    try:
        handle = open(path, encoding="utf-8-sig")  # a byte-order mark (Windows editors) is not an error
    except OSError as err:
        raise AnnotationFileError(path, None, f"cannot open: {err.strerror or err}") from err
    with handle:
        line_no = 0
        try:
            for line_no, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                yield line_no, _parse_line(path, line_no, line)
        except UnicodeDecodeError as err:
            reason = f"not UTF-8 text ({err.reason}); is this a JSONL file?"
            raise AnnotationFileError(path, line_no + 1, reason) from err


def _parse_line(path: str | Path, line_no: int, line: str) -> dict[str, Any] | AnnotationFileError:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as err:
        return AnnotationFileError(path, line_no, f"invalid JSON at column {err.colno}: {err.msg}")
    except (ValueError, RecursionError) as err:  # a 5,000-digit number; arrays nested thousands deep
        return AnnotationFileError(path, line_no, f"invalid JSON: {err}")
    if not isinstance(record, dict):
        return AnnotationFileError(path, line_no, f"expected one JSON object per line, got {type(record).__name__}")
    return record


def read_records(path: str | Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """``(line number, record)`` for each non-blank line; raises :class:`AnnotationFileError` on the first bad one."""
    for line_no, item in scan_records(path):
        if isinstance(item, AnnotationFileError):
            raise item
        yield line_no, item


@contextmanager
def atomic_open(
    path: str | Path, mode: str = "w", *, encoding: str = "utf-8", newline: str = "\n"
) -> Iterator[IO[Any]]:
    """Open a temporary file next to ``path`` and move it over ``path`` only when
    the block finishes without an error, so readers never see half a file."""
    target = Path(path)
    binary = "b" in mode
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent or ".")
    try:
        with open(fd, mode, **({} if binary else {"encoding": encoding, "newline": newline})) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, _file_mode(target))
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _file_mode(target: Path) -> int:
    """The mode ``target`` has, or a new file would get: mkstemp's 0600 would lock others out."""
    if target.exists():
        return target.stat().st_mode & 0o7777
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def dumps_record(record: dict[str, Any]) -> str:
    """One record as a JSONL line (without the newline), Chinese kept readable."""
    return json.dumps(record, ensure_ascii=False)


def write_records(path: str | Path, records: Iterable[dict[str, Any]]) -> int:
    """Write records as JSONL atomically; returns how many were written."""
    count = 0
    with atomic_open(path) as handle:
        for record in records:
            handle.write(dumps_record(record) + "\n")
            count += 1
    return count
