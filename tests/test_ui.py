"""The web UI, launched in the test on a free loopback port over a real index (real e5, real Chroma),
driven through gradio_client and through a real browser (Debian's chromium via Playwright)."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Iterator

import pytest

from conftest import ROOT, make_corpus

sys.path.insert(0, str(ROOT))  # ui.py lives at the project root, beside the package

import ui  # noqa: E402
from assistant.answer import NOT_FOUND, Answer, Citation  # noqa: E402
from assistant.chain import Assistant  # noqa: E402
from assistant.chunking import Passage  # noqa: E402
from assistant.settings import Settings  # noqa: E402
from assistant.store import Hit  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
NGHE_AN = "Nghệ An ký kết hợp tác với TP.HCM từ năm nào?"
UNANSWERABLE = "Giá vé máy bay đi Paris là bao nhiêu?"
# An article none of the others knows about; the markup in it must show as text, never as HTML.
NEW_ARTICLE_NAME = "Điện Biên trạm quan trắc.txt"
NEW_ARTICLE = """Điện Biên xây dựng mạng lưới trạm quan trắc sương muối
Ngày 14/03/2025, UBND tỉnh Điện Biên phê duyệt dự án xây dựng 23 trạm quan trắc sương muối <b>tự động</b> tại huyện Mường Nhé, với tổng vốn 58 tỷ đồng.
Theo kế hoạch, trạm đầu tiên sẽ hoạt động vào tháng 11/2025 và dữ liệu sẽ được công bố hằng ngày cho nông dân trồng chè.
"""
NEW_QUESTION = "Điện Biên xây dựng bao nhiêu trạm quan trắc sương muối?"


def free_port() -> int:
    """A loopback port nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def serving(assistant: Assistant, **options) -> Iterator[str]:
    """The assistant's app served in-process on a free loopback port: yields its URL, closed on exit."""
    port = free_port()
    app = ui.serve(assistant, port=port, prevent_thread_lock=True, **options)
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        app.close()


def make_assistant(base: Path, e5, **settings) -> Assistant:
    """An Assistant over a copy of the seed + fixture articles, index built, in `base`."""
    s = Settings.from_env(environ={}, corpus_dir=make_corpus(base / "corpus"), index_dir=base / "index", **settings)
    assistant = Assistant(s, embeddings=e5)
    summary = assistant.reindex()
    assert not summary.errors, summary.errors
    return assistant


@pytest.fixture(scope="module")
def served(tmp_path_factory, e5):
    """(url, assistant) of the app launched in-process over its own index; read-only use."""
    assistant = make_assistant(tmp_path_factory.mktemp("ui"), e5)
    with serving(assistant) as url:
        yield url, assistant


def client(url: str, **kw):
    from gradio_client import Client

    return Client(url, verbose=False, analytics_enabled=False, download_files=False, **kw)


def http_status(url: str, data: bytes | None = None) -> int:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, data=data), timeout=30) as resp:
            return resp.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except urllib.error.URLError:
        return 0  # nothing listening (yet)


# -- the chat API (gradio_client) ----------------------------------------------------------

def test_chat_api_answers_with_the_year_and_a_citation(served):
    url, _ = served
    text = client(url).predict(NGHE_AN, api_name="/chat")
    answer, _, sources = text.partition("\n\n")
    assert "2003" in answer and answer.endswith("[1]"), f"answer lacks 2003 or its marker: {text!r}"
    assert sources.startswith("[1] TP.HCM tăng cường hợp tác với các địa phương phía Bắc và Bắc Trung Bộ"), sources
    assert "(tphcm-hop-tac-bac-trung-bo.txt:" in sources, sources
    assert "Nghệ An – năm 2003" in sources, f"the cited passage is not in the reply: {sources!r}"


def test_chat_api_says_not_found_and_marks_the_nearest_passages(served):
    url, _ = served
    text = client(url).predict(UNANSWERABLE, api_name="/chat")
    lines = text.split("\n")
    assert lines[0] == NOT_FOUND["vi"], text
    assert lines[2] == "Đoạn gần nhất — KHÔNG trả lời được câu hỏi, chỉ để tham khảo:", text
    assert [line[:3] for line in lines[3::2]] == ["(1)", "(2)", "(3)"], text
    assert "[1]" not in text, "an abstention must not cite anything"


def test_chat_api_refuses_empty_and_overlong_questions_with_the_reason(served):
    from gradio_client.exceptions import AppError

    url, _ = served
    with pytest.raises(AppError, match=r"the question is 2,699 characters long and the limit is 2,000"):
        client(url).predict("Nghệ An? " * 300, api_name="/chat")
    with pytest.raises(AppError, match="the question is empty"):
        client(url).predict("", api_name="/chat")


def test_only_the_chat_endpoint_is_public(served):
    url, _ = served
    api = client(url).view_api(return_format="dict", print_info=False)
    assert list(api["named_endpoints"]) == ["/chat"], api["named_endpoints"].keys()
    assert api["unnamed_endpoints"] == {}, api["unnamed_endpoints"]
    params = api["named_endpoints"]["/chat"]["parameters"]
    assert [p["parameter_name"] for p in params] == ["question"], params


def test_every_example_question_is_answered(built):
    history = []
    for question in ui.EXAMPLES:
        answer = built.ask(question, history=history)
        assert not answer.abstained and answer.citations, f"example {question!r} gets no answer"
        history.append(answer.standalone_question)
    assert "2003" in built.ask(ui.EXAMPLES[3]).answer


def test_ask_about_this_province_is_answered_for_every_province_listed(built):
    provinces = list(built.index.province_counts)
    assert len(provinces) >= 10, provinces
    for province in provinces:
        answer = built.ask(ui.PROVINCE_QUESTION.format(province=province), province=province)
        assert not answer.abstained and answer.citations, f"'Ask about this province' for {province}: {answer.answer}"
        assert all(province in built.index.provinces_of(c.hit.id) for c in answer.citations), (province, answer.answer)


# -- security ------------------------------------------------------------------------------

def test_listens_on_loopback_with_monitoring_off_and_no_file_access(served):
    url, assistant = served
    port = int(url.rstrip("/").rsplit(":", 1)[1])
    # nothing answers on the machine's other addresses
    other = socket.gethostbyname(socket.gethostname())
    if not other.startswith("127."):
        with socket.socket() as s:
            s.settimeout(2)
            assert s.connect_ex((other, port)) != 0, f"the UI also listens on {other}"
    assert http_status(url + "monitoring") == 403, "the monitoring endpoint is on"
    assert http_status(url + "monitoring/summary") == 403, "the monitoring endpoint is on"
    article = (assistant.settings.corpus_dir / "lam-dong-hoa.txt").resolve()
    for path in (article, Path("/etc/passwd"), ROOT / "pyproject.toml"):
        status = http_status(url + f"gradio_api/file={path}")
        assert status in (403, 404), f"{path} is served (HTTP {status})"


def test_login_is_required_for_everything_when_set(tmp_path, e5):
    assistant = make_assistant(tmp_path, e5, ui_auth="ana:s3cret-pass")
    with serving(assistant) as url:
        assert http_status(url + "config") == 401
        assert http_status(url + "gradio_api/upload", data=b"x") == 401
        assert http_status(url + "gradio_api/info") == 401
        with pytest.raises(Exception):
            client(url).predict(NGHE_AN, api_name="/chat")
        with pytest.raises(Exception):
            client(url, auth=("ana", "wrong")).predict(NGHE_AN, api_name="/chat")
        text = client(url, auth=("ana", "s3cret-pass")).predict(NGHE_AN, api_name="/chat")
        assert "2003" in text and "[1]" in text, text


def test_parse_auth():
    assert ui.parse_auth("") is None
    assert ui.parse_auth("ana:pa:ss") == ("ana", "pa:ss")
    for bad in ("ana", ":pw", "ana:"):
        with pytest.raises(ValueError, match="user:password"):
            ui.parse_auth(bad)


def _passage(text: str, title: str = "Tiêu đề <i>x</i>", section: str = "") -> Passage:
    return Passage("a.txt", title, section, text, 0, len(text), [], "")


def test_article_text_is_rendered_as_text_never_markup():
    text = 'Câu một <script>alert(1)</script>. Câu hai <img src=x onerror="alert(2)"> có số 2003.'
    hit = Hit("id", _passage(text, section="Mục & <b>phụ</b>"), 0.9)
    start = text.index("Câu hai")
    answer = Answer("q", 'Câu hai <img src=x onerror="alert(2)"> có số 2003. [1]', False,
                    [Citation(1, hit, [(start, len(text))])])
    out = ui.answer_html(answer, "7")
    for raw in ("<script", "<img", "<i>", "<b>phụ"):
        assert raw not in out, f"{raw} reached the page as markup: {out}"
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out
    assert '<mark>Câu hai &lt;img src=x onerror=&quot;alert(2)&quot;&gt; có số 2003.</mark>' in out, out
    assert '<a class="hd-cite" href="#hd-src-7-1" title="source 1">[1]</a>' in out
    assert 'id="hd-src-7-1"' in out
    assert "\n" not in out, "a line break could end the HTML block and let Markdown reinterpret the text"


def test_highlight_merges_overlapping_spans_and_escapes():
    assert ui.highlight_html("a<b>c d", [(3, 5), (0, 1), (4, 6)]) == "<mark>a</mark>&lt;b<mark>&gt;c </mark>d"
    assert ui.highlight_html("x\ny", []) == "x y"


def test_not_found_answer_marks_nearest_passages_as_not_supporting():
    hits = [Hit(str(i), _passage(f"Đoạn {i}."), 0.5) for i in range(5)]
    out = ui.answer_html(Answer("q", NOT_FOUND["en"], True, nearest=hits, lang="en"), "0")
    assert '<div class="hd-answer hd-notfound">Not found in the indexed articles.</div>' in out, out
    assert "Nearest passages — they do NOT answer the question, shown for reference only" in out
    assert out.count('class="hd-source"') == ui.NEAREST_SHOWN == 3
    assert "<mark>" not in out, "nothing is highlighted as support when there is no answer"


# -- uploads and reindexing ----------------------------------------------------------------

def test_uploads_are_checked_and_never_overwrite(tmp_path, e5):
    assistant = make_assistant(tmp_path / "a", e5)
    jobs = ui.CorpusJobs(assistant)
    corpus = assistant.settings.corpus_dir
    up = tmp_path / "uploads"
    up.mkdir()
    (up / "lam-dong-hoa.txt").write_text("Một bài khác cùng tên\nNội dung hoàn toàn khác về cà phê Đắk Lắk năm 2022.\n", encoding="utf-8")
    shutil.copy(corpus / "ca-mau-tom.md", up / "copy of ca mau.md")
    (up / "report.pdf").write_bytes(b"%PDF-1.4 ...")
    (up / "big.txt").write_bytes(b"x" * (assistant.settings.max_file_bytes + 1))
    (up / "binary.txt").write_bytes(b"\x00\x01\x02 not text")
    before = (corpus / "lam-dong-hoa.txt").read_bytes()
    lines = jobs.upload(sorted(up.iterdir()))
    assert len(lines) == 5, lines
    assert lines[0].startswith("error: big.txt: 5,242,881 bytes is over the 5,242,880-byte limit"), lines[0]
    assert lines[1].startswith("error: binary.txt: "), lines[1]
    assert lines[2] == "copy of ca mau.md: already in the corpus as ca-mau-tom.md", lines[2]
    assert lines[3] == "added lam-dong-hoa.txt as lam-dong-hoa-2.txt (Một bài khác cùng tên)", lines[3]
    assert lines[4] == "error: report.pdf: only .txt, .md, .html, .htm files can be added", lines[4]
    assert (corpus / "lam-dong-hoa.txt").read_bytes() == before, "an existing article was overwritten"
    assert sorted(p.name for p in corpus.iterdir()) == sorted(
        ["ca-mau-tom.md", "lam-dong-hoa.txt", "lam-dong-hoa-2.txt", "quang-ngai-cang-ca-nfd.txt", "tphcm-hop-tac-bac-trung-bo.txt"]
    )


def test_an_html_upload_becomes_an_answerable_article(tmp_path, e5):
    assistant = make_assistant(tmp_path / "a", e5)
    jobs = ui.CorpusJobs(assistant)
    page = tmp_path / "Bài Điện Biên.html"
    paragraphs = "".join(f"<p>{line}</p>" for line in NEW_ARTICLE.strip().split("\n")[1:])
    page.write_text(
        "<!doctype html><html><head><title>Điện Biên xây dựng mạng lưới trạm quan trắc sương muối</title></head>"
        "<body><nav><a href='/'>Trang chủ</a> <a href='/x'>Thể thao</a></nav><article>"
        "<h1>Điện Biên xây dựng mạng lưới trạm quan trắc sương muối</h1>" + paragraphs.replace("<b>", "&lt;b&gt;").replace("</b>", "&lt;/b&gt;")
        + "</article><footer>Bản quyền</footer></body></html>", encoding="utf-8")
    lines = jobs.upload([page])
    assert lines == ["added Bài Điện Biên.html as dien-bien-xay-dung-mang-luoi-tram-quan-trac-suong-muoi.txt "
                     "(Điện Biên xây dựng mạng lưới trạm quan trắc sương muối)"], lines
    assert jobs.reindex().startswith("indexed 5 articles"), "the HTML article was not indexed"
    answer = assistant.ask(NEW_QUESTION)
    assert "23 trạm" in answer.answer, answer.answer
    assert answer.citations[0].hit.passage.article == "dien-bien-xay-dung-mang-luoi-tram-quan-trac-suong-muoi.txt"


def test_questions_are_answered_while_a_reindex_runs(tmp_path, e5):
    assistant = make_assistant(tmp_path, e5)
    jobs = ui.CorpusJobs(assistant)
    (assistant.settings.corpus_dir / "dien-bien.txt").write_text(NEW_ARTICLE, encoding="utf-8")
    inside, release = threading.Event(), threading.Event()

    def progress(value, desc=""):
        inside.set()
        release.wait(60)  # hold the reindex in the middle of its run

    result = {}
    worker = threading.Thread(target=lambda: result.setdefault("summary", jobs.reindex(progress=progress)))
    worker.start()
    try:
        assert inside.wait(60), "the reindex never reported progress"
        asked = {}
        asker = threading.Thread(target=lambda: asked.setdefault("answer", assistant.ask(NGHE_AN)))
        started = time.monotonic()
        asker.start()
        asker.join(20)
        assert not asker.is_alive(), "a question waited for the reindex"
        assert "2003" in asked["answer"].answer
        assert time.monotonic() - started < 20
        assert not jobs.lock.acquire(blocking=False), "uploads must wait while a reindex runs"
    finally:
        release.set()
        worker.join(120)
    assert result["summary"].startswith("indexed 5 articles"), result
    answer = assistant.ask(NEW_QUESTION)
    assert "23" in answer.answer and answer.citations[0].hit.passage.article == "dien-bien.txt", answer.answer


# -- starting it ---------------------------------------------------------------------------

@pytest.mark.parametrize("how", ["assistant serve", "python ui.py"])
def test_entry_points_serve_at_once_and_build_the_index_behind(tmp_path, how):
    corpus = make_corpus(tmp_path / "corpus", with_fixtures=False)
    port = free_port()
    env = {**os.environ, "ASSISTANT_CORPUS_DIR": str(corpus), "ASSISTANT_INDEX_DIR": str(tmp_path / "index"),
           "ASSISTANT_UI_PORT": str(port)}
    if how == "assistant serve":
        exe = shutil.which("assistant") or str(Path(sys.executable).parent / "assistant")
        cmd = [exe, "serve"]
    else:
        cmd = [sys.executable, str(ROOT / "ui.py")]
    log = tmp_path / "server.log"
    with open(log, "w") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=env, cwd=tmp_path)
    try:
        deadline = time.monotonic() + 180
        while http_status(f"http://127.0.0.1:{port}/config") != 200:
            assert proc.poll() is None, f"{how} exited: {log.read_text()}"
            assert time.monotonic() < deadline, f"{how} did not come up: {log.read_text()}"
            time.sleep(0.5)
        from gradio_client.exceptions import AppError

        api = client(f"http://127.0.0.1:{port}/")
        while True:  # the first build runs behind the page: the API says so until it is done
            try:
                text = api.predict(NGHE_AN, api_name="/chat")
                break
            except AppError as exc:
                assert "Building the index for the first time" in str(exc), exc
                assert time.monotonic() < deadline, log.read_text()
                time.sleep(0.5)
        assert "2003" in text and "[1]" in text, text
        assert "building it from" in log.read_text() and "while the page is served" in log.read_text(), log.read_text()
    finally:
        proc.terminate()
        proc.wait(30)


# -- the real browser ----------------------------------------------------------------------

@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), "install Debian's chromium (scripts/install-test-deps.sh)"
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


def _ask(page, question: str) -> None:
    box = page.locator("#question textarea")
    box.fill(question)
    box.press("Enter")


def _last_answer(page, count: int):
    """The count-th assistant reply once its final form (with sources or nearest passages) is in."""
    page.wait_for_function(
        "n => { const a = document.querySelectorAll('#chat .hd-answer');"
        " return a.length >= n && a[n-1].parentElement.querySelector('.hd-sources, .hd-nearest'); }",
        arg=count, timeout=60_000,
    )
    return page.locator("#chat .hd-answer").nth(count - 1).locator("xpath=..")


def test_browser_chat_sources_provinces_upload_and_reindex(tmp_path, e5, browser):
    assistant = make_assistant(tmp_path, e5)
    with serving(assistant) as url:
        page = browser.new_page(viewport={"width": 1280, "height": 1000})
        page.goto(url)
        page.locator("#question textarea").wait_for()
        assert page.locator("#question textarea").get_attribute("maxlength") == "2000", "the question length limit"
        # record every state of the reply while it streams in
        page.evaluate("""() => { window.seen = [];
            new MutationObserver(() => { const a = document.querySelectorAll('#chat .hd-answer');
              if (a.length) window.seen.push(a[a.length-1].textContent); })
            .observe(document.querySelector('#chat'), {subtree: true, childList: true, characterData: true}); }""")

        # 1. a Vietnamese question: answer with its marker, the source with the supporting sentence highlighted
        _ask(page, NGHE_AN)
        reply = _last_answer(page, 1)
        answer = reply.locator(".hd-answer").inner_text()
        assert "Nghệ An – năm 2003" in answer, answer
        cite = reply.locator("a.hd-cite").first
        assert cite.inner_text() == "[1]"
        target = cite.get_attribute("href")
        source = page.locator(target)
        assert source.locator(".hd-meta").inner_text().startswith(
            "[1] TP.HCM tăng cường hợp tác với các địa phương phía Bắc và Bắc Trung Bộ"), source.inner_text()
        marked = source.locator("mark").inner_text()
        assert "tỉnh Nghệ An – năm 2003" in marked, marked
        partial = [s for s in page.evaluate("window.seen") if s.endswith("…") and "2003" not in s]
        assert partial, "the answer did not stream in (no partial state was ever shown)"

        # 2. a follow-up
        _ask(page, "Còn Hà Tĩnh thì sao?")
        follow = _last_answer(page, 2)
        assert "Hà Tĩnh" in follow.locator("mark").first.inner_text() and "2004" in follow.locator(".hd-answer").inner_text()

        # 3. a question the articles cannot answer
        _ask(page, UNANSWERABLE)
        nothing = _last_answer(page, 3)
        assert nothing.locator(".hd-notfound").inner_text() == NOT_FOUND["vi"]
        assert nothing.locator(".hd-nearest .hd-head").text_content() == "⚠ Đoạn gần nhất — KHÔNG trả lời được câu hỏi, chỉ để tham khảo"
        assert nothing.locator(".hd-nearest .hd-source").count() == 3
        assert nothing.locator("mark").count() == 0

        # 4. the articles tab, an upload and a reindex
        page.get_by_role("tab", name="Bài viết · Articles").click()
        table = page.locator("#articles")
        table.get_by_text("Lâm Đồng và TP.HCM ký thỏa thuận phát triển ngành hoa").wait_for()
        assert "2024-06-05" in table.inner_text()
        upload = tmp_path / NEW_ARTICLE_NAME
        upload.write_text(NEW_ARTICLE, encoding="utf-8")
        page.locator("#upload input[type=file]").set_input_files(str(upload))
        status = page.locator("#status textarea")
        page.wait_for_function("() => document.querySelector('#status textarea').value.startsWith('added ')", timeout=60_000)
        added, indexed = status.input_value().split("\n")
        assert added == (
            f"added {NEW_ARTICLE_NAME} as dien-bien-tram-quan-trac.txt "
            "(Điện Biên xây dựng mạng lưới trạm quan trắc sương muối)"), status.input_value()
        # indexed with the upload (tests/test_ui_articles.py); Reindex then finds nothing to do
        expected = f"indexed 5 articles, {assistant.store().count()} passages: 1 added, 0 updated, 0 removed, 4 unchanged ("
        assert indexed.startswith(expected), status.input_value()
        page.locator("#reindex").click()
        page.wait_for_function("() => document.querySelector('#status textarea').value.startsWith('indexed ')", timeout=120_000)
        expected = f"indexed 5 articles, {assistant.store().count()} passages: 0 added, 0 updated, 0 removed, 5 unchanged ("
        assert status.input_value().startswith(expected), status.input_value()
        table.get_by_text("Điện Biên xây dựng mạng lưới trạm quan trắc sương muối").wait_for()

        # 5. the new article answers, its markup shown as text
        page.get_by_role("tab", name="Hỏi đáp · Chat").click()
        _ask(page, NEW_QUESTION)
        fresh = _last_answer(page, 4)
        assert "23 trạm" in fresh.locator(".hd-answer").inner_text()
        meta = fresh.locator(".hd-source .hd-meta").first.inner_text()
        assert "Điện Biên xây dựng mạng lưới trạm quan trắc sương muối" in meta and "dien-bien-tram-quan-trac.txt" in meta, meta
        folded = fresh.locator("details.hd-folded summary")
        if folded.count():  # the passage repeats the answer: it is folded under its source line
            folded.first.click()
        assert "<b>tự động</b>" in fresh.locator("mark").first.inner_text(), "article markup must show as text"
        assert fresh.locator("b:has-text('tự động')").count() == 0, "article markup was rendered as HTML"

        # 6. the province explorer: passages about a province, and a click asks about it
        page.get_by_role("tab", name="Tỉnh thành · Provinces").click()
        lam_dong = assistant.index.province_counts["Lâm Đồng"]
        assert lam_dong == 3, "lam-dong-hoa.txt has three passages, all about Lâm Đồng through its title"
        page.locator("#province-list label", has_text=f"Lâm Đồng ({lam_dong})").click()
        view = page.locator("#province-passages")
        view.get_by_text("37 vườn ươm hoa công nghệ cao").wait_for()
        assert view.locator(".hd-head").text_content() == f"Lâm Đồng · {lam_dong} đoạn / passages"
        assert set(view.locator("mark").all_inner_texts()) == {"Lâm Đồng"}
        page.locator("#ask-province").click()
        about = _last_answer(page, 5)
        assert page.get_by_role("tab", name="Hỏi đáp · Chat").get_attribute("aria-selected") == "true"
        assert page.locator("#province-filter input").input_value() == f"Lâm Đồng ({lam_dong})"
        assert "Ngày 05/06/2024, UBND tỉnh Lâm Đồng và TP.HCM đã ký thỏa thuận hợp tác" in about.locator(".hd-answer").inner_text()
