"""Readers on real files made here: text encodings, HTML, Word, PDF, and the files they refuse."""

from __future__ import annotations

import pytest

import lawreport
from lawreport.readers import ReadError, iter_report_files, read

REPORT = "沙坪坝区2023年法治政府建设情况报告\n全年调解矛盾纠纷1.16万件，调解成功率为99.8％。"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk", "utf-16"])
def test_text_encodings(tmp_path, encoding: str) -> None:
    path = tmp_path / "report.txt"
    path.write_bytes(REPORT.encode(encoding))
    result = read(path)
    assert result.text == REPORT
    assert result.format == "text"


def test_html_page_saved_from_a_site(tmp_path) -> None:
    page = (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">'
        "<title>沙坪坝区法治政府建设报告</title><style>p {color: red}</style>"
        "<script>var x = '脚本不是正文';</script></head><body>"
        "<div class='nav'>首页 &gt; 政务公开</div>"
        "<p>全年调解矛盾纠纷1.16万件，</p><p>调解成功率为99.8％。</p>"
        "<table><tr><td>指标</td><td>数量</td></tr><tr><td>案件</td><td>660</td></tr></table>"
        "</body></html>"
    )
    path = tmp_path / "report.html"
    path.write_bytes(page.encode("gb18030"))
    result = read(path)
    assert result.title == "沙坪坝区法治政府建设报告"
    assert result.encoding == "gb18030"
    assert "脚本" not in result.text and "color" not in result.text
    lines = result.text.splitlines()
    assert "首页 > 政务公开" in lines
    assert "全年调解矛盾纠纷1.16万件，" in lines and "调解成功率为99.8％。" in lines
    assert "案件 | 660" in lines


def test_docx_paragraphs_and_tables_in_order(tmp_path) -> None:
    docx = pytest.importorskip("docx")
    document = docx.Document()
    document.core_properties.title = "2023年度报告"
    document.add_paragraph("一、主要举措和成效")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "指标", "数量"
    table.cell(1, 0).text, table.cell(1, 1).text = "行政复议案件", "49件"
    document.add_paragraph("二、存在的不足")
    path = tmp_path / "report.docx"
    document.save(path)
    result = read(path)
    assert result.text.splitlines() == ["一、主要举措和成效", "指标 | 数量", "行政复议案件 | 49件", "二、存在的不足"]
    assert result.title == "2023年度报告"


def test_pdf_with_chinese_text(tmp_path) -> None:
    pytest.importorskip("reportlab")
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    path = tmp_path / "report.pdf"
    pdf = canvas.Canvas(str(path), pagesize=A4)
    pdf.setFont("STSong-Light", 12)
    pdf.drawString(72, 760, "全年调解矛盾纠纷1.16万件")
    pdf.showPage()
    pdf.setFont("STSong-Light", 12)
    pdf.drawString(72, 760, "调解成功率为99.8%")
    pdf.save()
    result = read(path)
    assert result.meta["pages"] == 2
    compact = "".join(result.text.split())
    assert "全年调解矛盾纠纷1.16万件" in compact and "调解成功率为99.8%" in compact


def test_pdf_without_text_layer_is_a_clear_error(tmp_path) -> None:
    pytest.importorskip("reportlab")
    from reportlab.pdfgen import canvas

    path = tmp_path / "scan.pdf"
    pdf = canvas.Canvas(str(path))
    pdf.rect(50, 50, 100, 100)
    pdf.save()
    with pytest.raises(ReadError, match="no text layer"):
        read(path)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("report.xlsx", b"PK\x03\x04", "unsupported file type"),
        ("junk.txt", bytes(range(256)) * 4, "binary"),
        ("broken.docx", b"not a zip at all", "not a .docx file"),
        ("broken.pdf", b"%PDF-1.4 garbage", "PDF"),
    ],
)
def test_bad_files_name_the_file_and_reason(tmp_path, name: str, content: bytes, message: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ReadError, match=message) as info:
        read(path)
    assert name in str(info.value)


def test_missing_file(tmp_path) -> None:
    with pytest.raises(ReadError, match="no such file"):
        read(tmp_path / "absent.txt")


def test_folders_recurse_over_supported_suffixes(tmp_path) -> None:
    (tmp_path / "a" / "b").mkdir(parents=True)
    for name in ("a/one.txt", "a/b/two.html", "a/b/three.docx", "a/notes.xlsx"):
        (tmp_path / name).write_bytes(b"x")
    found = [p.relative_to(tmp_path).as_posix() for p in iter_report_files([tmp_path])]
    assert found == ["a/b/three.docx", "a/b/two.html", "a/one.txt"]


def test_public_read_is_the_reader() -> None:
    assert lawreport.read is read
