"""Reading report files into text.

Plain text is decoded as UTF-8 (with or without BOM), then GB18030 (which
covers GBK and GB2312, the usual encodings of older government sites).
Other formats come with the batch-extraction work.
"""

from __future__ import annotations

from pathlib import Path

TEXT_SUFFIXES = (".txt", ".md")


class ReadError(ValueError):
    """A file that cannot be read as a report, with the reason."""


def read_text(path: str | Path) -> str:
    """Decode a plain-text report, trying UTF-8 then GB18030."""
    path = Path(path)
    if path.suffix.lower() not in TEXT_SUFFIXES:
        raise ReadError(f"{path}: unsupported file type {path.suffix or '(none)'}; expected one of {TEXT_SUFFIXES}")
    data = path.read_bytes()
    if b"\x00" in data[:4096]:
        raise ReadError(f"{path}: looks binary (NUL bytes); not a text report")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ReadError(f"{path}: neither UTF-8 nor GB18030 text")


def iter_report_files(paths: list[str | Path]) -> list[Path]:
    """Files named directly, plus report files found recursively in folders."""
    found: list[Path] = []
    for item in map(Path, paths):
        if item.is_dir():
            found.extend(sorted(p for p in item.rglob("*") if p.is_file() and p.suffix.lower() in TEXT_SUFFIXES))
        else:
            found.append(item)
    return found
