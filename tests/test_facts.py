"""Facts: a NUMBER tied to its UNIT, governing MEASURE, district, year, section and class."""

from __future__ import annotations

from spacy.tokens import DocBin

HEADER = "重庆市沙坪坝区人民政府关于2023年度法治政府建设情况的报告\n一、主要举措和成效\n"


def facts_by_number(doc) -> dict[str, dict]:
    return {doc.text[f["start"] : f["end"]]: f for f in doc._.facts}


def test_fact_fields_on_an_achievement(nlp) -> None:
    doc = nlp(HEADER + "全区全年受理法律援助案件660件，调解成功率为99.8％。")
    fact = facts_by_number(doc)["660"]
    assert fact["value"] == 660.0 and fact["qualifier"] == "exact"
    assert fact["unit"] == "件" and fact["unit_category"] == "case"
    assert fact["measure"] is not None and "法律援助案件" in fact["measure"]
    assert (fact["district"], fact["district_code"], fact["year"]) == ("沙坪坝区", "500106", 2023)
    assert fact["section_type"] == "ACHIEVEMENTS" and fact["category"] == "ACHIEVEMENT"
    rate = facts_by_number(doc)["99.8"]
    assert rate["unit_category"] == "percent" and rate["measure"] is not None and "成功率" in rate["measure"]


def test_explicit_district_beats_the_report_district(nlp) -> None:
    doc = nlp(HEADER + "回龙坝镇司法所建成村级法律服务站23个。")
    fact = facts_by_number(doc)["23"]
    assert fact["district"] == "回龙坝镇" and fact["district_code"] == "500106106"


def test_count_before_its_noun_governs(nlp) -> None:
    doc = nlp(HEADER + "依托公共法律服务平台，新建23个村级法律服务站。")
    fact = facts_by_number(doc)["23"]
    assert fact["measure"] is not None and "服务站" in fact["measure"]


def test_every_number_has_a_fact_and_offsets_point_at_it(seed_docs) -> None:
    for doc in seed_docs.values():
        numbers = [e for e in doc.ents if e.label_ == "NUMBER"]
        assert len(doc._.facts) == len(numbers)
        for fact, number in zip(doc._.facts, numbers, strict=True):
            assert (fact["start"], fact["end"]) == (number.start_char, number.end_char)
            assert fact["sentence"] and doc.text[fact["start"] : fact["end"]] in fact["sentence"]


def test_facts_survive_docbin_and_processes(nlp, seed_texts) -> None:
    texts = list(seed_texts.values())[:2]
    docs = list(nlp.pipe(texts, n_process=2))
    docbin = DocBin(store_user_data=True)
    for doc in docs:
        docbin.add(doc)
    restored = list(DocBin(store_user_data=True).from_bytes(docbin.to_bytes()).get_docs(nlp.vocab))
    for before, after, single in zip(docs, restored, (nlp(t) for t in texts), strict=True):
        assert list(after._.facts) == list(before._.facts) == list(single._.facts)
        assert [s._.category for s in after.sents] == [s._.category for s in single.sents]
