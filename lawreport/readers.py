"""Reading report files into text: .txt/.md, .html, .docx, .pdf.

Plain text is decoded by its byte-order mark (UTF-8, UTF-16, UTF-32), else
as UTF-16 if it looks like UTF-16 saved without one, else as UTF-8, else as
GB18030 (which covers GBK and GB2312, the usual encodings of older
government sites) or Big5 (Taiwan, Hong Kong), whichever reads as common
Chinese, else line by line (files pasted together from several sources);
empty and whitespace-only files are errors, not empty reports.  HTML pages
saved from a government site are decoded by their BOM or ``<meta charset>``
(then as plain text is) and reduced to their visible
text with the standard library's HTML parser, one block per line (the
navigation lines stay: the pipeline is built to skip them).  Word files go
through python-docx (paragraphs and table rows in document order), PDF
files through pypdf (page by page).  Anything else, or a file that holds no
text, is a :class:`ReadError` naming the file and the reason.
"""

from __future__ import annotations

import codecs
import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from .text import LONE_SURROGATE

TEXT_SUFFIXES = (".txt", ".md")
HTML_SUFFIXES = (".html", ".htm", ".shtml")
SUFFIXES = (*TEXT_SUFFIXES, *HTML_SUFFIXES, ".docx", ".pdf")


class ReadError(ValueError):
    """A file that cannot be read as a report, with the reason."""

    def __init__(self, message: str) -> None:
        super().__init__(printable(message))


def printable(text: str) -> str:
    """``text`` as valid Unicode: bytes of a file name that were not UTF-8 (kept by
    Python as lone surrogates, which no file or terminal takes) shown as ``\\xb1``."""
    try:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:
        return text.encode("utf-8", "backslashreplace").decode("utf-8")


@dataclass
class ReportText:
    """The text of one report file and where it came from."""

    text: str
    source: str
    format: str
    encoding: str | None = None
    title: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)


#: Byte-order marks, UTF-32 first: its little-endian mark starts like UTF-16's.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
)
#: Pre-Unicode Chinese encodings tried after UTF-8: the mainland's, then Big5 (cp950, Windows' Big5).
_LEGACY = ("gb18030", "cp950")
#: Big5 is chosen over GB18030 only when it reads this much better (ties go to the mainland).
_BIG5_MARGIN = 0.1
#: Characters sampled to judge an encoding.
_SAMPLE = 100_000
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def decode_bytes(data: bytes, source: str, declared: str | None = None) -> tuple[str, str]:
    """Text and encoding of ``data`` (see the module docstring for the order tried)."""
    bom = next((encoding for mark, encoding in _BOMS if data.startswith(mark)), None)
    if bom == "utf-8-sig":  # a UTF-8 mark on text that may not be UTF-8 after all
        text, encoding = decode_bytes(data[len(codecs.BOM_UTF8) :], source, declared)
        return text, "utf-8-sig" if encoding == "utf-8" else encoding
    if bom:
        return _decode_with_bom(data, bom, source), bom
    if b"\x00" in data[:4096]:
        return _utf16_without_bom(data, source)
    for encoding in [_canonical(declared)] if declared else []:
        try:
            return data.decode(encoding), encoding
        except (UnicodeDecodeError, LookupError):
            pass
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    return _legacy_chinese(data) or _decode_lines(data, source)


def _decode_with_bom(data: bytes, encoding: str, source: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as err:
        raise ReadError(f"{source}: starts with a {encoding.upper()} byte-order mark but is not {encoding.upper()} "
                        f"text ({err.reason} at byte {err.start})") from err


def _utf16_without_bom(data: bytes, source: str) -> tuple[str, str]:
    """UTF-16 saved without a mark: the NUL high bytes of ASCII characters fall mostly
    on one side; anything else with NUL bytes is binary."""
    even, odd = data[0::2].count(0), data[1::2].count(0)
    encoding = "utf-16-le" if odd > 3 * even else "utf-16-be" if even > 3 * odd else None
    if encoding and len(data) % 2 == 0:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            text = "\x00"
        if not _CONTROL.search(text):
            return text, encoding
    raise ReadError(f"{source}: looks binary (NUL bytes); not a text report")


def _legacy_chinese(data: bytes) -> tuple[str, str] | None:
    """GB18030 or Big5, whichever reads as more common Chinese; None if neither decodes."""
    readings = []
    for encoding in _LEGACY:
        try:
            readings.append((data.decode(encoding), encoding))
        except UnicodeDecodeError:
            continue
    if len(readings) == 2 and _common_share(readings[1][0]) <= _common_share(readings[0][0]) + _BIG5_MARGIN:
        readings.pop()
    return readings[-1] if readings else None


def _common_share(text: str) -> float:
    """Share of the non-ASCII characters that are common Chinese: in GB2312 (simplified)
    or among Big5's symbols and first-level characters (traditional).  Text decoded
    with the wrong one of the two is mostly neither (rare characters, private use)."""
    chars = [char for char in text[:_SAMPLE] if char > "\x7f"]
    return sum(map(_is_common, chars)) / len(chars) if chars else 1.0


@functools.cache
def _is_common(char: str) -> bool:
    try:
        char.encode("gb2312")
        return True
    except UnicodeEncodeError:
        pass
    try:
        return char.encode("big5")[0] <= 0xC6
    except UnicodeEncodeError:
        return False


def _decode_lines(data: bytes, source: str) -> tuple[str, str]:
    """Each line as UTF-8, else in the legacy encoding that reads the other lines best
    (a byte 0x0A is a line break in all of them)."""
    lines = data.split(b"\n")
    utf8 = [_is_utf8(line) for line in lines]
    found = _legacy_chinese(b"\n".join(line for line, ok in zip(lines, utf8, strict=True) if not ok))
    if found is None:
        raise ReadError(f"{source}: {_first_undecodable(lines)}")
    encoding = found[1]
    text = "\n".join(line.decode("utf-8" if ok else encoding) for line, ok in zip(lines, utf8, strict=True))
    return text, f"utf-8+{encoding}"


def _is_utf8(line: bytes) -> bool:
    try:
        line.decode("utf-8")
        return True
    except UnicodeDecodeError:
        return False


def _first_undecodable(lines: list[bytes]) -> str:
    """Where the first line that no encoding reads goes wrong, for the error message."""
    for number, line in enumerate(lines, start=1):
        if not _is_utf8(line):
            try:
                line.decode(_LEGACY[0])
            except UnicodeDecodeError as err:
                return (f"line {number} is neither UTF-8 nor GB18030 nor Big5 text (byte 0x{line[err.start]:02x} "
                        f"at position {err.start}); not a text report?")
    return "not UTF-8, GB18030 or Big5 text; not a text report?"  # not reached: each line decodes alone


def _canonical(encoding: str) -> str:
    """GB2312 and GBK pages are decoded as GB18030, their superset."""
    name = encoding.strip().lower()
    return "gb18030" if name in ("gb2312", "gbk", "gb_2312-80", "x-gbk") else name


def read_text(path: str | Path) -> str:
    """The text of any supported report file (see :func:`read`)."""
    return read(path).text


def read(path: str | Path) -> ReportText:
    """Read one report file; the format is chosen by its suffix."""
    path = Path(path)
    suffix = path.suffix.lower()
    if path.is_dir():
        raise ReadError(f"{path}: is a folder, not a file")
    if not path.is_file():
        raise ReadError(f"{path}: no such file")
    readers = {**dict.fromkeys(TEXT_SUFFIXES, _read_text), **dict.fromkeys(HTML_SUFFIXES, _read_html),
               ".docx": _read_docx, ".pdf": _read_pdf}
    if suffix not in readers:
        raise ReadError(f"{path}: unsupported file type {suffix or '(none)'}; lawreport reads {', '.join(SUFFIXES)}")
    try:
        report = readers[suffix](path)
    except OSError as err:
        raise ReadError(f"{path}: cannot read ({err.strerror or err})") from err
    return _valid_unicode(report)


def _read_text(path: Path) -> ReportText:
    text, encoding = decode_bytes(path.read_bytes(), str(path))
    if not text.strip():
        raise ReadError(f"{path}: the file is empty" if not text else f"{path}: the file holds only whitespace")
    return ReportText(text, str(path), "text", encoding)


def _valid_unicode(report: ReportText) -> ReportText:
    """Lone surrogates (from a PDF's broken character map) become U+FFFD, one
    character for one so offsets hold: spaCy cannot store them."""
    report.text, count = LONE_SURROGATE.subn("\ufffd", report.text)
    if count:
        report.meta["replaced_surrogates"] = count
    report.source = printable(report.source)
    return report


def _starts_with(path: Path, magic: bytes, within: int = 0) -> bool:
    """Whether ``magic`` is at the start of the file (or among its first ``within`` bytes)."""
    with path.open("rb") as handle:
        head = handle.read(max(within, len(magic)))
    return magic in head if within else head.startswith(magic)


def _sniff(path: Path) -> str:
    """What a file that is not what its suffix says seems to be, for the error message."""
    with path.open("rb") as handle:
        head = handle.read(4096)
    kinds = ((b"PK\x03\x04", "a zip archive"), (b"%PDF-", "a PDF; rename it to .pdf"),
             (b"\xd0\xcf\x11\xe0", "an old Word (.doc) or other OLE file; save it as .docx"))
    if not head:
        return "it is empty (0 bytes)"
    found = next((kind for magic, kind in kinds if head.startswith(magic)), None)
    if found:
        return f"it is {found}"
    if b"<html" in head[:1024].lower():
        return "it is a web page; rename it to .html"
    return "it looks like plain text; rename it to .txt" if b"\x00" not in head else "its content is not recognised"


# -- HTML ---------------------------------------------------------------------

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.IGNORECASE)
_BLOCKS = frozenset(
    "p div br li ul ol tr table h1 h2 h3 h4 h5 h6 section article header footer nav title blockquote pre dd dt".split()
)
_SKIP = frozenset({"script", "style", "noscript", "template", "svg"})


class _TextExtractor(HTMLParser):
    """Visible text of a page, a line per block element, cells separated by `` | ``."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = [""]
        self.skipping = 0
        self.title: list[str] = []
        self.in_title = False

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag in _SKIP:
            self.skipping += 1
        elif tag == "title":
            self.in_title = True
        if tag in _BLOCKS:
            self.lines.append("")
        elif tag in ("td", "th") and self.lines[-1].strip():
            self.lines[-1] += " | "

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP and self.skipping:
            self.skipping -= 1
        elif tag == "title":
            self.in_title = False
        if tag in _BLOCKS:
            self.lines.append("")

    def handle_data(self, data: str) -> None:
        if self.skipping:
            return
        if self.in_title:
            self.title.append(data)
            return
        self.lines[-1] += re.sub(r"\s+", " ", data)

    def text(self) -> str:
        lines = [line.strip() for line in self.lines]
        return "\n".join(line for line in lines if line)


def _read_html(path: Path) -> ReportText:
    data = path.read_bytes()
    declared = _META_CHARSET.search(data[:4096])
    text, encoding = decode_bytes(data, str(path), declared.group(1).decode("ascii") if declared else None)
    parser = _TextExtractor()
    parser.feed(text)
    parser.close()
    body = parser.text()
    if not body.strip():
        raise ReadError(f"{path}: the page has no visible text")
    title = " ".join("".join(parser.title).split()) or None
    return ReportText(body, str(path), "html", encoding, title)


# -- Word ---------------------------------------------------------------------


def _read_docx(path: Path) -> ReportText:
    try:
        import docx  # python-docx
        from docx.table import Table
        from docx.text.paragraph import Paragraph
    except ImportError as err:  # pragma: no cover - a dependency of the package
        raise ReadError(f"{path}: reading .docx needs python-docx (pip install python-docx)") from err
    if not _starts_with(path, b"PK\x03\x04"):
        raise ReadError(f"{path}: not a .docx file: {_sniff(path)}")
    try:
        document = docx.Document(str(path))
        lines: list[str] = []
        for child in document.element.body.iterchildren():
            tag = child.tag.rsplit("}", 1)[-1]
            if tag == "p":
                lines.append(Paragraph(child, document).text)
            elif tag == "tbl":
                for row in Table(child, document).rows:
                    lines.append(" | ".join(_unique_cells(cell.text.strip() for cell in row.cells)))
        title = document.core_properties.title or None
    except Exception as err:  # python-docx and lxml raise many types on damaged files
        raise ReadError(f"{path}: not a readable .docx file ({err})") from err
    text = "\n".join(lines)
    if not text.strip():
        raise ReadError(f"{path}: the document has no text")
    return ReportText(text, str(path), "docx", None, title)


def _unique_cells(cells: Iterable[str]) -> list[str]:
    """Merged cells repeat in python-docx; keep each once, in order."""
    out: list[str] = []
    for cell in cells:
        if not out or out[-1] != cell:
            out.append(cell)
    return out


# -- PDF ----------------------------------------------------------------------


def _read_pdf(path: Path) -> ReportText:
    try:
        from pypdf import PdfReader
    except ImportError as err:  # pragma: no cover - a dependency of the package
        raise ReadError(f"{path}: reading .pdf needs pypdf (pip install pypdf)") from err
    if not _starts_with(path, b"%PDF-", within=1024):
        raise ReadError(f"{path}: not a PDF file (no %PDF- header): {_sniff(path)}")
    try:
        reader = PdfReader(str(path))
        if reader.is_encrypted:
            raise ReadError(f"{path}: the PDF is encrypted")
        pages = [page.extract_text() or "" for page in reader.pages]
        title = (reader.metadata.title if reader.metadata else None) or None
    except ReadError:
        raise
    except Exception as err:  # pypdf raises many types on damaged files (PdfReadError, KeyError, zlib.error…)
        raise ReadError(f"{path}: not a readable PDF ({type(err).__name__}: {err})") from err
    text = "\n\n".join(page.strip("\n") for page in pages)
    if not text.strip():
        raise ReadError(f"{path}: the PDF has no text layer (a scan?); run OCR first")
    return ReportText(text, str(path), "pdf", None, title, {"pages": len(pages)})


def _is_report_file(path: Path) -> bool:
    """A supported suffix, and not a folder's README or a hidden file."""
    name = path.name.lower()
    return path.is_file() and path.suffix.lower() in SUFFIXES and not name.startswith(("readme", "."))


def iter_report_files(paths: Iterable[str | Path]) -> list[Path]:
    """Files named directly, plus report files (any supported suffix) found recursively in folders."""
    found: list[Path] = []
    for item in map(Path, paths):
        if item.is_dir():
            found.extend(sorted(p for p in item.rglob("*") if _is_report_file(p)))
        else:
            found.append(item)
    return found
