"""Tests for assistant.chunking: verifiable paragraph-sized passages with exact offsets and metadata."""

import unicodedata
from pathlib import Path

import pytest

from conftest import FIXTURE_CORPUS, SEED_ARTICLE
from assistant.chunking import MAX_PASSAGE_CHARS, Passage, chunk_article
from assistant.corpus import parse_article, read_article

ALL_ARTICLES = [SEED_ARTICLE, *sorted(FIXTURE_CORPUS.iterdir())]
# observed counts, checked by hand: one passage per answerable paragraph in these articles
EXPECTED_COUNTS = {
    "tphcm-hop-tac-bac-trung-bo.txt": 21,
    "ca-mau-tom.md": 2,
    "lam-dong-hoa.txt": 3,
    "quang-ngai-cang-ca-nfd.txt": 3,
}


def passages_of(path: Path) -> list[Passage]:
    return chunk_article(read_article(path, path.parent))


@pytest.fixture(scope="module")
def seed_passages() -> list[Passage]:
    return passages_of(SEED_ARTICLE)


def test_every_fixture_article_has_an_expected_count():
    assert sorted(p.name for p in ALL_ARTICLES) == sorted(EXPECTED_COUNTS), (
        "a fixture article was added or removed: update EXPECTED_COUNTS"
    )


@pytest.mark.parametrize("path", ALL_ARTICLES, ids=lambda p: p.name)
def test_passage_text_is_exactly_the_file_slice(path):
    as_read = path.read_text(encoding="utf-8")
    passages = passages_of(path)
    assert len(passages) == EXPECTED_COUNTS[path.name], [p.text[:40] for p in passages]
    for p in passages:
        assert as_read[p.start:p.end] == p.text, f"{path.name}:{p.start}-{p.end} is not the passage text"
        assert p.text == p.text.strip(), f"{path.name}:{p.start} passage has surrounding whitespace"
        assert 0 < len(p.text) <= MAX_PASSAGE_CHARS, f"{path.name}:{p.start} has {len(p.text)} chars"
        assert p.article == path.name
    starts = [p.start for p in passages]
    assert starts == sorted(starts) and all(a.end < b.start for a, b in zip(passages, passages[1:])), (
        "passages are in reading order and do not overlap"
    )


def test_seed_passages_are_paragraph_sized(seed_passages):
    sizes = [len(p.text) for p in seed_passages]
    assert max(sizes) == 710, "the longest seed paragraph (Nghệ An) is one 710-char passage"
    assert min(sizes) == 127
    assert all(p.title == "TP.HCM tăng cường hợp tác với các địa phương phía Bắc và Bắc Trung Bộ" for p in seed_passages)


def test_seed_passages_contain_no_teaser_or_related_text(seed_passages):
    for p in seed_passages:
        for leaked in (">>>", "Giá FIT", "Master Building", "20 chiến sỹ", "Có thể bạn quan tâm", "Trà Vinh", "07:29"):
            assert leaked not in p.text, f"{leaked!r} in passage {p.start}-{p.end}"


def test_fixture_passages_contain_no_teaser_or_related_text():
    for p in passages_of(FIXTURE_CORPUS / "lam-dong-hoa.txt"):
        for leaked in ("Đà Nẵng", "pháo hoa", "8 đội", "07:15"):
            assert leaked not in p.text, f"{leaked!r} in passage {p.start}-{p.end}"


def test_province_metadata(seed_passages):
    def starting(prefix: str) -> Passage:
        (found,) = [p for p in seed_passages if p.text.startswith(prefix)]
        return found

    assert starting("TP.HCM - tỉnhHà Tĩnh:").provinces == ["TP.HCM", "Hà Tĩnh"], "glued 'tỉnhHà' still tags Hà Tĩnh"
    assert starting("TP.HCM - tỉnh Nghệ An:").provinces == ["TP.HCM", "Nghệ An"]
    assert starting("TP.HCM - tỉnh Bắc Kạn:").provinces == ["TP.HCM", "Bắc Kạn"]
    assert starting("TP.HCM - tỉnh Thừa Thiên Huế:").provinces == ["TP.HCM", "Thừa Thiên Huế"]
    assert set(starting("Trong 09 địa phương mà").provinces) == {
        "Nghệ An", "Quảng Bình", "Hà Tĩnh", "Thừa Thiên Huế", "Cao Bằng", "Quảng Trị", "Bắc Kạn",
    }


def test_sections_of_seed_passages(seed_passages):
    sections = [p.section for p in seed_passages]
    assert sections[0] == ""
    assert sections[1:11] == ["TP.HCM trân trọng sự hợp tác với các địa phương"] * 10
    assert sections[11:] == ["Tăng cường hợp tác song phương"] * 10


def test_nfd_article_passages_slice_exactly_and_find_provinces():
    path = FIXTURE_CORPUS / "quang-ngai-cang-ca-nfd.txt"
    passages = passages_of(path)
    assert not unicodedata.is_normalized("NFC", passages[0].text), "passage text is the file's own NFD text"
    assert passages[0].provinces == ["Quảng Ngãi"], "provinces are found in NFD text"
    assert passages[0].date == "2025-09-12"
    assert unicodedata.normalize("NFC", passages[1].text).startswith("Sau khi hoàn thành vào năm 2028")


def test_broken_line_paragraph_stays_one_passage_with_its_newlines(seed_passages):
    (bac_kan,) = [p for p in seed_passages if p.text.startswith("TP.HCM - tỉnh Bắc Kạn:")]
    assert bac_kan.text.count("\n") == 3
    assert bac_kan.flat_text.count("\n") == 0 and "hạ tầng kỹ thuật" in bac_kan.flat_text


def test_ids_are_deterministic_unique_and_content_bound(seed_passages):
    again = passages_of(SEED_ARTICLE)
    assert [p.id for p in again] == [p.id for p in seed_passages]
    all_ids = [p.id for path in ALL_ARTICLES for p in passages_of(path)]
    assert len(all_ids) == len(set(all_ids)) == sum(EXPECTED_COUNTS.values())
    assert all(len(i) == 20 and int(i, 16) >= 0 for i in all_ids)
    first = seed_passages[0]
    moved = Passage(first.article, first.title, first.section, first.text, first.start + 1, first.end + 1)
    renamed = Passage("khac.txt", first.title, first.section, first.text, first.start, first.end)
    assert len({first.id, moved.id, renamed.id}) == 3, "the id depends on article and place"


def test_metadata_round_trip(seed_passages):
    for p in seed_passages:
        back = Passage.from_metadata(p.text, p.metadata())
        assert back == p, f"passage {p.start} does not survive the store round trip"
    assert seed_passages[-1].metadata()["provinces"] == "TP.HCM|Thừa Thiên Huế"


# --- splitting and merging ------------------------------------------------------------------

def test_long_paragraph_is_split_at_sentence_boundaries():
    sentence = "Tỉnh đã hỗ trợ doanh nghiệp đầu tư vào khu công nghiệp số {}."
    para = " ".join(sentence.format(i) for i in range(60))
    text = "Tiêu đề\n" + para + "\n"
    passages = chunk_article(parse_article(text, "dai.txt"))
    assert len(passages) == 6, [len(p.text) for p in passages]
    for p in passages:
        assert text[p.start:p.end] == p.text
        assert len(p.text) <= MAX_PASSAGE_CHARS
        assert p.text.startswith("Tỉnh đã hỗ trợ") and p.text.endswith("."), "cut at sentence boundaries"
    rejoined = " ".join(p.text for p in passages)
    assert rejoined == para, "the pieces cover the paragraph with nothing lost"


def test_long_semicolon_enumeration_is_split_too():
    clause = "hỗ trợ doanh nghiệp đầu tư vào khu công nghiệp và khu kinh tế của tỉnh"
    para = "; ".join([clause] * 40) + "."
    text = "Tiêu đề\n" + para + "\n"
    passages = chunk_article(parse_article(text, "liet-ke.txt"))
    assert all(text[p.start:p.end] == p.text for p in passages)
    assert max(len(p.text) for p in passages) <= MAX_PASSAGE_CHARS, [len(p.text) for p in passages]


def test_short_lead_in_is_merged_into_the_next_paragraph_of_its_section():
    text = "Tiêu đề\nNgắn thôi:\nĐoạn văn tiếp theo đủ dài để đứng một mình như một đoạn văn trong bài báo.\n"
    passages = chunk_article(parse_article(text, "a.txt"))
    assert len(passages) == 1
    assert passages[0].text == "Ngắn thôi:\nĐoạn văn tiếp theo đủ dài để đứng một mình như một đoạn văn trong bài báo."
    assert text[passages[0].start:passages[0].end] == passages[0].text


def test_short_last_paragraph_is_kept():
    text = "Tiêu đề\nĐoạn văn đầu tiên đủ dài để đứng một mình như một đoạn văn trong bài báo.\nHết.\n"
    passages = chunk_article(parse_article(text, "a.txt"))
    assert [p.text for p in passages] == [
        "Đoạn văn đầu tiên đủ dài để đứng một mình như một đoạn văn trong bài báo.",
        "Hết.",
    ]


def test_crlf_and_utf16_copies_chunk_like_the_original(tmp_path):
    crlf = tmp_path / "crlf.txt"
    crlf.write_bytes(SEED_ARTICLE.read_bytes().replace(b"\n", b"\r\n"))
    utf16 = tmp_path / "utf16.txt"
    utf16.write_bytes(SEED_ARTICLE.read_text(encoding="utf-8").encode("utf-16"))
    original = [(p.start, p.end, p.text) for p in passages_of(SEED_ARTICLE)]
    for path, encoding in ((crlf, "utf-8"), (utf16, "utf-16")):
        passages = passages_of(path)
        assert [(p.start, p.end, p.text) for p in passages] == original, path.name
        as_read = path.read_text(encoding=encoding)
        assert all(as_read[p.start:p.end] == p.text for p in passages), path.name


LIST_ARTICLE = (
    "Ba tỉnh Tây Nguyên liên kết phát triển vùng dược liệu\n"
    "Gia Lai, Đắk Lắk và Lâm Đồng vừa ký kế hoạch liên kết phát triển vùng dược liệu giai đoạn 2026 – 2030 tại Pleiku, với tổng vốn dự kiến 2.400 tỷ đồng.\n"
    "Theo Sở Nông nghiệp và Môi trường ba tỉnh, diện tích cây dược liệu của vùng hiện đạt khoảng 9.800 ha, nhưng phần lớn nông dân trồng nhỏ lẻ, thiếu giống chuẩn và chưa có đầu ra ổn định.\n"
    "Tại Đắk Lắk, nhiều hợp tác xã ở Buôn Đôn và Krông Bông đã liên kết với doanh nghiệp dược để bao tiêu sản phẩm, giá thu mua ổn định trong hai năm gần đây.\n"
    "Về vùng trồng, mỗi địa phương chọn loại cây chủ lực phù hợp thổ nhưỡng riêng của mình:\n"
    "- Gia Lai: sâm dây và đinh lăng trên 400 ha ở Kbang, Chư Păh.\n"
    "- Đắk Lắk: đương quy và sachi trên 600 ha ở Lắk, M'Drắk.\n"
    "- Lâm Đồng: atiso và hà thủ ô trên 900 ha ở Đơn Dương, Lạc Dương.\n"
    "Các tỉnh sẽ họp sơ kết vào tháng 6/2027 để đánh giá tiến độ của từng phần việc và điều chỉnh chỉ tiêu.\n"
)


def test_a_list_intro_and_its_items_are_one_passage():
    passages = chunk_article(parse_article(LIST_ARTICLE, "duoc-lieu.txt"))
    texts = [p.text for p in passages]
    assert len(texts) == 5, texts
    assert texts[3].startswith("Về vùng trồng, mỗi địa phương chọn loại cây chủ lực phù hợp thổ nhưỡng riêng của mình:\n- Gia Lai:")
    assert texts[3].endswith("ở Đơn Dương, Lạc Dương."), "the last item closes the list passage"
    assert passages[3].provinces == ["Gia Lai", "Đắk Lắk", "Lâm Đồng"]
    assert texts[4].startswith("Các tỉnh sẽ họp sơ kết"), "the paragraph after the list is a passage of its own"
    assert all(LIST_ARTICLE[p.start:p.end] == p.text for p in passages)


def test_only_the_lead_in_sentence_of_a_longer_paragraph_joins_the_items():
    # the paragraph's other sentences have facts of their own, which the items would dilute
    text = LIST_ARTICLE.replace(
        "Về vùng trồng, mỗi địa phương",
        "Diện tích cây dược liệu của ba tỉnh dự kiến tăng gấp đôi, lên 20.000 ha vào năm 2030. Về vùng trồng, mỗi địa phương")
    texts = [p.text for p in chunk_article(parse_article(text, "duoc-lieu.txt"))]
    assert texts[3] == "Diện tích cây dược liệu của ba tỉnh dự kiến tăng gấp đôi, lên 20.000 ha vào năm 2030.", texts
    assert texts[4].startswith("Về vùng trồng, mỗi địa phương chọn loại cây chủ lực phù hợp thổ nhưỡng riêng của mình:\n- Gia Lai:")
    assert texts[4].endswith("ở Đơn Dương, Lạc Dương.") and len(texts) == 6, texts


def test_items_without_an_intro_and_a_list_past_the_size_limit_stay_apart():
    no_intro = LIST_ARTICLE.replace("thổ nhưỡng riêng của mình:", "thổ nhưỡng riêng của mình.")
    texts = [p.text for p in chunk_article(parse_article(no_intro, "a.txt"))]
    assert texts[3] == "Về vùng trồng, mỗi địa phương chọn loại cây chủ lực phù hợp thổ nhưỡng riêng của mình.", texts
    assert texts[4].startswith("- Gia Lai:"), "items after a sentence that opens no list are cut as any paragraph"
    item = "- Tỉnh số {}: xây dựng trung tâm logistics quy mô lớn gắn với ga hàng và cảng sông của tỉnh trong giai đoạn tới.\n"
    long_list = "Tiêu đề\nMỗi tỉnh đảm nhận các nhiệm vụ như sau:\n" + "".join(item.format(i) for i in range(14))
    passages = chunk_article(parse_article(long_list, "b.txt"))
    assert [len(p.text) for p in passages][0] <= MAX_PASSAGE_CHARS
    assert passages[0].text.startswith("Mỗi tỉnh đảm nhận") and "- Tỉnh số 9:" in passages[0].text
    assert [p.text.split(":")[0] for p in passages[1:]] == [f"- Tỉnh số {i}" for i in range(10, 14)], (
        "items past the limit are passages of their own, as before")
