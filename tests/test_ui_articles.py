"""The Articles tab managing the corpus, in a real browser (Debian's chromium via Playwright) over a
real index (real e5, real Chroma): searching the list, deleting with a confirmation, uploads indexed
at once with visible progress, and files changed behind the UI's back shown as pending."""

from __future__ import annotations

import contextlib
import re
import shutil

import pytest
from conftest import FIXTURE_CORPUS, make_corpus
from test_faults_ui import _record_corpus_controls, _wait_status
from test_ui import _ask, _last_answer, make_assistant, serving
from test_ui import browser as browser  # noqa: PLC0414 (the Chromium fixture, shared)

import ui  # test_ui put the project root on sys.path
from assistant.chain import Assistant
from assistant.settings import Settings
from assistant.text import nfc

QUANG_NGAI = "quang-ngai-cang-ca-nfd.txt"
QUANG_NGAI_TITLE = "Quảng Ngãi mở rộng cảng cá Sa Huỳnh"
# only quang-ngai-cang-ca-nfd.txt answers it (586 tỷ đồng)
QUANG_NGAI_QUESTION = "Dự án mở rộng cảng cá Sa Huỳnh có tổng vốn bao nhiêu?"
HA_TINH = "Hà Tĩnh khánh thành nhà máy nước Cẩm Xuyên\nNhà máy nước Cẩm Xuyên công suất 24.000 m3 mỗi ngày đi vào hoạt động.\n"
PENDING = ui.ARTICLE_STATES["pending"]
INDEXED = ui.ARTICLE_STATES["indexed"]
SEARCH = "#article-search :is(input, textarea)"


@pytest.fixture
def serve_app():
    """A function serving an Assistant's app on a free port, returning its URL; closed after the test."""
    with contextlib.ExitStack() as apps:
        yield lambda assistant: apps.enter_context(serving(assistant))


def _open_articles(browser, url: str):
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    page.goto(url)
    page.get_by_role("tab", name="Bài viết · Articles").click()
    page.locator(SEARCH).wait_for()
    return page


def _column(page, col: int) -> list[str]:
    return page.evaluate(
        "col => Array.from(document.querySelectorAll(`#articles [role=gridcell][data-col='${col}']`))"
        ".map(e => e.innerText.trim())", col)


def _wait_files(page, files: list[str]) -> None:
    """Wait until the table lists exactly these files (in any order)."""
    page.wait_for_function(
        "want => { const got = Array.from(document.querySelectorAll(\"#articles [role=gridcell][data-col='3']\"))"
        ".map(e => e.innerText.trim()).sort(); return JSON.stringify(got) === JSON.stringify(want); }",
        arg=sorted(files), timeout=60_000)


def _states(page) -> dict[str, str]:
    """File -> state as the table shows them."""
    return dict(zip(_column(page, 3), _column(page, 4)))


def _search(page, query: str) -> None:
    page.locator(SEARCH).fill(query)


# -- pure functions ------------------------------------------------------------------------

def test_the_search_ignores_accents_case_and_word_order():
    rows = [["Hà Tĩnh khánh thành nhà máy nước", "", 1, "ha-tinh.txt", INDEXED],
            ["Đắk Lắk trồng cà phê", "", 2, "cafe.md", INDEXED],
            ["bai-khong-tieu-de.txt", "", None, "bai-khong-tieu-de.txt", PENDING]]
    assert ui._filter_articles(rows, "ha tinh") == rows[:1]
    assert ui._filter_articles(rows, "  HÀ   TĨNH ") == rows[:1]
    assert ui._filter_articles(rows, "nuoc tinh") == rows[:1], "every word, in any order"
    assert ui._filter_articles(rows, "dak lak") == rows[1:2], "đ is folded to d"
    assert ui._filter_articles(rows, "CAFE.MD") == rows[1:2], "the file name is searched too"
    assert ui._filter_articles(rows, "khong tieu") == rows[2:]
    assert ui._filter_articles(rows, "ha tinh cafe") == []
    assert ui._filter_articles(rows, "") == rows and ui._filter_articles(rows, None) == rows
    assert ui._articles_note(rows, rows[:1]) == f"1/3 bài viết · articles · 1 {PENDING}"


def test_delete_only_takes_names_of_the_listed_articles(tmp_path, e5):
    assistant = make_assistant(tmp_path / "a", e5)
    jobs = ui.CorpusJobs(assistant)
    corpus = assistant.settings.corpus_dir
    outside = tmp_path / "outside.txt"
    outside.write_text(HA_TINH, encoding="utf-8")
    before = sorted(p.name for p in corpus.iterdir())
    for name in ("../outside.txt", str(outside), str(corpus / QUANG_NGAI), f"./{QUANG_NGAI}", "", "."):
        assert jobs.delete(name) == f"error: {name}: not in the article list (it may have been removed already)"
    assert outside.exists() and sorted(p.name for p in corpus.iterdir()) == before
    assert QUANG_NGAI in assistant.store().article_records()


# -- the browser ---------------------------------------------------------------------------

def test_browser_search_filters_the_article_list(tmp_path, e5, browser, serve_app):
    assistant = make_assistant(tmp_path, e5)
    (assistant.settings.corpus_dir / "tin-ha-tinh.txt").write_text(HA_TINH, encoding="utf-8")
    assistant.reindex()
    page = _open_articles(browser, serve_app(assistant))
    everything = ["ca-mau-tom.md", "lam-dong-hoa.txt", QUANG_NGAI, "tin-ha-tinh.txt", "tphcm-hop-tac-bac-trung-bo.txt"]
    _wait_files(page, everything)
    assert page.locator("#article-note").inner_text() == "5/5 bài viết · articles"
    _search(page, "ha tinh")  # no accents: finds "Hà Tĩnh"
    _wait_files(page, ["tin-ha-tinh.txt"])
    assert _column(page, 0) == ["Hà Tĩnh khánh thành nhà máy nước Cẩm Xuyên"]
    assert page.locator("#article-note").inner_text() == "1/5 bài viết · articles"
    _search(page, "QUẢNG ngai")
    _wait_files(page, [QUANG_NGAI])
    _search(page, "tom.md")  # a file name
    _wait_files(page, ["ca-mau-tom.md"])
    _search(page, "phía bắc trung bo")  # words of a title, any accents
    _wait_files(page, ["tphcm-hop-tac-bac-trung-bo.txt"])
    _search(page, "Hà Nội")
    _wait_files(page, [])
    assert page.locator("#article-note").inner_text() == "0/5 bài viết · articles"
    _search(page, "")
    _wait_files(page, everything)


def test_browser_delete_asks_first_then_removes_the_article_everywhere(tmp_path, e5, browser, serve_app):
    assistant = make_assistant(tmp_path, e5)
    corpus = assistant.settings.corpus_dir
    page = _open_articles(browser, serve_app(assistant))
    _wait_files(page, ["ca-mau-tom.md", "lam-dong-hoa.txt", QUANG_NGAI, "tphcm-hop-tac-bac-trung-bo.txt"])

    # before: only this article answers the question
    page.get_by_role("tab", name="Hỏi đáp · Chat").click()
    _ask(page, QUANG_NGAI_QUESTION)
    before = nfc(_last_answer(page, 1).inner_text())  # the article is NFD
    assert "586 tỷ đồng" in before and QUANG_NGAI in before, before
    page.get_by_role("tab", name="Bài viết · Articles").click()

    # Delete with nothing chosen says what to do and asks nothing
    page.locator("#delete").click()
    assert _wait_status(page, "v.startsWith('Chọn')", 30_000) == (
        "Chọn một bài viết để xóa (bấm vào một dòng) · Pick an article to delete (click a row)")
    assert not page.locator("#confirm-delete").is_visible()

    # a row click chooses the article; Delete asks; Cancel keeps it
    _search(page, "quang ngai")
    _wait_files(page, [QUANG_NGAI])
    page.locator("#articles [role=gridcell]", has_text=QUANG_NGAI_TITLE).first.click()
    page.wait_for_function(f"() => document.querySelector('#delete-target input').value.endsWith('{QUANG_NGAI}')",
                           timeout=30_000)
    assert page.locator("#delete-target input").input_value() == f"{QUANG_NGAI_TITLE} · {QUANG_NGAI}"
    page.locator("#delete").click()
    question = page.locator("#delete-question")
    question.get_by_text(QUANG_NGAI_TITLE).wait_for(timeout=30_000)
    assert question.inner_text().startswith(f"Xóa {QUANG_NGAI_TITLE} ({QUANG_NGAI}) khỏi thư mục bài viết và chỉ mục?")
    assert page.locator("#confirm-delete").inner_text() == "Xác nhận xóa · Confirm delete"
    assert (corpus / QUANG_NGAI).exists(), "deleted before the confirmation"
    page.locator("#cancel-delete").click()
    assert _wait_status(page, "v.startsWith('Đã hủy')", 30_000) == "Đã hủy: không xóa gì · Cancelled: nothing was deleted"
    page.locator("#confirm-delete").wait_for(state="hidden", timeout=30_000)
    assert (corpus / QUANG_NGAI).exists() and QUANG_NGAI in assistant.store().article_records()
    assert _column(page, 3) == [QUANG_NGAI]

    # Delete again and confirm: gone from the list, the folder and the index
    page.locator("#delete").click()
    page.locator("#confirm-delete").click()
    status = _wait_status(page, "v.startsWith('removed ')")
    removed, indexed = status.split("\n")
    assert removed == f"removed {QUANG_NGAI} ({QUANG_NGAI_TITLE})", status
    assert re.fullmatch(r"indexed 3 articles, \d+ passages: 0 added, 0 updated, 1 removed, 3 unchanged \(.*\)", indexed), status
    _wait_files(page, [])  # the search "quang ngai" is still on
    assert page.locator("#delete-target input").input_value() == "", "the deleted article is still chosen"
    _search(page, "")
    _wait_files(page, ["ca-mau-tom.md", "lam-dong-hoa.txt", "tphcm-hop-tac-bac-trung-bo.txt"])
    assert not (corpus / QUANG_NGAI).exists()
    assert sorted(p.name for p in corpus.iterdir()) == ["ca-mau-tom.md", "lam-dong-hoa.txt", "tphcm-hop-tac-bac-trung-bo.txt"]
    assert QUANG_NGAI not in assistant.store().article_records()
    assert page.locator("#reindex").is_enabled() and page.locator("#delete").is_enabled()

    # after: the same question no longer finds it
    page.get_by_role("tab", name="Hỏi đáp · Chat").click()
    _ask(page, QUANG_NGAI_QUESTION)
    after = nfc(_last_answer(page, 2).inner_text())
    assert "586 tỷ đồng" not in after and QUANG_NGAI not in after and "Sa Huỳnh" not in after, after


def test_browser_upload_indexes_at_once_with_progress(tmp_path, e5, browser, serve_app):
    # the seed article alone; a fixture article is uploaded
    settings = Settings.from_env(environ={}, corpus_dir=make_corpus(tmp_path / "corpus", with_fixtures=False),
                                 index_dir=tmp_path / "index")
    assistant = Assistant(settings, embeddings=e5)
    assistant.reindex()
    upload = tmp_path / "up" / "Quảng Ngãi cảng cá.txt"
    upload.parent.mkdir()
    shutil.copy(FIXTURE_CORPUS / QUANG_NGAI, upload)
    page = _open_articles(browser, serve_app(assistant))
    _wait_files(page, ["tphcm-hop-tac-bac-trung-bo.txt"])
    _record_corpus_controls(page)
    page.locator("#upload input[type=file]").set_input_files(str(upload))
    status = _wait_status(page, "v.startsWith('added ')")
    added, indexed = status.split("\n")
    assert added == f"added {upload.name} as quang-ngai-cang-ca.txt ({QUANG_NGAI_TITLE})", status
    assert re.fullmatch(r"indexed 2 articles, \d+ passages: 1 added, 0 updated, 0 removed, 1 unchanged \(.*\)", indexed), status
    # the progress was shown: the file being added, then the articles being indexed
    shown = [s["progress"] for s in page.evaluate("window.seen")]
    assert any(f"adding {upload.name}" in s for s in shown), sorted(set(shown))
    assert any(re.search(r"2/2 steps.*\n?.*indexing quang-ngai-cang-ca.txt", s, re.DOTALL) for s in shown), sorted(set(shown))
    _wait_files(page, ["quang-ngai-cang-ca.txt", "tphcm-hop-tac-bac-trung-bo.txt"])
    assert _states(page) == {"quang-ngai-cang-ca.txt": INDEXED, "tphcm-hop-tac-bac-trung-bo.txt": INDEXED}
    page.wait_for_function("() => !document.querySelector('#reindex').disabled", timeout=30_000)
    # answerable without pressing Reindex
    page.get_by_role("tab", name="Hỏi đáp · Chat").click()
    _ask(page, QUANG_NGAI_QUESTION)
    reply = nfc(_last_answer(page, 1).inner_text())  # the article is NFD
    assert "586 tỷ đồng" in reply and "quang-ngai-cang-ca.txt" in reply, reply


def test_browser_files_changed_behind_the_ui_show_as_pending(tmp_path, e5, browser, serve_app):
    assistant = make_assistant(tmp_path, e5)
    corpus = assistant.settings.corpus_dir
    url = serve_app(assistant)
    page = _open_articles(browser, url)
    _wait_files(page, ["ca-mau-tom.md", "lam-dong-hoa.txt", QUANG_NGAI, "tphcm-hop-tac-bac-trung-bo.txt"])
    assert set(_states(page).values()) == {INDEXED}
    # behind the UI's back: a new file, a changed one, a deleted one
    (corpus / "tin-ha-tinh.txt").write_text(HA_TINH, encoding="utf-8")
    with open(corpus / "lam-dong-hoa.txt", "a", encoding="utf-8") as fh:
        fh.write("Một đoạn mới được thêm vào cuối bài, năm 2025.\n")
    (corpus / "ca-mau-tom.md").unlink()
    page.reload()
    page.get_by_role("tab", name="Bài viết · Articles").click()
    _wait_files(page, ["ca-mau-tom.md", "lam-dong-hoa.txt", QUANG_NGAI, "tin-ha-tinh.txt", "tphcm-hop-tac-bac-trung-bo.txt"])
    assert _states(page) == {
        "tin-ha-tinh.txt": PENDING, "lam-dong-hoa.txt": PENDING, "ca-mau-tom.md": ui.ARTICLE_STATES["missing"],
        QUANG_NGAI: INDEXED, "tphcm-hop-tac-bac-trung-bo.txt": INDEXED}
    # those needing attention first, newest first (undated last)
    assert _column(page, 3)[:3] == ["lam-dong-hoa.txt", "ca-mau-tom.md", "tin-ha-tinh.txt"], _column(page, 3)
    rows = dict(zip(_column(page, 3), _column(page, 0)))
    assert rows["tin-ha-tinh.txt"] == "Hà Tĩnh khánh thành nhà máy nước Cẩm Xuyên", "the pending file's title"
    assert dict(zip(_column(page, 3), _column(page, 2)))["tin-ha-tinh.txt"] == "", "passages of an unindexed file"
    assert page.locator("#article-note").inner_text() == f"5/5 bài viết · articles · 2 {PENDING}"
    # Reindex takes them in
    page.locator("#reindex").click()
    line = _wait_status(page, "v.startsWith('indexed ')")
    assert re.fullmatch(r"indexed 4 articles, \d+ passages: 1 added, 1 updated, 1 removed, 2 unchanged \(.*\)", line), line
    _wait_files(page, ["lam-dong-hoa.txt", QUANG_NGAI, "tin-ha-tinh.txt", "tphcm-hop-tac-bac-trung-bo.txt"])
    assert set(_states(page).values()) == {INDEXED}
    assert page.locator("#article-note").inner_text() == "4/4 bài viết · articles"
