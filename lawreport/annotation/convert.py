"""Convert annotation JSONL to and from spaCy DocBin, Prodigy, Label Studio and doccano.

Our JSONL is the source of truth; the other formats are for training
(DocBin) and for annotation tools.  What a tool has no place for (the
normalisation of each span, the report's meta, unknown top-level keys) rides
in the tool's free-form slot under the key ``lawreport`` and is merged back on
import, so a file that goes out to a tool and comes back loses nothing the
tool did not touch.  docs/annotation.md lists per format what is carried and
what is lost.
"""

from __future__ import annotations

import argparse
import bisect
import json
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc, DocBin, Span

from ..extensions import ENTITY_LABELS, SENTENCE_CLASSES
from ..pipeline import ModelError, load
from .jsonl import NORMALISATION_FIELDS, RECORD_KEYS, atomic_open, read_records, write_records
from .validate import standalone, subcommand, validate_record

#: Key of our payload in doc.user_data and in the foreign formats' free-form slots.
PAYLOAD_KEY = "lawreport"
#: ``from_name`` of Label Studio results for entities and for sentence classes.
LS_ENTITY_FROM, LS_SENTENCE_FROM = "label", "sentence_class"
SPAN_KEYS = ("start", "end", "label")

Record = dict[str, Any]


class ConversionError(ValueError):
    """Input that cannot be converted; the message names the file, task (``index``, from 0) or record."""

    def __init__(self, reason: str, index: int | None = None) -> None:
        self.reason, self.index = reason, index
        super().__init__(f"task #{index + 1}: {reason}" if index is not None else reason)


@contextmanager
def _task(index: int) -> Iterator[None]:
    """Name the task a malformed foreign record came from, not a bare KeyError from deep inside."""
    try:
        yield
    except ConversionError as err:
        if err.index is not None:
            raise
        raise ConversionError(err.reason, index) from err
    except (LookupError, TypeError, ValueError, AttributeError) as err:
        reason = f"missing key {err.args[0]!r}" if isinstance(err, KeyError) else f"{type(err).__name__}: {err}"
        raise ConversionError(reason, index) from err


def _text(task: dict[str, Any]) -> str:
    if not isinstance(task.get("text"), str):
        raise ConversionError("'text' is missing or not a string")
    return task["text"]


# --- shared pieces: what a foreign format carries in its free-form slot ---------------------------------------


def default_meta(source: str) -> dict[str, Any]:
    """Meta for a record that arrives without ours (e.g. annotated from scratch in a tool)."""
    return {"source": source, "district": None, "year": None, "body": None, "synthetic": False}


def _span_key(start: int, end: int, label: str) -> str:
    return f"{start}:{end}:{label}"


def payload(record: Record) -> dict[str, Any]:
    """What a foreign format cannot hold itself: meta, per-span normalisation
    (keyed ``start:end:LABEL``, so it re-attaches only to an unchanged span)
    and unknown top-level keys."""
    details = {
        _span_key(s["start"], s["end"], s["label"]): {k: v for k, v in s.items() if k not in SPAN_KEYS}
        for s in record["spans"]
    }
    return {
        "meta": record["meta"],
        "normalisation": {k: v for k, v in details.items() if v},
        "extra": {k: v for k, v in record.items() if k not in RECORD_KEYS},
    }


def build_record(
    record_id: str,
    text: str,
    spans: Iterable[tuple[int, int, str]],
    sentences: Iterable[tuple[int, int, str]],
    carried: dict[str, Any] | None,
    source: str,
) -> Record:
    """A record from bare offsets plus the payload (if the tool kept it); spans and sentences sorted."""
    carried = carried or {}
    details = carried.get("normalisation") or {}
    record: Record = {
        "id": record_id,
        "text": text,
        "meta": carried.get("meta") or default_meta(source),
        "spans": [
            {"start": s, "end": e, "label": label, **details.get(_span_key(s, e, label), {})}
            for s, e, label in sorted(set(spans))
        ],
        "sentences": [{"start": s, "end": e, "label": label} for s, e, label in sorted(set(sentences))],
    }
    record.update(carried.get("extra") or {})
    return record


def _triples(items: Iterable[dict[str, Any]]) -> list[tuple[int, int, str]]:
    return [(item["start"], item["end"], item["label"]) for item in items]


def _utf16_to_index(text: str, units: int) -> int | None:
    """The code-point index at ``units`` UTF-16 code units into ``text`` (None if inside a pair)."""
    count = 0
    for i, char in enumerate(text):
        if count == units:
            return i
        count += 2 if ord(char) > 0xFFFF else 1
    return len(text) if count == units else None


def resolve_offsets(text: str, start: int, end: int, shown: str | None, where: str) -> tuple[int, int]:
    """Offsets as code points.  Web tools have counted in UTF-16 units (JavaScript
    strings), which differ after any character outside the BMP (rare CJK
    characters, emoji); when the tool also gave the span text we check and repair."""
    if shown is None or (0 <= start <= end <= len(text) and text[start:end] == shown):
        return start, end
    s16, e16 = _utf16_to_index(text, start), _utf16_to_index(text, end)
    if s16 is not None and e16 is not None and text[s16:e16] == shown:
        return s16, e16
    raise ConversionError(f"{where}: span {start}-{end} should be {shown!r} but the text there is {text[start:end]!r}")


# --- spaCy DocBin ----------------------------------------------------------------------------------------------


def _fits_ents(span: dict[str, Any]) -> bool:
    """A span doc.ents can carry exactly: its keys are the label's own fields, all present."""
    fields = NORMALISATION_FIELDS.get(span["label"])
    return fields is not None and set(span) == {*SPAN_KEYS, *fields}


def record_to_doc(record: Record, nlp: Language) -> Doc:
    """A Doc tokenized by ``nlp``: entities in ``doc.ents`` with normalisation in span
    extensions, sentence starts and ``sent._.category``, id and meta in
    ``doc.user_data["lawreport"]``.  Spans doc.ents cannot hold exactly (cutting a
    token, overlapping, extra keys) are kept verbatim in user_data and, expanded
    to tokens, in ``doc.spans["sc"]``; sentences likewise."""
    doc = nlp.make_doc(record["text"])
    data: dict[str, Any] = {"id": record["id"], "meta": record["meta"]}
    extra = {k: v for k, v in record.items() if k not in RECORD_KEYS}
    if extra:
        data["extra"] = extra
    ents, others = [], []
    for span in sorted(record["spans"], key=lambda s: (s["start"], s["end"], s["label"])):
        ent = doc.char_span(span["start"], span["end"], label=span["label"]) if _fits_ents(span) else None
        if ent is None or (ents and ent.start < ents[-1].end):
            others.append(span)
            continue
        for field in NORMALISATION_FIELDS[span["label"]]:
            setattr(ent._, field, span[field])
        ents.append(ent)
    doc.ents = ents
    if others:
        data["spans"] = others
        taken = {(e.start_char, e.end_char) for e in ents}
        expanded = [doc.char_span(s["start"], s["end"], label=s["label"], alignment_mode="expand") for s in others]
        doc.spans["sc"] = [s for s in expanded if s is not None]
        for span, view in zip(others, expanded, strict=True):
            if view is not None and (view.start_char, view.end_char) not in taken:
                for field in NORMALISATION_FIELDS.get(span["label"], ()):
                    setattr(view._, field, span.get(field))
    _set_sentences(doc, record["sentences"])
    if doc_sentences(doc) != sorted(record["sentences"], key=lambda s: (s["start"], s["end"])):
        data["sentences"] = record["sentences"]
    doc.user_data[PAYLOAD_KEY] = data
    return doc


def _set_sentences(doc: Doc, sentences: list[dict[str, Any]]) -> None:
    """Sentence starts where a sentence starts inside a token (as our splitter does), then classes."""
    if not sentences or not len(doc):
        return
    starts = sorted(s["start"] for s in sentences)
    for token in doc:
        token.is_sent_start = token.i == 0 or _starts_within(starts, token.idx, token.idx + len(token.text))
    for sent in doc.sents:
        first = next((s for s in sentences if sent.start_char <= s["start"] < sent.end_char), None)
        if first is not None:
            sent._.category = first["label"]


def _starts_within(starts: list[int], lo: int, hi: int) -> bool:
    i = bisect.bisect_left(starts, lo)
    return i < len(starts) and starts[i] < hi


def doc_sentences(doc: Doc) -> list[dict[str, Any]]:
    """Classified sentences of a Doc as record sentences (trimmed of whitespace)."""
    if not doc.has_annotation("SENT_START"):
        return []
    out = []
    for sent in doc.sents:
        text = sent.text
        start = sent.start_char + len(text) - len(text.lstrip())
        end = sent.start_char + len(text.rstrip())
        if start < end and sent._.category is not None:
            out.append({"start": start, "end": end, "label": sent._.category})
    return out


def _as_json(value: Any) -> Any:
    """DocBin's msgpack gives lists back as tuples; JSON data has lists."""
    if isinstance(value, list | tuple):
        return [_as_json(v) for v in value]
    if isinstance(value, dict):
        return {k: _as_json(v) for k, v in value.items()}
    return value


def ent_to_span(ent: Span, offset: int = 0) -> dict[str, Any]:
    """A record span for an entity with its normalisation; offsets less ``offset`` (for a text cut from the doc)."""
    return {
        "start": ent.start_char - offset, "end": ent.end_char - offset, "label": ent.label_,
        **{field: _as_json(getattr(ent._, field)) for field in NORMALISATION_FIELDS.get(ent.label_, ())},
    }


def doc_to_record(doc: Doc, number: int = 0) -> Record:
    """The record a Doc stands for: our user_data where present, else what the pipeline set."""
    data = _as_json(doc.user_data.get(PAYLOAD_KEY) or {})
    spans = [ent_to_span(ent) for ent in doc.ents]
    spans += data.get("spans", [])
    report = doc._.report or {}
    meta = data.get("meta") or {
        **default_meta("spacy"), **{k: report.get(k) for k in ("district", "year", "body") if report.get(k)}
    }
    record: Record = {
        "id": data.get("id") or f"doc_{number:04d}",
        "text": doc.text,
        "meta": meta,
        "spans": sorted(spans, key=lambda s: (s["start"], s["end"], s["label"])),
        "sentences": data.get("sentences", doc_sentences(doc)),
    }
    record.update(data.get("extra") or {})
    return record


def records_to_docbin(records: Iterable[Record], nlp: Language) -> DocBin:
    docbin = DocBin(store_user_data=True)
    for record in records:
        docbin.add(record_to_doc(record, nlp))
    return docbin


def docbin_to_records(docbin: DocBin, nlp: Language) -> list[Record]:
    return [doc_to_record(doc, n) for n, doc in enumerate(docbin.get_docs(nlp.vocab))]


# --- Prodigy ---------------------------------------------------------------------------------------------------


def to_prodigy(records: Iterable[Record]) -> list[dict[str, Any]]:
    """Per report one ``ner`` task (meta ``id`` + payload), then one ``textcat``
    task per sentence (meta ``doc_id``, ``start``, ``end``), in one stream."""
    tasks: list[dict[str, Any]] = []
    for record in records:
        tasks.append(
            {
                "text": record["text"],
                "spans": [{k: s[k] for k in SPAN_KEYS} for s in record["spans"]],
                "answer": "accept",
                "meta": {"id": record["id"], "source": record["meta"].get("source"), PAYLOAD_KEY: payload(record)},
            }
        )
        tasks.extend(
            {
                "text": record["text"][s["start"] : s["end"]],
                "label": s["label"],
                "answer": "accept",
                "meta": {"doc_id": record["id"], "start": s["start"], "end": s["end"]},
            }
            for s in record["sentences"]
        )
    return tasks


def _prodigy_class(task: dict[str, Any]) -> str:
    """A sentence task's class: the one option chosen in a choice view (``accept``), else ``label``."""
    chosen = task.get("accept")
    if not isinstance(chosen, list) or not chosen:
        if not isinstance(task.get("label"), str):
            raise ConversionError("sentence task: no class chosen (empty 'accept') and no 'label'")
        return task["label"]
    if len(chosen) != 1:
        raise ConversionError(f"sentence task: {len(chosen)} classes chosen ({', '.join(map(str, chosen))}); "
                              "a sentence takes exactly one (use textcat.manual with --exclusive)")
    if chosen[0] not in SENTENCE_CLASSES:
        raise ConversionError(f"sentence task: unknown class {chosen[0]!r} (one of {', '.join(SENTENCE_CLASSES)})")
    return str(chosen[0])


def from_prodigy(tasks: Iterable[dict[str, Any]], source: str = "prodigy") -> list[Record]:
    """Records from a Prodigy stream or ``db-out``; rejected and ignored tasks are dropped."""
    reports: list[dict[str, Any]] = []
    sentences: dict[str, list[tuple[int, int, str, str]]] = {}
    for n, task in enumerate(tasks):
        with _task(n):
            if task.get("answer", "accept") != "accept":
                continue
            meta = task.get("meta") or {}
            if "doc_id" in meta and (isinstance(task.get("label"), str) or isinstance(task.get("accept"), list)):
                found = (meta["start"], meta["end"], _prodigy_class(task), _text(task))
                sentences.setdefault(str(meta["doc_id"]), []).append(found)
                continue
            task_id = str(meta.get("id") or f"prodigy_{n:04d}")
            reports.append({**task, "_id": task_id, "_n": n, "text": _text(task)})
    texts = {r["_id"]: r["text"] for r in reports}
    for doc_id, found in sentences.items():
        if doc_id not in texts:
            raise ConversionError(f"sentence task for {doc_id!r} has no report task")
        for start, end, _, shown in found:
            resolve_offsets(texts[doc_id], start, end, shown, doc_id)
    records = []
    for r in reports:
        with _task(r["_n"]):
            records.append(build_record(
                r["_id"], r["text"], _triples(r.get("spans") or []), [f[:3] for f in sentences.get(r["_id"], [])],
                (r.get("meta") or {}).get(PAYLOAD_KEY), source,
            ))
    return records


# --- Label Studio ----------------------------------------------------------------------------------------------


def labelstudio_config() -> str:
    """The labeling config the exported tasks are meant for."""
    def labels(name: str, values: Iterable[str]) -> str:
        inner = "".join(f'<Label value="{v}"/>' for v in values)
        return f'  <Labels name="{name}" toName="text">{inner}</Labels>\n'

    return (
        "<View>\n" + labels(LS_ENTITY_FROM, ENTITY_LABELS) + labels(LS_SENTENCE_FROM, SENTENCE_CLASSES)
        + '  <Text name="text" value="$text"/>\n</View>\n'
    )


def _ls_result(result_id: str, from_name: str, text: str, item: dict[str, Any]) -> dict[str, Any]:
    start, end = item["start"], item["end"]
    return {
        "id": result_id, "from_name": from_name, "to_name": "text", "type": "labels",
        "value": {"start": start, "end": end, "text": text[start:end], "labels": [item["label"]]},
    }


def to_labelstudio(records: Iterable[Record]) -> list[dict[str, Any]]:
    """Tasks with our annotation as a finished ``annotations`` entry; payload in ``data``."""
    tasks = []
    for record in records:
        text = record["text"]
        result = [_ls_result(f"e{n}", LS_ENTITY_FROM, text, s) for n, s in enumerate(record["spans"])]
        result += [_ls_result(f"s{n}", LS_SENTENCE_FROM, text, s) for n, s in enumerate(record["sentences"])]
        data = {"text": text, "id": record["id"], PAYLOAD_KEY: payload(record)}
        tasks.append({"data": data, "annotations": [{"result": result}]})
    return tasks


def from_labelstudio(tasks: Iterable[dict[str, Any]], source: str = "labelstudio") -> list[Record]:
    """Records from a Label Studio JSON export: the last annotation not cancelled, else the last prediction.

    A result is a sentence class or an entity by its label, whatever its ``from_name``.
    """
    records = []
    for n, task in enumerate(tasks):
        with _task(n):
            data = task["data"]
            text = _text(data)
            record_id = str(data.get("id") or f"labelstudio_{task.get('id', n)}")
            done = [a for a in task.get("annotations") or [] if not a.get("was_cancelled")]
            chosen = done or task.get("predictions") or []
            spans, sentences = [], []
            for result in chosen[-1]["result"] if chosen else []:
                value = result.get("value") or {}
                if result.get("type") != "labels" or "start" not in value:
                    continue
                start, end = resolve_offsets(text, value["start"], value["end"], value.get("text"), record_id)
                for label in value.get("labels") or []:
                    (sentences if label in SENTENCE_CLASSES else spans).append((start, end, label))
            records.append(build_record(record_id, text, spans, sentences, data.get(PAYLOAD_KEY), source))
    return records


# --- doccano ---------------------------------------------------------------------------------------------------


def to_doccano(records: Iterable[Record]) -> list[dict[str, Any]]:
    """Sequence-labeling lines: ``label`` [[start, end, LABEL]], sentence classes in
    ``sentences`` [[start, end, CLASS]], our id in ``doc_id`` (doccano owns ``id``)."""
    return [
        {
            "doc_id": r["id"],
            "text": r["text"],
            "label": [[s["start"], s["end"], s["label"]] for s in r["spans"]],
            "sentences": [[s["start"], s["end"], s["label"]] for s in r["sentences"]],
            PAYLOAD_KEY: payload(r),
        }
        for r in records
    ]


def from_doccano(lines: Iterable[dict[str, Any]], source: str = "doccano") -> list[Record]:
    """Records from doccano JSONL: ``label`` triples or the newer ``entities`` objects."""
    records = []
    for n, line in enumerate(lines):
        with _task(n):
            spans = [tuple(t) for t in line.get("label") or [] if isinstance(t, list | tuple)]
            spans += [(e["start_offset"], e["end_offset"], e["label"]) for e in line.get("entities") or []]
            record_id = str(line.get("doc_id") or line.get("id") or f"doccano_{n:04d}")
            sentences = [tuple(t) for t in line.get("sentences") or []]
            records.append(build_record(record_id, _text(line), spans, sentences, line.get(PAYLOAD_KEY), source))
    return records


# --- files -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Format:
    """How to read and write one format; ``nlp`` is needed by DocBin only."""

    read: Callable[[Path, Language | None], list[Record]]
    write: Callable[[Path, list[Record], Language | None], None]


def _needs_nlp(nlp: Language | None) -> Language:
    if nlp is None:
        raise ConversionError("the spacy format needs a pipeline (its vocab and tokenizer)")
    return nlp


def _write_json(path: Path, data: Any) -> None:
    with atomic_open(path) as handle:
        json.dump(data, handle, ensure_ascii=False, indent=1)


def _read_docbin(path: Path, nlp: Language | None) -> list[Record]:
    return docbin_to_records(DocBin().from_disk(path), _needs_nlp(nlp))


def _write_docbin(path: Path, records: list[Record], nlp: Language | None) -> None:
    with atomic_open(path, "wb") as handle:
        handle.write(records_to_docbin(records, _needs_nlp(nlp)).to_bytes())


def _read_labelstudio(path: Path, nlp: Language | None) -> list[Record]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return from_labelstudio(data if isinstance(data, list) else [data], source=path.name)


def _write_labelstudio(path: Path, records: list[Record], nlp: Language | None) -> None:
    _write_json(path, to_labelstudio(records))


def _lines_format(to: Callable[[list[Record]], list[dict[str, Any]]], back: Callable[..., list[Record]]) -> Format:
    """A format that is JSONL of tool-specific objects (Prodigy, doccano; ours with identity)."""

    def read(path: Path, nlp: Language | None) -> list[Record]:
        numbered = list(read_records(path))
        try:
            return back([obj for _, obj in numbered], source=path.name)
        except ConversionError as err:
            if err.index is None:
                raise
            raise ConversionError(f"line {numbered[err.index][0]}: {err.reason}") from err

    def write(path: Path, records: list[Record], nlp: Language | None) -> None:
        write_records(path, to(records))

    return Format(read=read, write=write)


def _same(records: list[Record], source: str = "") -> list[Record]:
    return list(records)


FORMATS: dict[str, Format] = {
    "jsonl": _lines_format(_same, _same),
    "spacy": Format(read=_read_docbin, write=_write_docbin),
    "prodigy": _lines_format(to_prodigy, from_prodigy),
    "labelstudio": Format(read=_read_labelstudio, write=_write_labelstudio),
    "doccano": _lines_format(to_doccano, from_doccano),
}


def guess_format(path: Path) -> str:
    """The format of an input file, from its extension and, for JSONL, its first object."""
    if path.suffix == ".spacy":
        return "spacy"
    if path.suffix == ".json":
        return "labelstudio"
    first = next(iter(read_records(path)), (0, {}))[1]
    if "data" in first:
        return "labelstudio"
    if "sentences" in first and isinstance(first.get("spans"), list) and "id" in first:
        return "jsonl"
    if "doc_id" in first or isinstance(first.get("label"), list) or "entities" in first:
        return "doccano"
    if "spans" in first or "answer" in first:
        return "prodigy"
    raise ConversionError(f"{path}: cannot tell the format; pass --from")


def read_file(path: str | Path, fmt: str | None = None, nlp: Language | None = None) -> list[Record]:
    path = Path(path)
    return FORMATS[fmt or guess_format(path)].read(path, nlp)


def write_file(path: str | Path, records: list[Record], fmt: str, nlp: Language | None = None) -> None:
    FORMATS[fmt].write(Path(path), records, nlp)


# --- command line ----------------------------------------------------------------------------------------------


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("input", metavar="IN", help="file to convert")
    parser.add_argument("output", metavar="OUT", help="file to write (replaced atomically)")
    parser.add_argument("--to", required=True, choices=sorted(FORMATS), help="output format")
    parser.add_argument("--from", dest="source_format", choices=sorted(FORMATS), help="input format (default: guessed)")
    parser.add_argument("--model", metavar="PATH", help="pipeline for the spacy format (default: the shipped one)")
    parser.add_argument("--allow-invalid", action="store_true", help="convert even if the records have errors")


def run(args: argparse.Namespace) -> int:
    """The ``convert`` command: read, validate, write; 1 on any error."""
    source, target = Path(args.input), Path(args.output)
    try:
        fmt = args.source_format or guess_format(source)
        nlp = load(args.model) if "spacy" in (fmt, args.to) else None
        records = FORMATS[fmt].read(source, nlp)
    except (ModelError, OSError, ValueError, LookupError, TypeError, AttributeError) as err:
        print(f"lawreport: cannot read {source}: {err}", file=sys.stderr)
        return 1
    problems = [p for r in records for p in validate_record(r) if p.severity == "error"]
    for problem in problems:
        print(f"{source}: {problem}", file=sys.stderr)
    if problems and not args.allow_invalid:
        print(f"lawreport: {len(problems)} errors in {source}; nothing written (--allow-invalid to write anyway)",
              file=sys.stderr)
        return 1
    try:
        FORMATS[args.to].write(target, records, nlp)
    except (OSError, ValueError, KeyError, TypeError) as err:
        print(f"lawreport: cannot write {target}: {err}", file=sys.stderr)
        return 1
    print(f"lawreport: {len(records)} records, {fmt} -> {args.to}: {target}", file=sys.stderr)
    return 0


def register(subparsers: Any) -> argparse.ArgumentParser:
    """Add ``lawreport convert`` to the main parser's subcommands."""
    return subcommand(subparsers, "convert", "convert annotations between formats", __doc__, add_arguments, run)


def main(argv: list[str] | None = None) -> int:
    """``lawreport convert`` on its own (``python -m lawreport.annotation.convert``)."""
    return standalone(argv, "convert", __doc__, add_arguments, run)


if __name__ == "__main__":
    raise SystemExit(main())
