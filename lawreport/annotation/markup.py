"""Inline markup for annotators, turned into offsets by code.

An annotator gets one sentence per line (``NNNN<TAB>sentence``, line breaks
inside a sentence shown as ``⏎``) and returns the same lines as
``NNNN<TAB>CLASS<TAB>marked sentence``, where each entity is written
``⟦text|LABEL⟧``.  Offsets are never typed by hand: :func:`parse_marked`
strips the markup, checks that what is left is the sentence exactly, and
computes the character offsets into the original report.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from ..extensions import ENTITY_LABELS, SENTENCE_CLASSES
from ..sentence_split import sentence_spans

NEWLINE_MARK = "⏎"
_ENTITY = re.compile(r"⟦([^⟦⟧|]+)\|([A-Z]+)⟧")


class MarkupError(ValueError):
    """A marked line that does not match its sentence; names file and line."""


def _show(text: str) -> str:
    return text.replace("\r", "").replace("\n", NEWLINE_MARK)


def export_sentences(text: str) -> list[str]:
    """Lines to hand to an annotator: ``NNNN<TAB>sentence``."""
    return [f"{i:04d}\t{_show(text[s:e])}" for i, (s, e) in enumerate(sentence_spans(text), start=1)]


def locate_sentences(text: str, sentence_lines: list[str], source: str = "<sentences>") -> dict[int, tuple[int, int]]:
    """Offsets of the exported sentences (``NNNN<TAB>sentence``), found in order in ``text``.

    Locating rather than re-splitting keeps old annotation files valid when
    the sentence splitter changes.
    """
    located: dict[int, tuple[int, int]] = {}
    pos = 0
    for line_no, line in enumerate(sentence_lines, start=1):
        if not line.strip():
            continue
        number, _, shown = line.partition("\t")
        start = _find_shown(text, shown, pos)
        if start < 0:
            raise MarkupError(f"{source}:{line_no}: sentence {number} not found in the report text")
        end = start + len(shown)
        located[int(number)] = (start, end)
        pos = end
    return located


def _find_shown(text: str, shown: str, pos: int) -> int:
    """Find a sentence shown with ``⏎`` for line breaks (``\r`` dropped) from ``pos``."""
    pieces = shown.split(NEWLINE_MARK)
    pattern = "\r?\n".join(re.escape(p) for p in pieces)
    match = re.compile(pattern).search(text, pos)
    return match.start() if match else -1


def parse_marked(
    text: str, marked_lines: list[str], sentence_lines: list[str], source: str = "<marked>"
) -> dict[str, list[dict]]:
    """Offsets of the entities and sentence classes in ``marked_lines``.

    Returns ``{"spans": [...], "sentences": [...]}`` in the JSONL format.
    Every exported sentence must be annotated exactly once.
    """
    spans_by_number = locate_sentences(text, sentence_lines, source)
    seen: set[int] = set()
    spans: list[dict] = []
    sentences: list[dict] = []
    for line_no, line in enumerate(marked_lines, start=1):
        if not line.strip():
            continue
        parts = line.rstrip("\n").split("\t", 2)
        where = f"{source}:{line_no}"
        if len(parts) != 3 or not parts[0].isdigit():
            raise MarkupError(f"{where}: expected NNNN<TAB>CLASS<TAB>sentence, got {line[:40]!r}")
        number, label, marked = int(parts[0]), parts[1].strip(), parts[2]
        if number not in spans_by_number or number in seen:
            raise MarkupError(f"{where}: sentence number {number} unknown or repeated")
        if label not in SENTENCE_CLASSES:
            raise MarkupError(f"{where}: unknown sentence class {label!r}")
        seen.add(number)
        start, end = spans_by_number[number]
        original = _show(text[start:end])
        plain, entities = _strip(marked, where)
        if plain != original:
            at = next(
                (i for i, (a, b) in enumerate(zip(plain, original, strict=False)) if a != b),
                min(len(plain), len(original)),
            )
            raise MarkupError(
                f"{where}: text differs from the sentence at character {at}: "
                f"{plain[max(0, at - 10) : at + 10]!r} vs {original[max(0, at - 10) : at + 10]!r}"
            )
        sentences.append({"start": start, "end": end, "label": label})
        for e_start, e_end, e_label in entities:
            spans.append({"start": start + e_start, "end": start + e_end, "label": e_label})
    missing = sorted(set(spans_by_number) - seen)
    if missing:
        raise MarkupError(f"{source}: sentences not annotated: {missing[:10]}{' ...' if len(missing) > 10 else ''}")
    return {"spans": spans, "sentences": sentences}


def _strip(marked: str, where: str) -> tuple[str, list[tuple[int, int, str]]]:
    plain: list[str] = []
    entities: list[tuple[int, int, str]] = []
    pos = 0
    length = 0
    for match in _ENTITY.finditer(marked):
        before = marked[pos : match.start()]
        plain.append(before)
        length += len(before)
        content, label = match.group(1), match.group(2)
        if label not in ENTITY_LABELS:
            raise MarkupError(f"{where}: unknown entity label {label!r} on {content!r}")
        if content != content.strip():
            raise MarkupError(f"{where}: entity {content!r} starts or ends with whitespace")
        entities.append((length, length + len(content), label))
        plain.append(content)
        length += len(content)
        pos = match.end()
    plain.append(marked[pos:])
    text = "".join(plain)
    if "⟦" in text or "⟧" in text:
        raise MarkupError(f"{where}: unbalanced ⟦ ⟧ markup")
    return text, entities


ROOT = Path(__file__).resolve().parents[2]
PASSES = ROOT / "training_data" / "passes"


def raw_path(doc_id: str) -> Path:
    """The published text of a document id: ``seed_003`` or ``a01``/``b01`` (synthetic)."""
    raw = ROOT / "training_data" / "raw"
    if doc_id.startswith("seed_"):
        found = sorted((raw / "seeds").glob(doc_id.removeprefix("seed_") + "_*.txt"))
    else:
        found = sorted((raw / "synthetic").glob(doc_id + "_*.txt"))
    if not found:
        raise FileNotFoundError(f"no raw text for document {doc_id!r} under {raw}")
    return found[0]


def check_file(marked_path: Path) -> dict[str, list[dict]]:
    """Parse one annotator file ``…/<doc_id>.txt`` against its sentences and text."""
    doc_id = marked_path.stem
    text = raw_path(doc_id).read_text(encoding="utf-8")
    sentence_lines = (PASSES / "sentences" / f"{doc_id}.txt").read_text(encoding="utf-8").splitlines()
    return parse_marked(text, marked_path.read_text(encoding="utf-8").splitlines(), sentence_lines, str(marked_path))


def main(argv: list[str] | None = None) -> int:
    """``python -m lawreport.annotation.markup FILE...``: check annotator files."""
    status = 0
    for name in argv if argv is not None else sys.argv[1:]:
        try:
            result = check_file(Path(name))
        except (MarkupError, FileNotFoundError) as err:
            print(f"ERROR {err}")
            status = 1
            continue
        counts: dict[str, int] = {}
        for span in result["spans"]:
            counts[span["label"]] = counts.get(span["label"], 0) + 1
        print(f"ok {name}: {len(result['sentences'])} sentences, entities {dict(sorted(counts.items()))}")
    return status


if __name__ == "__main__":
    raise SystemExit(main())
