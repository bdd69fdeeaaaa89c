"""`assistant add` / ingest.add_to_corpus: safe names, duplicates, HTML and URL extraction (against
an HTTP server this module starts on loopback), invisible characters, and bad sources."""

from __future__ import annotations

import json
import socket
import time
import unicodedata
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from assistant.ingest import INVISIBLE_RE, add_to_corpus, slugify
from assistant.settings import Settings
from conftest import loopback_http, run_cli

PAGE_TITLE = "Bình Định khởi công cầu Thị Nại 2"
PAGE = """<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8">
<title>Bình Định khởi công cầu Thị Nại 2 | Báo Tin Tức</title>
<meta property="og:title" content="Bình Định khởi công cầu Thị Nại 2">
<meta property="article:published_time" content="2025-03-18T08:00:00+07:00"></head>
<body>
<nav><ul><li><a href="/">Trang chủ</a></li><li><a href="/thoi-su">Thời sự</a></li><li><a href="/kinh-te">Kinh tế</a></li></ul></nav>
<header><div class="menu">Đăng nhập | Đăng ký tài khoản</div></header>
<article><h1>Bình Định khởi công cầu Thị Nại 2</h1>
<p class="time">18/03/2025</p>
<p>Ngày 18/3, UBND tỉnh Bình Định khởi công xây dựng cầu Thị Nại 2 nối thành phố Quy Nhơn với bán đảo Phương Mai, tổng vốn đầu tư 2.600 tỷ đồng.</p>
<p>Cầu dài 2.470 mét, rộng 30 mét với 6 làn xe, dự kiến hoàn thành vào quý IV năm 2027, theo Ban quản lý dự án giao thông tỉnh.</p>
<h2>Giảm tải cho cầu cũ</h2>
<p>Ông Phạm Anh Tuấn, Chủ tịch UBND tỉnh, cho biết cầu Thị Nại hiện hữu đã quá tải với hơn 40.000 lượt xe mỗi ngày.</p>
<div class="related"><h3>Tin liên quan</h3><ul>
<li><a href="/a">Quy Nhơn mở rộng đường ven biển Xuân Diệu</a></li>
<li><a href="/b">Gia Lai đón 2 triệu khách du lịch</a></li></ul></div>
</article>
<aside><h3>Đọc nhiều</h3><ul><li><a href="/c">Giá vàng hôm nay tăng mạnh</a></li></ul></aside>
<footer>© 2025 Báo Tin Tức. Liên hệ quảng cáo.</footer>
</body></html>"""
NOT_IN_ARTICLE = ["Trang chủ", "Thời sự", "Đăng nhập", "Tin liên quan", "Xuân Diệu", "Gia Lai",
                  "Đọc nhiều", "Giá vàng", "quảng cáo", "Báo Tin Tức"]
EXPECTED_ARTICLE = (
    "Bình Định khởi công cầu Thị Nại 2\n"
    "Ngày đăng: 18/03/2025.\n"
    "Ngày 18/3, UBND tỉnh Bình Định khởi công xây dựng cầu Thị Nại 2 nối thành phố Quy Nhơn với bán đảo "
    "Phương Mai, tổng vốn đầu tư 2.600 tỷ đồng.\n"
    "Cầu dài 2.470 mét, rộng 30 mét với 6 làn xe, dự kiến hoàn thành vào quý IV năm 2027, theo Ban quản lý "
    "dự án giao thông tỉnh.\n"
    "Giảm tải cho cầu cũ\n"
    "Ông Phạm Anh Tuấn, Chủ tịch UBND tỉnh, cho biết cầu Thị Nại hiện hữu đã quá tải với hơn 40.000 lượt xe mỗi ngày.\n"
)
PLAIN = "Phú Yên đón tàu du lịch quốc tế\nCảng Vũng Rô đón tàu du lịch quốc tế đầu tiên với 1.200 hành khách.\n"
ARTICLE = "Hà Tĩnh khánh thành nhà máy nước\nNhà máy nước Cẩm Xuyên công suất 24.000 m3 mỗi ngày đi vào hoạt động.\n"


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 - http.server's name
        if self.path == "/bai-viet.html":
            self._send(200, "text/html; charset=utf-8", PAGE.encode("utf-8"))
        elif self.path == "/tin.txt":
            self._send(200, "text/plain; charset=utf-8", PLAIN.encode("utf-8"))
        elif self.path == "/anh.png":
            self._send(200, "image/png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
        elif self.path == "/cham":
            time.sleep(3)
            self._send(200, "text/html", PAGE.encode("utf-8"))
        elif self.path == "/lon.html":
            self._send(200, "text/html", b"<html><body>" + b"<p>x</p>" * 2000 + b"</body></html>")
        else:
            self._send(404, "text/html", b"<h1>Not found</h1>")

    def _send(self, code: int, ctype: str, body: bytes) -> None:
        try:
            self.send_response(code)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout test)
            pass

    def log_message(self, *args):  # keep test output clean
        pass


@pytest.fixture(scope="module")
def site():
    """An HTTP server on 127.0.0.1 serving a news page, a text article, and failure cases."""
    with loopback_http(_Handler) as url:
        yield url


def closed_port_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/bai-viet.html"


def settings_for(tmp_path: Path, **overrides) -> Settings:
    corpus = tmp_path / "corpus"
    corpus.mkdir(exist_ok=True)
    return Settings.from_env(environ={}, corpus_dir=corpus, index_dir=tmp_path / "index", **overrides)


def test_slugs_are_accent_free_safe_and_bounded():
    assert slugify("Bình Định khởi công cầu Thị Nại 2") == "binh-dinh-khoi-cong-cau-thi-nai-2"
    assert slugify("../../etc/passwd") == "etc-passwd"
    assert slugify("  !!! ") == "bai-viet"
    long = slugify("Đà Nẵng " * 30)
    assert len(long) <= 80 and long.startswith("da-nang-da-nang") and not long.endswith("-")


def test_safe_names_never_overwrite_and_duplicates_are_recognised(tmp_path):
    settings = settings_for(tmp_path)
    src = tmp_path / "src"
    (src / "a").mkdir(parents=True)
    (src / "b").mkdir()
    first = src / "a" / "Tin Hà Tĩnh!.txt"
    first.write_text(ARTICLE, encoding="utf-8")
    other = src / "b" / "Tin Hà Tĩnh!.txt"
    other.write_text(PLAIN, encoding="utf-8")
    copy = src / "ban-sao.txt"  # same article: NFD, a zero-width space, CRLF line ends
    copy.write_bytes(unicodedata.normalize("NFD", ARTICLE.replace("Nhà máy", "Nhà\u200b máy")).replace("\n", "\r\n").encode("utf-8"))

    report = add_to_corpus(settings, [first, other, copy], index=False)
    assert [(a.source, a.path, a.title) for a in report.added] == [
        (str(first), "tin-ha-tinh.txt", "Hà Tĩnh khánh thành nhà máy nước"),
        (str(other), "tin-ha-tinh-2.txt", "Phú Yên đón tàu du lịch quốc tế"),
    ]
    assert report.duplicates == [(str(copy), "tin-ha-tinh.txt")]
    assert report.errors == [] and report.exit_code == 0 and report.index is None
    assert (settings.corpus_dir / "tin-ha-tinh.txt").read_text(encoding="utf-8") == ARTICLE
    assert (settings.corpus_dir / "tin-ha-tinh-2.txt").read_text(encoding="utf-8") == PLAIN
    again = add_to_corpus(settings, [other], index=False)
    assert again.added == [] and again.duplicates == [(str(other), "tin-ha-tinh-2.txt")]
    assert sorted(p.name for p in settings.corpus_dir.iterdir()) == ["tin-ha-tinh-2.txt", "tin-ha-tinh.txt"]


def test_invisible_and_bidi_controls_are_removed_when_writing(tmp_path, e5):
    settings = settings_for(tmp_path)
    sneaky = tmp_path / "sneaky.txt"
    sneaky.write_text(
        "\ufeffHà Tĩnh khánh thành nhà máy nước\n"
        "Nhà máy nước Cẩm\u200b Xuyên công suất 24.000\u200d m3 \u202emỗi ngày\u202c đi vào \u2066hoạt động\u2069.\u00ad\n",
        encoding="utf-8",
    )
    report = add_to_corpus(settings, [sneaky], embeddings=e5)
    assert report.errors == [] and report.index is not None and report.index.added == ["sneaky.txt"]
    written = (settings.corpus_dir / "sneaky.txt").read_text(encoding="utf-8")
    assert written == ARTICLE
    assert not INVISIBLE_RE.search(written)
    from assistant.indexer import open_store

    _, passages, _ = open_store(settings).all_passages()
    assert [p.text for p in passages] == [ARTICLE.split("\n")[1]]
    assert all(written[p.start:p.end] == p.text for p in passages), "passages stay verbatim slices of the file"


def test_utf16_html_and_markdown_files(tmp_path):
    settings = settings_for(tmp_path)
    utf16 = tmp_path / "ha-tinh.txt"
    utf16.write_bytes(ARTICLE.encode("utf-16"))
    page = tmp_path / "Bai bao.html"
    page.write_text(PAGE, encoding="utf-8")
    md = tmp_path / "Ghi chú.md"
    md.write_text("# Cà Mau nuôi tôm\n\nCà Mau có 280.000 ha nuôi tôm.\n", encoding="utf-8")
    report = add_to_corpus(settings, [utf16, page, md], index=False)
    assert report.errors == []
    assert [a.path for a in report.added] == ["ha-tinh.txt", "binh-dinh-khoi-cong-cau-thi-nai-2.txt", "ghi-chu.md"]
    assert (settings.corpus_dir / "ha-tinh.txt").read_bytes() == ARTICLE.encode("utf-8"), "stored as UTF-8"
    assert (settings.corpus_dir / "binh-dinh-khoi-cong-cau-thi-nai-2.txt").read_text(encoding="utf-8") == EXPECTED_ARTICLE
    assert report.added[2].title == "Cà Mau nuôi tôm"


def test_url_becomes_a_clean_article_that_answers_questions(tmp_path, site, e5):
    from assistant.chain import Assistant

    settings = settings_for(tmp_path)
    url = f"{site}/bai-viet.html"
    report = add_to_corpus(settings, [url], embeddings=e5)
    assert report.errors == [], report.errors
    assert [(a.source, a.path, a.title) for a in report.added] == [(url, "binh-dinh-khoi-cong-cau-thi-nai-2.txt", PAGE_TITLE)]
    text = (settings.corpus_dir / "binh-dinh-khoi-cong-cau-thi-nai-2.txt").read_text(encoding="utf-8")
    assert text == EXPECTED_ARTICLE
    for junk in NOT_IN_ARTICLE:
        assert junk not in text, f"{junk!r} (navigation / related links) ended up in the article"
    assistant = Assistant(settings, embeddings=e5)
    records = assistant.store().article_records()
    assert records["binh-dinh-khoi-cong-cau-thi-nai-2.txt"].date == "2025-03-18", "the date line is picked up"
    answer = assistant.ask("Cầu Thị Nại 2 có tổng vốn đầu tư bao nhiêu?")
    assert "2.600 tỷ đồng" in answer.answer, answer.answer
    assert answer.citations[0].hit.passage.article == "binh-dinh-khoi-cong-cau-thi-nai-2.txt"
    # the same page again is a duplicate, not a second copy
    again = add_to_corpus(settings, [url], embeddings=e5)
    assert again.duplicates == [(url, "binh-dinh-khoi-cong-cau-thi-nai-2.txt")] and again.added == []
    assert again.index is not None and not again.index.changed


def test_plain_text_url(tmp_path, site):
    settings = settings_for(tmp_path)
    report = add_to_corpus(settings, [f"{site}/tin.txt"], index=False)
    assert [a.path for a in report.added] == ["phu-yen-don-tau-du-lich-quoc-te.txt"], report.errors
    assert (settings.corpus_dir / "phu-yen-don-tau-du-lich-quoc-te.txt").read_text(encoding="utf-8") == PLAIN


def test_url_failures_name_the_url(tmp_path, site):
    settings = settings_for(tmp_path, fetch_timeout=1.0, max_file_bytes=4096)
    unreachable = closed_port_url()
    report = add_to_corpus(
        settings,
        [f"{site}/khong-co.html", f"{site}/cham", f"{site}/lon.html", f"{site}/anh.png", unreachable, f"{site}/tin.txt"],
        index=False,
    )
    assert report.errors[0] == f"{site}/khong-co.html: the server answered HTTP 404 Not Found"
    assert report.errors[1] == f"{site}/cham: no answer within 1s (ASSISTANT_FETCH_TIMEOUT)"
    assert report.errors[2] == f"{site}/lon.html: 16,026 bytes is over the 4,096-byte limit for one article (ASSISTANT_MAX_FILE_BYTES)"
    assert report.errors[3] == f"{site}/anh.png: the server sent image/png, not a web page or text"
    assert report.errors[4].startswith(f"{unreachable}: cannot be reached ("), report.errors[4]
    assert "Connection refused" in report.errors[4], report.errors[4]
    assert len(report.errors) == 5
    assert [a.path for a in report.added] == ["phu-yen-don-tau-du-lich-quoc-te.txt"], "the rest still goes in"
    assert report.exit_code == 3


def test_cli_add_bad_files_partial_failure_exit_3(tmp_path, site):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    src = tmp_path / "src"
    src.mkdir()
    (src / "rong.txt").write_bytes(b"\n \n")
    (src / "anh.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (src / "latin1.txt").write_bytes("Tiêu đề\nNội dung".encode("latin-1", errors="replace"))
    (src / "lon.txt").write_bytes(b"Tieu de\n" + b"a" * 5000)
    (src / "bai.pdf").write_bytes(b"%PDF-1.4")
    (src / "chi-tieu-de.txt").write_text("Chỉ có tiêu đề\n", encoding="utf-8")
    (src / "tot.txt").write_text(ARTICLE, encoding="utf-8")
    unreachable = closed_port_url()
    args = [str(src / n) for n in ("rong.txt", "anh.txt", "latin1.txt", "lon.txt", "bai.pdf", "chi-tieu-de.txt", "khong-co.txt", "tot.txt")]
    result = run_cli("add", *args, unreachable, "--json", "--corpus", str(corpus), "--index", str(tmp_path / "index"),
                     env={"ASSISTANT_MAX_FILE_BYTES": "4096"})
    assert result.returncode == 3, (result.returncode, result.stderr)
    out = json.loads(result.stdout)
    expected_errors = [
        f"{src}/rong.txt: the file is empty",
        f"{src}/anh.txt: looks like a binary file, not a text article",
        f"{src}/latin1.txt: not valid UTF-8 text (byte 2: invalid continuation byte); save the article as UTF-8",
        f"{src}/lon.txt: 5,008 bytes is over the 4,096-byte limit for one article (ASSISTANT_MAX_FILE_BYTES)",
        f"{src}/bai.pdf: unsupported file type .pdf; give .txt, .md, .html files or an http(s) URL",
        f"{src}/chi-tieu-de.txt: has a title line but no article text under it",
        f"{src}/khong-co.txt: no such file",
    ]
    assert out["errors"][:7] == expected_errors, out["errors"]
    assert out["errors"][7].startswith(f"{unreachable}: cannot be reached (")
    for err in out["errors"]:
        assert f"error: {err}" in result.stderr.splitlines(), result.stderr
    assert out["added"] == [{"source": str(src / "tot.txt"), "path": "tot.txt", "title": "Hà Tĩnh khánh thành nhà máy nước"}]
    assert out["index"]["added"] == ["tot.txt"] and out["index"]["passages"] == 1
    assert sorted(p.name for p in corpus.iterdir()) == ["tot.txt"], "nothing else is written"


def test_cli_add_all_bad_is_exit_1_and_plain_output(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    result = run_cli("add", str(tmp_path / "khong-co.txt"), "--corpus", str(corpus), "--index", str(tmp_path / "index"))
    assert result.returncode == 1, (result.returncode, result.stderr)
    assert result.stderr.strip() == f"error: {tmp_path}/khong-co.txt: no such file"
    assert not (tmp_path / "index").exists(), "nothing to index after a total failure"


def test_add_while_another_writer_holds_the_lock_keeps_the_file_and_says_so(tmp_path, e5):
    from assistant.indexer import write_lock

    settings = settings_for(tmp_path, index_lock_timeout=0.0)
    source = tmp_path / "ha-tinh.txt"
    source.write_text(ARTICLE, encoding="utf-8")
    with write_lock(settings):
        import threading

        reports = []
        t = threading.Thread(target=lambda: reports.append(add_to_corpus(settings, [source], embeddings=e5)))
        t.start()
        t.join()
    report = reports[0]
    assert [a.path for a in report.added] == ["ha-tinh.txt"] and report.index is None
    assert len(report.errors) == 1 and report.errors[0].startswith("added to the corpus but not indexed yet (another process (pid ")
    assert report.errors[0].endswith("); run `assistant index`"), report.errors[0]
    assert report.exit_code == 3


# -- removing articles (the UI's delete) ---------------------------------------------------

def _indexed(tmp_path, e5, *articles: tuple[str, str]):
    """(settings, assistant) over a corpus of `articles` (name, text), indexed."""
    from assistant.chain import Assistant

    settings = settings_for(tmp_path)
    for name, text in articles:
        (settings.corpus_dir / name).write_text(text, encoding="utf-8")
    assistant = Assistant(settings, embeddings=e5)
    assert not assistant.reindex().errors
    return settings, assistant


def test_remove_deletes_the_file_and_its_passages_and_answers_stop_citing_it(tmp_path, e5):
    from assistant.indexer import index_state
    from assistant.ingest import remove_from_corpus

    settings, assistant = _indexed(tmp_path, e5, ("ha-tinh.txt", ARTICLE), ("phu-yen.txt", PLAIN))
    question = "Nhà máy nước Cẩm Xuyên công suất bao nhiêu?"
    assert assistant.ask(question).citations[0].hit.passage.article == "ha-tinh.txt"
    steps = []
    report = remove_from_corpus(settings, ["ha-tinh.txt"], embeddings=e5, progress=lambda n, t, name: steps.append(name))
    assert report.removed == ["ha-tinh.txt"] and report.errors == [] and report.exit_code == 0
    assert report.index is not None and report.index.removed == ["ha-tinh.txt"] and report.index.total_articles == 1
    assert report.lines() == ["removed ha-tinh.txt", report.index.line()]
    assert steps == ["phu-yen.txt"], steps
    assert sorted(p.name for p in settings.corpus_dir.iterdir()) == ["phu-yen.txt"]
    assert set(assistant.store().article_records()) == {"phu-yen.txt"}
    assert index_state(settings) == "complete", "the manifest was not brought up to date"
    answer = assistant.ask(question)  # the loaded read side notices the new index stamp
    assert all(c.hit.passage.article != "ha-tinh.txt" for c in answer.citations), answer.answer
    assert all(h.passage.article != "ha-tinh.txt" for h in answer.nearest)


def test_remove_refuses_names_outside_the_listed_articles(tmp_path, e5):
    from assistant.ingest import remove_from_corpus

    settings, assistant = _indexed(tmp_path, e5, ("ha-tinh.txt", ARTICLE))
    outside = tmp_path / "outside.txt"
    outside.write_text(PLAIN, encoding="utf-8")
    (settings.corpus_dir / "notes.json").write_text("{}", encoding="utf-8")  # not an article
    (settings.corpus_dir / "sub").mkdir()
    names = ["../outside.txt", str(outside), "sub/../../outside.txt", "notes.json", "khong-co.txt", "", "sub"]
    report = remove_from_corpus(settings, names, embeddings=e5)
    assert report.removed == [] and report.index is None and report.exit_code == 1
    assert report.errors == [f"{n}: not an article of the corpus folder {settings.corpus_dir} or of the index"
                             for n in names]
    assert outside.read_text(encoding="utf-8") == PLAIN
    assert sorted(p.name for p in settings.corpus_dir.iterdir()) == ["ha-tinh.txt", "notes.json", "sub"]
    assert set(assistant.store().article_records()) == {"ha-tinh.txt"}


def test_remove_a_link_removes_the_link_only_and_a_path_to_the_file_works(tmp_path, e5):
    from assistant.ingest import remove_from_corpus

    settings, _ = _indexed(tmp_path, e5, ("ha-tinh.txt", ARTICLE))
    (settings.corpus_dir / "lien-ket.txt").symlink_to(settings.corpus_dir / "ha-tinh.txt")
    report = remove_from_corpus(settings, [str(settings.corpus_dir / "lien-ket.txt")], embeddings=e5)
    assert report.removed == ["lien-ket.txt"] and report.errors == []
    assert (settings.corpus_dir / "ha-tinh.txt").read_text(encoding="utf-8") == ARTICLE, "the link's target was deleted"
    assert not (settings.corpus_dir / "lien-ket.txt").is_symlink()


def test_remove_an_indexed_article_whose_file_is_gone_and_an_unindexed_file(tmp_path, e5):
    from assistant.ingest import remove_from_corpus

    settings, assistant = _indexed(tmp_path, e5, ("ha-tinh.txt", ARTICLE), ("phu-yen.txt", PLAIN))
    (settings.corpus_dir / "ha-tinh.txt").unlink()  # behind the index's back
    (settings.corpus_dir / "moi.txt").write_text("Bài mới\nMột bài chưa được lập chỉ mục, năm 2025.\n", encoding="utf-8")
    report = remove_from_corpus(settings, ["ha-tinh.txt", "moi.txt", "moi.txt"], embeddings=e5)
    assert report.removed == ["ha-tinh.txt", "moi.txt"] and report.errors == []
    assert report.index.removed == ["ha-tinh.txt"] and report.index.added == []
    assert set(assistant.store().article_records()) == {"phu-yen.txt"}
    assert sorted(p.name for p in settings.corpus_dir.iterdir()) == ["phu-yen.txt"]


def test_remove_while_another_writer_holds_the_lock_deletes_nothing(tmp_path, e5):
    import threading

    from assistant.indexer import IndexBusyError, write_lock
    from assistant.ingest import remove_from_corpus

    settings, _ = _indexed(tmp_path, e5, ("ha-tinh.txt", ARTICLE))
    settings = settings.with_(index_lock_timeout=0.0)
    caught = []
    with write_lock(settings):
        def run():
            try:
                remove_from_corpus(settings, ["ha-tinh.txt"], embeddings=e5)
            except IndexBusyError as exc:
                caught.append(exc)

        t = threading.Thread(target=run)
        t.start()
        t.join()
    assert caught and "is writing the index" in str(caught[0])
    assert (settings.corpus_dir / "ha-tinh.txt").exists(), "a file was deleted without the lock"


def test_article_states_tell_indexed_pending_changed_missing_and_broken_files(tmp_path, e5):
    from assistant.ingest import article_states

    settings, assistant = _indexed(tmp_path, e5, ("ha-tinh.txt", ARTICLE), ("phu-yen.txt", PLAIN), ("xoa.txt", ARTICLE + "Thêm.\n"))
    corpus = settings.corpus_dir
    (corpus / "moi.md").write_text("# Bài mới về Đà Nẵng\n\nNgày 02/01/2025, Đà Nẵng khai trương cầu mới.\n", encoding="utf-8")
    (corpus / "phu-yen.txt").write_text(PLAIN + "Một đoạn thêm vào sau.\n", encoding="utf-8")
    (corpus / "xoa.txt").unlink()
    (corpus / "chi-tieu-de.txt").write_text("Chỉ có tiêu đề\n", encoding="utf-8")
    (corpus / "rong.txt").write_bytes(b"")
    cache: dict = {}
    states = {s.path: s for s in article_states(settings, assistant.store().article_records(), cache)}
    assert set(states) == {"ha-tinh.txt", "phu-yen.txt", "xoa.txt", "moi.md", "chi-tieu-de.txt", "rong.txt"}
    assert (states["ha-tinh.txt"].state, states["ha-tinh.txt"].passages) == ("indexed", 1)
    assert states["ha-tinh.txt"].title == "Hà Tĩnh khánh thành nhà máy nước"
    assert (states["moi.md"].state, states["moi.md"].title, states["moi.md"].date, states["moi.md"].passages) == (
        "pending", "Bài mới về Đà Nẵng", "2025-01-02", None)
    assert (states["phu-yen.txt"].state, states["phu-yen.txt"].passages) == ("pending", 1), "a changed file is pending"
    assert states["xoa.txt"].state == "missing"
    assert (states["chi-tieu-de.txt"].state, states["chi-tieu-de.txt"].problem) == (
        "error", "chi-tieu-de.txt: has a title line but no article text under it")
    assert (states["rong.txt"].state, states["rong.txt"].problem) == ("error", "rong.txt: the file is empty")
    # unchanged files are not read again: the cache answers
    assert set(cache) == {"ha-tinh.txt", "phu-yen.txt", "moi.md", "chi-tieu-de.txt"}
    assert all(entry[2] is None for entry in cache.values()), "article text kept in the cache"
    assistant.reindex()
    states = {s.path: s for s in article_states(settings, assistant.store().article_records(), cache)}
    assert {p: s.state for p, s in states.items()} == {
        "ha-tinh.txt": "indexed", "phu-yen.txt": "indexed", "moi.md": "indexed", "chi-tieu-de.txt": "error",
        "rong.txt": "error"}


def test_cli_remove_deletes_named_articles_and_refuses_the_rest(tmp_path, e5):
    settings, _ = _indexed(tmp_path, e5, ("ha-tinh.txt", ARTICLE), ("phu-yen.txt", PLAIN))
    outside = tmp_path / "outside.txt"
    outside.write_text(PLAIN, encoding="utf-8")
    where = ["--corpus", str(settings.corpus_dir), "--index", str(settings.index_dir)]
    result = run_cli("remove", "ha-tinh.txt", "../outside.txt", "--json", *where)
    assert result.returncode == 3, (result.returncode, result.stderr)
    out = json.loads(result.stdout)
    refused = f"../outside.txt: not an article of the corpus folder {settings.corpus_dir} or of the index"
    assert out["removed"] == ["ha-tinh.txt"] and out["errors"] == [refused]
    assert out["index"]["removed"] == ["ha-tinh.txt"] and out["index"]["articles"] == 1
    assert f"error: {refused}" in result.stderr.splitlines()
    assert outside.exists() and sorted(p.name for p in settings.corpus_dir.iterdir()) == ["phu-yen.txt"]
    result = run_cli("remove", str(settings.corpus_dir / "phu-yen.txt"), *where)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == "removed phu-yen.txt"
    assert result.stdout.splitlines()[1].startswith("indexed 0 articles, 0 passages: 0 added, 0 updated, 1 removed")
    result = run_cli("remove", "phu-yen.txt", *where)
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.strip() == f"error: phu-yen.txt: not an article of the corpus folder {settings.corpus_dir} or of the index"
