"""Entities of the shipped pipeline on real report sentences: labels, boundaries, normalisation."""

from __future__ import annotations

import pytest

from lawreport.districts import find_districts
from lawreport.gazetteer import load_gazetteer
from lawreport.numbers import find_numbers


def numbers(text: str) -> list[tuple[str, str | None]]:
    found = []
    for m in find_numbers(text):
        unit = text[m.unit_start : m.unit_end] if m.unit_start is not None else None
        found.append((text[m.start : m.end], unit))
    return found


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("全年受理法律援助案件660件，调解成功率为99.8％。", [("660", "件"), ("99.8", "％")]),
        ("开展普法活动500余场次，覆盖群众2.9万余人。", [("500余", "场次"), ("2.9万余", "人")]),
        ("共审查规范性文件280\n\n次。", [("280", "次")]),
        ("办理行政复议案件1,234件、１２件。", [("1,234", "件"), ("１２", "件")]),
        ("开展培训三次，新建二十二个服务站。", [("三", "次"), ("二十二", "个")]),
        ("满意率达到百分之百。", [("百分之百", None)]),
        ("司法所仅有1至2名工作人员。", [("1", None), ("2", "名")]),
        ("下降3个百分点，办结时限压缩至3个工作日。", [("3", "个百分点"), ("3", "个工作日")]),
    ],
)
def test_numbers_and_units(text: str, expected: list[tuple[str, str | None]]) -> None:
    assert numbers(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "2023年，在区委的坚强领导下，认真落实《法治政府建设实施纲要（2021-2025年）》。",
        "第五次会议审议通过，十三届三中全会精神。",
        "一是加强组织领导。（三）深化改革。3、推进执法。",
        "深入实施“八五”普法规划，推行“1+N+1”工作模式，打造“酉阳800”品牌。",
        "发布时间：2025-03-28    浏览次数：3,416",
        "拨打12345热线反映问题。",
        "法治建设考核排名后三位的单位，树牢四个意识，落实三项制度。",
    ],
)
def test_non_numbers(text: str) -> None:
    assert numbers(text) == []


def test_an_unclosed_quote_hides_nothing(nlp) -> None:
    """A slogan missing its first quote mark must not swallow the paragraph's numbers (seed_001)."""
    text = "严格执行谁执法谁普法”“谁主管谁负责”“谁服务谁负责普法责任制，开展宣传活动600余场次，覆盖21个街镇。"
    assert numbers(text) == [("600余", "场次"), ("21", "个")]
    assert numbers("“八五”普法规划中期评估，开展“法律进社区”活动3场。") == [("3", "场")]


def test_zero_counts_of_what_did_not_happen(nlp) -> None:
    doc = nlp("一审行政诉讼案件0败诉，复议诉讼案件零发生。")
    values = {e.text: e._.value for e in doc.ents if e.label_ == "NUMBER"}
    assert values == {"0": 0.0, "零": 0.0}
    assert numbers("实现“零跑腿”，对腐败零容忍。") == []


def districts(text: str, nlp, own: str | None = None) -> list[str]:
    doc = nlp.make_doc(text)
    bounds = {t.idx for t in doc} | {t.idx + len(t.text) for t in doc}
    return [text[m.start : m.end] for m in find_districts(text, load_gazetteer(), bounds, own)]


def test_district_boundaries_and_chains(nlp) -> None:
    assert districts("沙坪坝区司法局牵头，在重庆市沙坪坝区回龙坝镇试点。", nlp) == [
        "沙坪坝区",
        "重庆市沙坪坝区回龙坝镇",
    ]
    assert districts("南宁、柳州、桂林三市率先开展试点。", nlp) == ["南宁", "柳州", "桂林"]
    assert districts("打造綦江辨识度的法治品牌，协调**区司法局。", nlp) == ["綦江", "**区"]


def test_district_non_districts(nlp) -> None:
    text = "我区全区各街镇、区委区政府推动成渝双城经济圈建设，部分乡镇的公共法律服务资源不足。"
    assert districts(text, nlp) == []
    assert districts("印发《重庆市法律援助条例》实施方案。", nlp) == []


def test_own_abbreviation_only_in_own_report(nlp) -> None:
    text = "沙区司法局开展普法。"
    assert districts(text, nlp, own="500106") == ["沙区"]
    assert districts(text, nlp) == []


def test_own_district_short_forms_are_districts_even_when_common_words(nlp) -> None:
    """和平 is 'peace' elsewhere; in a report of 和平区 (Tianjin) it is the district itself."""
    text = "紧紧围绕建设“美丽和平、首善之区”目标，打造具有和平特色的法治文化品牌。"
    assert districts(text, nlp, own="120101") == ["和平", "和平"]
    assert districts(text, nlp) == []
    # a place named after the district is not the district
    assert districts("持续提升湖滨商圈法治化水平。", nlp, own="330102003") == []


def test_far_short_forms_and_word_like_names_need_a_related_report(nlp) -> None:
    """和顺 (和顺县, Shanxi) and 新建 (新建区, Jiangxi) are ordinary words in a Chongqing report;
    会同县 (Hunan) is 会同 'jointly' + 县政府 in an Anhui one."""
    chongqing_town = "500106106"
    assert districts("弘扬“和顺”文化。新建红岩市民综合调解站3个。", nlp, own=chongqing_town) == []
    assert districts("县委依法治县办会同县政府督查室开展专项督查。", nlp, own="341522") == []
    # the same names are districts in a report from their own province, and provinces always are
    assert districts("弘扬“和顺”文化。", nlp, own="140700") == ["和顺"]
    assert districts("学习浙江经验。", nlp, own=chongqing_town) == ["浙江"]


def test_lone_villages_and_communities(nlp) -> None:
    text = "聚龙城社区成功通过复核验收，五云山村、西溪桥村再次通过验收。发挥村“法律明白人”作用，组织街道干部参加培训。"
    assert districts(text, nlp, own="500106106") == ["聚龙城社区", "五云山村", "西溪桥村"]


def test_pipeline_entities_are_normalised(nlp) -> None:
    doc = nlp("2023年，沙坪坝区全年调解矛盾纠纷1.16万件，调解成功率为99.8％，投入资金20余万元。")
    ents = {(e.text, e.label_) for e in doc.ents}
    assert {("沙坪坝区", "DISTRICT"), ("1.16万", "NUMBER"), ("件", "UNIT"), ("％", "UNIT")} <= ents
    assert not any(e.text.startswith("2023") for e in doc.ents)
    by_text = {e.text: e for e in doc.ents}
    assert by_text["1.16万"]._.value == 11600.0
    assert by_text["1.16万"]._.qualifier == "exact"
    assert by_text["20余万"]._.value == 200000.0
    assert by_text["20余万"]._.qualifier == "at_least"
    assert by_text["％"]._.unit_category == "percent"
    assert by_text["元"]._.unit_category == "currency_cny"
    district = by_text["沙坪坝区"]
    assert (district._.district_name, district._.district_code, district._.district_parents) == (
        "沙坪坝区",
        "500106",
        ["重庆市"],
    )


def test_ambiguous_county_resolved_by_report_district(nlp) -> None:
    """鼓楼区 exists in Nanjing, Fuzhou, Xuzhou and Kaifeng: the report's own city decides."""
    codes = {}
    for city in ("南京市", "福州市"):
        doc = nlp(f"{city}人民政府关于2023年度法治政府建设情况的报告\n鼓楼区完成试点。")
        codes[city] = [e._.district_code for e in doc.ents if e.text == "鼓楼区"]
    assert codes == {"南京市": ["320106"], "福州市": ["350102"]}


def test_measures_are_noun_phrases(nlp) -> None:
    doc = nlp("全年受理法律援助案件660件，开展普法活动500余场次。")
    measures = [e.text for e in doc.ents if e.label_ == "MEASURE"]
    assert measures, "the ner should find the measures of a plain achievement sentence"
    assert not any(m.startswith(("受理", "开展")) for m in measures)
    assert not any(ch.isdigit() for m in measures for ch in m)


def test_entities_never_overlap_on_seeds(seed_docs) -> None:
    for doc in seed_docs.values():
        tokens = [i for e in doc.ents for i in range(e.start, e.end)]
        assert len(tokens) == len(set(tokens))
        assert {e.label_ for e in doc.ents} <= {"DISTRICT", "MEASURE", "NUMBER", "UNIT"}
        for ent in doc.ents:
            if ent.label_ == "NUMBER":
                assert ent._.value is not None and ent._.qualifier in ("exact", "at_least", "about", "at_most")


def test_masked_report_district(seed_docs) -> None:
    masked = [e for doc in seed_docs.values() for e in doc.ents if e.text == "**区"]
    assert masked and all(e.label_ == "DISTRICT" and e._.district_code is None for e in masked)


def _span_of(nlp, text: str, piece: str):
    """A MEASURE span over ``piece`` in ``text`` after the sentence component, as the ner could give it."""
    doc = nlp.make_doc(text)
    for name, component in nlp.pipeline:
        if name == "ner":
            break
        doc = component(doc)
    start = text.index(piece)
    span = doc.char_span(start, start + len(piece), label="MEASURE")
    assert span is not None, piece
    return span


@pytest.mark.parametrize(
    ("text", "predicted", "whole"),
    [
        ("出台《沙坪坝区深化镇街综合行政执法改革全面提升基层执法质量和效能》。",
         "《沙坪坝区深化镇街综合行政执法改革", "《沙坪坝区深化镇街综合行政执法改革全面提升基层执法质量和效能》"),
        ("推行“镇（街道）队合一”管理体制，成效明显。", "合一”管理体制", "“镇（街道）队合一”管理体制"),
        ("推进基层依法治理\n\n二、存在的问题", "基层依法治理\n\n", "基层依法治理"),
    ],
)
def test_a_measure_keeps_its_title_or_quote_whole(nlp, text: str, predicted: str, whole: str) -> None:
    from lawreport.entities import whole_measure

    assert whole_measure(_span_of(nlp, text, predicted), text).text == whole


def test_a_mark_with_no_partner_in_its_sentence_leaves_the_measure_alone(nlp) -> None:
    from lawreport.entities import whole_measure

    text = "印发《工作规则和实施细则。另见附件》。"
    span = _span_of(nlp, text, "《工作规则")
    assert whole_measure(span, text) is span
    # the nearest “ before 园区行” is the one of “1+5”, which its own ” closes: no partner
    text = "制定《法企联建“1+5”工作方案》，融合公共法律服务园区行”。"
    span = _span_of(nlp, text, "融合公共法律服务园区行”")
    assert whole_measure(span, text) is span
