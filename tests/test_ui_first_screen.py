"""The first screen and answers at a glance: what is indexed, English questions labelled, no passage
shown twice. Rendering is checked as HTML, then once in a real browser (Chromium via Playwright)."""

from __future__ import annotations

import pytest
from test_ui import _ask, _last_answer, make_assistant, serving
from test_ui import browser as browser  # noqa: PLC0414 (the Chromium fixture, shared)

import ui  # test_ui put the project root on sys.path
from assistant.chain import Overview

EN_DESCRIPTIVE = "What areas does Ho Chi Minh City cooperate with Ha Tinh in?"
EN_YEAR = "In which year did Nghe An start cooperating with Ho Chi Minh City?"
VI_YEAR = "Nghệ An ký kết hợp tác với TP.HCM từ năm nào?"


def test_overview_of_the_seed_and_fixture_articles(built):
    overview = built.overview()
    assert (overview.articles, overview.passages) == (4, 29), overview
    # the seed article carries no date; the fixture articles are dated 2024-06-05 ... 2025-09-12
    assert (overview.first_date, overview.last_date) == ("2024-06-05", "2025-09-12"), overview
    assert overview.provinces[:3] == [("TP.HCM", 24), ("Lâm Đồng", 3), ("Quảng Ngãi", 3)], overview.provinces
    assert len(overview.provinces) == 13


def test_overview_html_says_counts_dates_and_the_provinces_most_written_about():
    provinces = [(f"Tỉnh {i}", 20 - i) for i in range(10)] + [("<b>X</b>", 1)]
    out = ui.overview_html(Overview(38, 600, "2025-11-18", "2026-01-01", provinces))
    assert "<b>38 bài viết · 38 articles</b> · 600 đoạn · passages · 18/11/2025 – 01/01/2026" in out, out
    assert "Tỉnh 0 (20), Tỉnh 1 (19)" in out and "Tỉnh 7 (13) … +3" in out, out
    assert "<b>X</b>" not in out  # names are escaped (and this one is past the first eight anyway)
    one = ui.overview_html(Overview(1, 21, "", "", []))
    assert "<b>1 bài viết · 1 article</b> · 21 đoạn · passages</div>" in one, one
    assert "Chưa có bài viết nào" in ui.overview_html(Overview(0, 0))


def test_english_question_labels_the_vietnamese_quote(built):
    english = ui.answer_html(built.ask(EN_YEAR), "t1")
    assert '<div class="hd-quoted">From the article, in Vietnamese' in english, english
    assert '<div lang="vi">' in english
    vietnamese = ui.answer_html(built.ask(VI_YEAR), "t2")
    assert "hd-quoted" not in vietnamese and "Nguồn" in vietnamese


def test_a_passage_the_answer_quotes_whole_is_folded_in_the_sources(built):
    answer = built.ask(EN_DESCRIPTIVE)
    passage = answer.citations[0].hit.passage
    assert " ".join(passage.text.split()) in " ".join(answer.answer.split()), "this question's answer is its passage"
    out = ui.answer_html(answer, "t1")
    assert '<details class="hd-folded"><summary>The passage (the same text as the answer above)</summary>' in out, out
    short = ui.answer_html(built.ask(VI_YEAR), "t2")
    assert "<details" not in short, "a one-sentence answer keeps its passage open for context"


def test_browser_first_screen_shows_what_is_indexed_and_labels_english_answers(tmp_path, e5, browser):
    assistant = make_assistant(tmp_path, e5)
    with serving(assistant) as url:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(url)
        overview = page.locator("#overview")
        overview.wait_for(timeout=60_000)
        text = overview.inner_text()
        assert "4 bài viết · 4 articles" in text and "05/06/2024 – 12/09/2025" in text, text
        assert "TP.HCM (24)" in text, text
        box = overview.bounding_box()
        assert box is not None and box["y"] + box["height"] < 900, "the overview must be on the first screen"

        # the example questions are in the empty chat, on the first screen, and a click asks
        examples = page.locator("#chat .example")
        examples.first.wait_for(timeout=30_000)
        shown = [examples.nth(i).inner_text().strip() for i in range(examples.count())]
        assert shown == ui.FIRST_SCREEN_EXAMPLES, shown
        box = examples.last.bounding_box()
        assert box is not None and box["y"] + box["height"] < 900, "the examples must be on the first screen"
        examples.first.click()
        first = _last_answer(page, 1)
        assert "2003" in first.locator(".hd-answer").inner_text(), first.inner_text()

        _ask(page, EN_DESCRIPTIVE)
        reply = _last_answer(page, 2)
        label = reply.locator(".hd-quoted")
        assert label.inner_text().startswith("From the article, in Vietnamese"), label.inner_text()
        assert reply.locator('.hd-answer [lang="vi"]').count() == 1
        folded = reply.locator("details.hd-folded")
        assert folded.count() == 1
        assert not folded.locator(".hd-passage").is_visible(), "the repeated passage starts folded"
        folded.locator("summary").click()
        assert folded.locator(".hd-passage").is_visible()
        page.close()


if __name__ == "__main__":  # pragma: no cover
    pytest.main([__file__])


def test_browser_building_page_is_served_while_the_first_index_builds(tmp_path, e5, browser):
    import time
    import urllib.request

    from test_faults_store import twelve_articles

    from assistant.chain import Assistant
    from assistant.settings import Settings

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    twelve_articles(corpus)  # 252 passages: several seconds of embedding
    settings = Settings.from_env(environ={}, corpus_dir=corpus, index_dir=tmp_path / "index")
    assistant = Assistant(settings, embeddings=e5)
    started = time.monotonic()
    build = ui.first_build_if_needed(assistant)
    assert build is not None and build.running
    with serving(assistant, build=build) as url:
        with urllib.request.urlopen(url, timeout=30) as response:
            assert response.status == 200
        assert build.running, "the page must be up before the build ends (test corpus too small?)"
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(url)
        overview = page.locator("#overview")
        overview.wait_for(timeout=60_000)
        assert "Đang lập chỉ mục lần đầu" in overview.inner_text(), overview.inner_text()
        assert "Building the index for the first time" in overview.inner_text()
        if build.running:
            _ask(page, VI_YEAR)
            page.wait_for_selector("#chat .hd-building", timeout=30_000)
        build.done.wait(timeout=300)
        assert not build.error, build.error
        page.wait_for_function("() => document.querySelector('#overview').innerText.includes('12 bài viết')",
                               timeout=30_000)
        assert time.monotonic() - started < 300
        _ask(page, "TP.HCM03 ký kết hợp tác với Nghệ An từ năm nào?")
        # (the building reply is not kept in the conversation, so count answers by their text)
        page.locator("#chat .hd-answer", has_text="2003").wait_for(timeout=60_000)
        page.close()
