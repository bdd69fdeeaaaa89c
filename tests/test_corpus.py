"""Tests for assistant.corpus: decoding, title, paragraphs, headings, teasers, related links, errors."""

import shutil
import unicodedata

import pytest

from conftest import FIXTURE_CORPUS, SEED_ARTICLE
from assistant.corpus import (
    Article,
    ArticleError,
    check_answerable,
    list_article_files,
    parse_article,
    read_article,
    scan_corpus,
)

SEED_TITLE = "TP.HCM tăng cường hợp tác với các địa phương phía Bắc và Bắc Trung Bộ"
NFD_FIXTURE = FIXTURE_CORPUS / "quang-ngai-cang-ca-nfd.txt"


@pytest.fixture(scope="module")
def seed() -> Article:
    return read_article(SEED_ARTICLE, SEED_ARTICLE.parent)


def texts(article: Article, kind: str) -> list[str]:
    return [article.text[b.start:b.end] for b in article.blocks if b.kind == kind]


def paragraph_texts(article: Article) -> list[str]:
    return [article.text[b.start:b.end] for _, b in article.paragraphs()]


# --- the seed article -----------------------------------------------------------------------

def test_seed_title_is_the_first_line(seed):
    assert seed.title == SEED_TITLE
    assert seed.path == "tphcm-hop-tac-bac-trung-bo.txt", "path is relative to the corpus folder"
    assert seed.blocks[0].kind == "title"
    assert seed.text[seed.blocks[0].start:seed.blocks[0].end] == SEED_TITLE


def test_seed_text_is_the_file_as_python_reads_it(seed):
    assert seed.text == SEED_ARTICLE.read_text(encoding="utf-8")


def test_seed_block_counts(seed):
    kinds = [b.kind for b in seed.blocks]
    assert kinds.count("title") == 1
    assert kinds.count("teaser") == 2, texts(seed, "teaser")
    assert kinds.count("heading") == 2, texts(seed, "heading")
    assert kinds.count("paragraph") == 21, "the seed has 21 answerable paragraphs"
    assert kinds.count("related") == 9, "heading + 4 headlines + 4 timestamps"


def test_seed_teaser_lines_are_not_paragraphs(seed):
    assert texts(seed, "teaser") == [
        ">>>Trà Vinh: Tăng cường hợp tác phát triển bền vững giữa TP.HCM với vùng ĐBSCL",
        ">>>TP.HCM xin cơ chế đặc thù đầu tư điện mặt trời mái nhà: Giá FIT cần áp dụng linh hoạt hơn!",
    ]
    for para in paragraph_texts(seed):
        assert ">>>" not in para, para
        assert "Giá FIT" not in para, para


def test_seed_related_block_and_timestamps_are_excluded(seed):
    related = texts(seed, "related")
    assert related[0] == "Có thể bạn quan tâm"
    assert "07:29, 14/03/2023" in related
    assert "Tranh chấp tại tòa nhà Master Building TP.HCM: Hệ luỵ từ một bản án" in related
    first_related = next(b for b in seed.blocks if b.kind == "related")
    assert all(b.kind == "related" for b in seed.blocks if b.start >= first_related.start), (
        "everything after 'Có thể bạn quan tâm' belongs to the related block"
    )
    for para in paragraph_texts(seed):
        for leaked in ("Master Building", "20 chiến sỹ", "Có thể bạn quan tâm", "07:29", "nguồn gốc, xuất xứ"):
            assert leaked not in para, f"{leaked!r} leaked into a paragraph: {para[:80]!r}"


def test_seed_broken_lines_are_joined_into_one_paragraph(seed):
    bac_kan = [p for p in paragraph_texts(seed) if p.startswith("TP.HCM - tỉnh Bắc Kạn:")]
    assert len(bac_kan) == 1, "the Bắc Kạn paragraph must be one block"
    para = bac_kan[0]
    assert para.count("\n") == 3, "four physical lines of the file make up the Bắc Kạn paragraph"
    assert para.endswith("hỗ trợ nhà ở cho hộ nghèo."), para[-60:]
    assert "hạ tầng\nkỹ thuật" in para


def test_seed_headings_and_sections(seed):
    assert texts(seed, "heading") == [
        "TP.HCM trân trọng sự hợp tác với các địa phương",
        "Tăng cường hợp tác song phương",
    ]
    sections = [(section, seed.text[b.start:b.start + 22]) for section, b in seed.paragraphs()]
    assert sections[0] == ("", "Kinh tế - xã hội của T"), "the lead comes before any heading"
    assert sections[1][0] == "TP.HCM trân trọng sự hợp tác với các địa phương"
    nghe_an = [s for s, start in sections if start.startswith("TP.HCM - tỉnh Nghệ An")]
    assert nghe_an == ["Tăng cường hợp tác song phương"]


def test_seed_has_no_publication_date_in_its_head(seed):
    # the only dates are the related headlines' timestamps, which are not the article's date
    assert seed.date == ""


# --- fixture articles -----------------------------------------------------------------------

def test_markdown_title_and_headings():
    article = read_article(FIXTURE_CORPUS / "ca-mau-tom.md", FIXTURE_CORPUS)
    assert article.title == "Cà Mau mở rộng vùng nuôi tôm sinh thái", "the '# ' is not part of the title"
    assert [(s, article.text[b.start:b.end][:24]) for s, b in article.paragraphs()] == [
        ("", "Cà Mau đặt mục tiêu đến "),
        ("Hợp tác với doanh nghiệp", "Tập đoàn Minh Phú cam kế"),
    ]


def test_txt_fixture_teaser_heading_join_related_and_date():
    article = read_article(FIXTURE_CORPUS / "lam-dong-hoa.txt", FIXTURE_CORPUS)
    assert article.title == "Lâm Đồng và TP.HCM ký thỏa thuận phát triển ngành hoa"
    assert article.date == "2024-06-05", "date from 'Ngày 05/06/2024' at the head of the article"
    assert texts(article, "teaser") == [">>>Đà Nẵng: Khai mạc lễ hội pháo hoa quốc tế"]
    assert texts(article, "heading") == ["Nội dung thỏa thuận"]
    paras = paragraph_texts(article)
    assert len(paras) == 3, paras
    assert paras[2].endswith("nhân giống\nđầu tiên vì có giá trị xuất khẩu cao sang Nhật Bản.")
    assert all("8 đội" not in p and "pháo hoa" not in p for p in paras)


def test_nfd_article_keeps_its_bytes_but_gets_an_nfc_title():
    raw = NFD_FIXTURE.read_text(encoding="utf-8")
    assert not unicodedata.is_normalized("NFC", raw), "the fixture must really be NFD"
    article = read_article(NFD_FIXTURE, FIXTURE_CORPUS)
    assert article.text == raw, "offsets refer to the file as read, so the text is not recomposed"
    assert article.title == "Quảng Ngãi mở rộng cảng cá Sa Huỳnh"
    assert unicodedata.is_normalized("NFC", article.title)
    assert article.date == "2025-09-12"
    assert [unicodedata.normalize("NFC", t) for t in texts(article, "heading")] == ["Quy mô sau mở rộng"]
    assert len(paragraph_texts(article)) == 3


# --- parse_article details ------------------------------------------------------------------

def test_a_lone_timestamp_line_starts_the_related_tail():
    text = "Tiêu đề\nĐoạn một của bài báo, đủ dài để là một đoạn văn.\n08:15, 01/02/2024\nTin khác ở đây.\n"
    article = parse_article(text, "a.txt")
    assert paragraph_texts(article) == ["Đoạn một của bài báo, đủ dài để là một đoạn văn."]
    assert texts(article, "related") == ["08:15, 01/02/2024", "Tin khác ở đây."]


def test_a_dateline_under_the_lead_does_not_end_the_article():
    text = (
        "Tiêu đề\nĐoạn mở đầu của bài báo.\n14:20, 28/11/2025\nĐoạn hai có số liệu 61.200 ha.\n"
        "Đoạn ba kết thúc.\nĐoạn bốn kết thúc.\nCó thể bạn quan tâm\nBài khác\n"
    )
    article = parse_article(text, "a.txt")
    assert paragraph_texts(article) == [
        "Đoạn mở đầu của bài báo.", "Đoạn hai có số liệu 61.200 ha.", "Đoạn ba kết thúc.", "Đoạn bốn kết thúc.",
    ]
    assert texts(article, "related") == ["14:20, 28/11/2025", "Có thể bạn quan tâm", "Bài khác"]


def test_dated_headlines_are_the_related_tail_even_without_a_heading():
    text = "Tiêu đề\nĐoạn một.\nĐoạn hai.\nĐoạn ba.\n07:29, 14/03/2023\nBài khác một\n12:47, 13/03/2023\nBài khác hai\nBài ba\n"
    article = parse_article(text, "a.txt")
    assert paragraph_texts(article) == ["Đoạn một.", "Đoạn hai.", "Đoạn ba."]


def test_a_heading_ending_in_a_quoted_phrase_is_a_heading():
    text = "Tiêu đề\nĐoạn một.\nCao tốc là “chìa khóa”\nĐoạn hai nói “như vậy.”\n"
    article = parse_article(text, "a.txt")
    assert texts(article, "heading") == ["Cao tốc là “chìa khóa”"]


@pytest.mark.parametrize("heading", ["Tin liên quan", "XEM THÊM:", "Co the ban quan tam", "Related articles"])
def test_related_heading_variants(heading):
    text = f"Tiêu đề\nĐoạn văn có nội dung trả lời được.\n{heading}\nTiêu đề bài khác\n"
    article = parse_article(text, "a.txt")
    assert paragraph_texts(article) == ["Đoạn văn có nội dung trả lời được."], heading


def test_a_line_ending_a_sentence_is_not_joined_with_the_next():
    text = "Tiêu đề\nCâu thứ nhất kết thúc ở đây.\nmột đoạn mới viết thường.\nđoạn này bị ngắt\ngiữa câu.\n"
    article = parse_article(text, "a.txt")
    assert paragraph_texts(article) == [
        "Câu thứ nhất kết thúc ở đây.",
        "một đoạn mới viết thường.",
        "đoạn này bị ngắt\ngiữa câu.",
    ]


def test_offsets_skip_leading_and_trailing_spaces_of_lines():
    text = "  Tiêu đề  \n\n   Đoạn văn thụt lề.   \n"
    article = parse_article(text, "a.txt")
    assert article.title == "Tiêu đề"
    (para,) = [b for _, b in article.paragraphs()]
    assert text[para.start:para.end] == "Đoạn văn thụt lề."


def test_parse_article_without_text_names_the_file():
    with pytest.raises(ArticleError, match=r"^x\.txt: the file has no text$"):
        parse_article(" \n\n \n", "x.txt")


# --- bad input: errors name the file --------------------------------------------------------

@pytest.mark.parametrize(
    "name, data, message",
    [
        ("rong.txt", b"", r"^sub/rong\.txt: the file is empty$"),
        ("trang.txt", b"  \n\n\t\n", r"^sub/trang\.txt: the file is empty$"),
        ("anh.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", r"^sub/anh\.txt: looks like a binary file"),
        ("latin1.txt", "Tieu de\nCafé à Hà Nội".encode("latin-1", "replace"), r"^sub/latin1\.txt: not valid UTF-8 text .*save the article as UTF-8"),
        ("utf16-hong.txt", b"\xff\xfe\x00\xd8", r"^sub/utf16-hong\.txt: not valid UTF-16 text"),
    ],
)
def test_unreadable_files_raise_article_error_naming_the_file(tmp_path, name, data, message):
    (tmp_path / "sub").mkdir()
    path = tmp_path / "sub" / name
    path.write_bytes(data)
    with pytest.raises(ArticleError, match=message):
        read_article(path, tmp_path)


def test_oversized_file_is_refused_with_the_limit_named(tmp_path):
    path = tmp_path / "dump.txt"
    path.write_bytes(("Tiêu đề\n" + "Một dòng văn bản.\n" * 100).encode("utf-8"))
    size = path.stat().st_size
    with pytest.raises(ArticleError, match=rf"^dump\.txt: {size:,} bytes is over the 1,000-byte limit .*ASSISTANT_MAX_FILE_BYTES"):
        read_article(path, tmp_path, max_bytes=1000)
    assert read_article(path, tmp_path, max_bytes=size).title == "Tiêu đề", "exactly at the limit is fine"


def test_missing_file_raises_article_error(tmp_path):
    with pytest.raises(ArticleError, match=r"^khong-co\.txt: cannot be read"):
        read_article(tmp_path / "khong-co.txt", tmp_path)


# --- encodings and newlines -----------------------------------------------------------------

@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_with_bom_is_accepted(tmp_path, encoding):
    source = SEED_ARTICLE.read_text(encoding="utf-8")
    path = tmp_path / "utf16.txt"
    bom = {"utf-16": b"", "utf-16-le": b"\xff\xfe", "utf-16-be": b"\xfe\xff"}[encoding]
    path.write_bytes(bom + source.encode(encoding))
    article = read_article(path, tmp_path)
    assert article.text == source
    assert article.text == path.read_text(encoding="utf-16"), "offsets refer to the text as read"
    assert article.title == SEED_TITLE
    seed = read_article(SEED_ARTICLE, SEED_ARTICLE.parent)
    assert article.blocks == seed.blocks, "same blocks as the UTF-8 original"


def test_crlf_article_offsets_match_python_text_mode(tmp_path):
    path = tmp_path / "crlf.txt"
    path.write_bytes(SEED_ARTICLE.read_bytes().replace(b"\n", b"\r\n"))
    article = read_article(path, tmp_path)
    as_read = path.read_text(encoding="utf-8")
    assert "\r" not in as_read and article.text == as_read
    seed = read_article(SEED_ARTICLE, SEED_ARTICLE.parent)
    assert article.blocks == seed.blocks, "CRLF must give the same blocks as LF"
    assert article.title == SEED_TITLE, "no stray \\r in the title"


def test_old_mac_cr_newlines_match_python_text_mode(tmp_path):
    path = tmp_path / "cr.txt"
    path.write_bytes("Tiêu đề\rĐoạn văn một có nội dung.\rĐoạn văn hai có nội dung.\r".encode("utf-8"))
    article = read_article(path, tmp_path)
    assert article.text == path.read_text(encoding="utf-8")
    assert paragraph_texts(article) == ["Đoạn văn một có nội dung.", "Đoạn văn hai có nội dung."]


def test_utf8_bom_article_offsets_match_python_text_mode(tmp_path):
    path = tmp_path / "bom.txt"
    path.write_bytes(b"\xef\xbb\xbf" + SEED_ARTICLE.read_bytes())
    article = read_article(path, tmp_path)
    assert article.title == SEED_TITLE, "the BOM is not part of the title"
    assert article.text == path.read_text(encoding="utf-8")


# --- listing and hashing --------------------------------------------------------------------

def test_list_article_files_sorted_recursive_skips_hidden_and_other_suffixes(tmp_path):
    for rel in ["b.txt", "a.md", "C.TXT", "sub/d.txt", "notes.docx", "img.png", ".hidden.txt", ".git/x.txt"]:
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("Tiêu đề\nNội dung.\n", encoding="utf-8")
    got = [p.relative_to(tmp_path).as_posix() for p in list_article_files(tmp_path)]
    assert got == ["C.TXT", "a.md", "b.txt", "sub/d.txt"]
    assert list_article_files(tmp_path / "khong-ton-tai") == []


def test_scan_corpus_refuses_links_leading_outside_and_html_and_ignores_other_junk(tmp_path):
    corpus = tmp_path / "corpus"
    (corpus / "sub").mkdir(parents=True)
    (corpus / "a.txt").write_text("Tiêu đề\nNội dung.\n", encoding="utf-8")
    outside = tmp_path / "outside.txt"
    outside.write_text("Bí mật\nKhông thuộc kho bài viết.\n", encoding="utf-8")
    (corpus / "secret.txt").symlink_to(outside)
    (corpus / "sub" / "chain.md").symlink_to(corpus / "secret.txt")  # a link to a link to outside
    (corpus / "alias.txt").symlink_to(corpus / "a.txt")  # stays inside: allowed
    (corpus / "linked-dir").symlink_to(tmp_path, target_is_directory=True)  # folders are not followed
    (corpus / "page.html").write_text("<html></html>", encoding="utf-8")
    (corpus / "sub" / "old.HTM").write_text("<html></html>", encoding="utf-8")
    (corpus / ".an.html").write_text("<html></html>", encoding="utf-8")  # hidden: skipped
    for junk in (".DS_Store", "data.json", "img.png"):
        (corpus / junk).write_bytes(b"\x00junk")
    files, problems = scan_corpus(corpus)
    assert [p.relative_to(corpus).as_posix() for p in files] == ["a.txt", "alias.txt"]
    html = "{}: HTML is not read from the corpus folder; move it out and run `assistant add {}` (it is converted to a .txt article)"
    outside_link = "{}: a symbolic link to a file outside the corpus folder ({}); refused"
    assert problems == [
        html.format("page.html", "page.html"),
        outside_link.format("secret.txt", outside.resolve()),
        outside_link.format("sub/chain.md", outside.resolve()),
        html.format("sub/old.HTM", "old.HTM"),
    ]
    assert list_article_files(corpus) == files
    assert scan_corpus(tmp_path / "khong-ton-tai") == ([], [])


def test_scan_corpus_through_a_linked_corpus_folder_keeps_its_articles(tmp_path):
    real = tmp_path / "real"
    real.mkdir()
    (real / "a.txt").write_text("Tiêu đề\nNội dung.\n", encoding="utf-8")
    (real / "b.txt").symlink_to(real / "a.txt")
    (tmp_path / "corpus").symlink_to(real, target_is_directory=True)
    files, problems = scan_corpus(tmp_path / "corpus")
    assert [p.name for p in files] == ["a.txt", "b.txt"] and problems == []


def test_check_answerable_refuses_a_title_without_text():
    check_answerable(parse_article("Tiêu đề\nNội dung bài viết.\n", "a.txt"))
    with pytest.raises(ArticleError) as exc:
        check_answerable(parse_article("Chỉ có tiêu đề\n", "chi-tieu-de.txt"))
    assert str(exc.value) == "chi-tieu-de.txt: has a title line but no article text under it"
    with pytest.raises(ArticleError, match="^b.md: has a title line but no article text under it$"):
        check_answerable(parse_article("# Tiêu đề\n\n## Mục một\n", "b.md", markdown=True))


def test_subfolder_article_path_uses_forward_slashes(tmp_path):
    (tmp_path / "2024" / "06").mkdir(parents=True)
    shutil.copy(FIXTURE_CORPUS / "lam-dong-hoa.txt", tmp_path / "2024" / "06" / "hoa.txt")
    article = read_article(tmp_path / "2024" / "06" / "hoa.txt", tmp_path)
    assert article.path == "2024/06/hoa.txt"


def test_sha256_is_stable_and_tracks_content(tmp_path):
    a = read_article(SEED_ARTICLE, SEED_ARTICLE.parent)
    b = read_article(SEED_ARTICLE, SEED_ARTICLE.parent)
    assert a.sha256 == b.sha256 and len(a.sha256) == 64
    path = tmp_path / SEED_ARTICLE.name
    path.write_text(SEED_ARTICLE.read_text(encoding="utf-8") + "Thêm một dòng.\n", encoding="utf-8")
    assert read_article(path, tmp_path).sha256 != a.sha256
