"""The command line on the bundled example report."""

from __future__ import annotations

import csv
import re
from pathlib import Path

from lawreport.cli import main

ROOT = Path(__file__).resolve().parent.parent


def test_extract_writes_a_sentence_table(tmp_path, capsys):
    out = tmp_path / "out.csv"
    assert main(["extract", str(ROOT / "examples"), "-o", str(out)]) == 0
    with out.open(encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    example = (ROOT / "examples" / "chongqing_huilongba_2023.txt").read_text(encoding="utf-8")
    assert rows and all(example[int(r["start"]) : int(r["end"])] == r["sentence"] for r in rows)
    assert {r["section_type"] for r in rows} >= {"ACHIEVEMENTS", "SHORTFALLS", "PLANS"}
    assert "1 files" in capsys.readouterr().err


def test_extract_reports_failures_without_stopping(tmp_path, capsys):
    good = tmp_path / "good.txt"
    good.write_text("一、主要举措和成效\n办理案件3件。", encoding="gb18030")
    bad = tmp_path / "bad.bin"
    bad.write_bytes(b"\x00\x01")
    out = tmp_path / "out.jsonl"
    assert main(["extract", str(good), str(bad), "-o", str(out)]) == 0
    err = capsys.readouterr().err
    assert "bad.bin" in err and "1 failures" in err
    assert out.read_text(encoding="utf-8").count("\n") == 2


def test_readme_test_command_is_what_ci_runs():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = re.findall(r"```(?:bash|sh)\n(.*?)\n```", readme, flags=re.S)
    assert len(commands) >= 2
    test_command = commands[1].strip()
    assert "pytest" in test_command
    assert test_command in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
