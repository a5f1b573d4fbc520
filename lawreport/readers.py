"""Reading report files into text: .txt/.md, .html, .docx, .pdf.

Plain text is decoded by its byte-order mark (UTF-8, UTF-16), else as
UTF-8, else GB18030 (which covers GBK and GB2312, the usual encodings of
older government sites).  HTML pages saved from a government site are
decoded by their BOM or ``<meta charset>`` and reduced to their visible
text with the standard library's HTML parser, one block per line (the
navigation lines stay: the pipeline is built to skip them).  Word files go
through python-docx (paragraphs and table rows in document order), PDF
files through pypdf (page by page).  Anything else, or a file that holds no
text, is a :class:`ReadError` naming the file and the reason.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

TEXT_SUFFIXES = (".txt", ".md")
HTML_SUFFIXES = (".html", ".htm", ".shtml")
SUFFIXES = (*TEXT_SUFFIXES, *HTML_SUFFIXES, ".docx", ".pdf")


class ReadError(ValueError):
    """A file that cannot be read as a report, with the reason."""


@dataclass
class ReportText:
    """The text of one report file and where it came from."""

    text: str
    source: str
    format: str
    encoding: str | None = None
    title: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)


def decode_bytes(data: bytes, source: str, declared: str | None = None) -> tuple[str, str]:
    """Text and encoding of ``data``: BOM, then ``declared``, then UTF-8, then GB18030."""
    boms = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
    for bom, encoding in boms:
        if data.startswith(bom):
            return data.decode(encoding), encoding
    if b"\x00" in data[:4096]:
        raise ReadError(f"{source}: looks binary (NUL bytes); not a text report")
    candidates = [declared] if declared else []
    for encoding in [*candidates, "utf-8", "gb18030"]:
        try:
            return data.decode(_canonical(encoding)), _canonical(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
    raise ReadError(f"{source}: neither UTF-8 nor GB18030 text")


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
    if not path.is_file():
        raise ReadError(f"{path}: no such file")
    if suffix in TEXT_SUFFIXES:
        text, encoding = decode_bytes(path.read_bytes(), str(path))
        return ReportText(text, str(path), "text", encoding)
    if suffix in HTML_SUFFIXES:
        return _read_html(path)
    if suffix == ".docx":
        return _read_docx(path)
    if suffix == ".pdf":
        return _read_pdf(path)
    raise ReadError(f"{path}: unsupported file type {suffix or '(none)'}; lawreport reads {', '.join(SUFFIXES)}")


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
    try:
        document = docx.Document(str(path))
    except Exception as err:  # python-docx raises several types for broken zips
        raise ReadError(f"{path}: not a readable .docx file ({err})") from err
    lines: list[str] = []
    for child in document.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.append(Paragraph(child, document).text)
        elif tag == "tbl":
            for row in Table(child, document).rows:
                lines.append(" | ".join(_unique_cells(cell.text.strip() for cell in row.cells)))
    text = "\n".join(lines)
    if not text.strip():
        raise ReadError(f"{path}: the document has no text")
    title = document.core_properties.title or None
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
        from pypdf.errors import PdfReadError
    except ImportError as err:  # pragma: no cover - a dependency of the package
        raise ReadError(f"{path}: reading .pdf needs pypdf (pip install pypdf)") from err
    try:
        reader = PdfReader(str(path))
        if reader.is_encrypted:
            raise ReadError(f"{path}: the PDF is encrypted")
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PdfReadError, ValueError, OSError) as err:
        if isinstance(err, ReadError):
            raise
        raise ReadError(f"{path}: not a readable PDF ({err})") from err
    text = "\n\n".join(page.strip("\n") for page in pages)
    if not text.strip():
        raise ReadError(f"{path}: the PDF has no text layer (a scan?); run OCR first")
    title = (reader.metadata.title if reader.metadata else None) or None
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
