"""Faults of the web UI, reproduced for real: progress and controls during a long reindex, refused
uploads, a damaged index, login hammering and logout, malformed settings at start-up.

The app is launched in-process on a free loopback port over a real index (real e5, real Chroma)
and driven through HTTP, gradio_client and a real browser (Debian's chromium via Playwright)."""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from conftest import ROOT
from test_ui import NGHE_AN, client, make_assistant, serving
from test_ui import browser as browser  # noqa: PLC0414 (the Chromium fixture, shared)

import ui  # test_ui put the project root on sys.path
from assistant.settings import Settings

PASSWORD = "s3cret-pass"
STEPS = re.compile(r"(\d+)/(\d+) steps")


def _articles(folder: Path, count: int, first: int = 0) -> list[Path]:
    """`count` distinct articles of twelve paragraphs each: enough passages for several embedding batches."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(first, first + count):
        body = "\n\n".join(
            f"Đoạn {j} của bài {i}: năm {2000 + j}, tỉnh Hà Giang trồng thêm {j * 7 + i} héc-ta chè shan tuyết "
            "cổ thụ trên núi cao, giúp người dân tăng thu nhập." for j in range(12))
        path = folder / f"ha-giang-che-{i}.txt"
        path.write_text(f"Hà Giang mở rộng vùng chè shan tuyết, phần {i}\n{body}\n", encoding="utf-8")
        paths.append(path)
    return paths


def _record_corpus_controls(page) -> None:
    """Record, at every change of the page, the status box's progress text and the controls' state."""
    page.evaluate("""() => { window.seen = [];
        new MutationObserver(() => {
          const tracker = document.querySelector('#status [data-testid=status-tracker]');
          window.seen.push({progress: tracker && !tracker.classList.contains('hide') ? tracker.innerText : '',
                            reindex_disabled: document.querySelector('#reindex').disabled,
                            upload_open: !!document.querySelector('#upload input[type=file]')});
        }).observe(document.body, {subtree: true, childList: true, characterData: true, attributes: true}); }""")


def _wait_status(page, js_test: str, timeout: float = 120_000) -> str:
    page.wait_for_function(f"() => {{ const v = document.querySelector('#status textarea').value; return {js_test}; }}",
                           timeout=timeout)
    return page.locator("#status textarea").input_value()


def _upload(page, *paths: Path) -> None:
    page.locator("#upload input[type=file]").set_input_files([str(p) for p in paths])


# -- progress, and the controls while a corpus job runs ------------------------------------

def test_a_real_gr_progress_sees_every_upload_and_reindex_step(tmp_path, e5, monkeypatch):
    # gr.Progress is falsy (len() 0), so `if progress:` skipped every update: use the real class
    import gradio as gr

    seen = []
    monkeypatch.setattr(gr.Progress, "_progress_callback",
                        staticmethod(lambda: lambda tracked: seen.append((tracked[-1].index, tracked[-1].length))))
    assistant = make_assistant(tmp_path / "a", e5)
    jobs = ui.CorpusJobs(assistant)
    jobs.upload(_articles(tmp_path / "up", 3), progress=gr.Progress())
    assert seen == [(0, 3), (1, 3), (2, 3)], seen
    seen.clear()
    assert jobs.reindex(progress=gr.Progress()).startswith("indexed 7 articles")
    assert seen == [(n, 7) for n in range(1, 8)], f"not one step per article, in order: {seen}"


def test_browser_reindex_progress_advances_and_the_controls_wait_for_it(tmp_path, e5, browser):
    assistant = make_assistant(tmp_path, e5)
    _articles(assistant.settings.corpus_dir, 8)  # 96 new passages: two embedding batches
    with serving(assistant) as url:
        page = browser.new_page()
        page.goto(url)
        page.get_by_role("tab", name="Bài viết · Articles").click()
        page.locator("#reindex").wait_for()
        assert page.locator("#logout").count() == 0, "a logout button without a login"
        _record_corpus_controls(page)
        page.locator("#reindex").click()
        line = _wait_status(page, "v.startsWith('indexed ')")
        assert line.startswith("indexed 12 articles"), line
        page.wait_for_function("() => !document.querySelector('#reindex').disabled", timeout=30_000)
        assert page.locator("#upload input[type=file]").count() == 1, "the upload control stayed disabled"
        seen = page.evaluate("window.seen")
        steps = [tuple(map(int, m.groups())) for m in (STEPS.search(s["progress"]) for s in seen) if m]
        done = [n for n, total in steps if total == 12]
        assert done and max(done) > 0, f"the progress never moved: {sorted({s['progress'] for s in seen})}"
        assert done == sorted(done), f"the progress went backwards: {done}"
        running = [s for s in seen if re.search(r"queue|processing|steps", s["progress"])]
        assert running and all(s["reindex_disabled"] and not s["upload_open"] for s in running), (
            "Reindex or the upload control could be used while a reindex ran")

        # an upload disables them too, and gives them back
        page.evaluate("window.seen = []")
        _upload(page, *_articles(tmp_path / "more", 2, first=8))
        assert _wait_status(page, "v.startsWith('added ')").count("added ") == 2
        page.wait_for_function("() => !document.querySelector('#reindex').disabled", timeout=30_000)
        assert any(s["reindex_disabled"] and not s["upload_open"] for s in page.evaluate("window.seen")), (
            "Reindex stayed clickable while an upload ran")


def test_browser_every_upload_outcome_replaces_the_status_line(tmp_path, e5, browser):
    # a small article limit keeps the files small: Gradio's own cap is 4 x 20,000 bytes
    assistant = make_assistant(tmp_path, e5, max_file_bytes=20_000)
    up = tmp_path / "up"
    good = _articles(up, 3)
    (up / "report.pdf").write_bytes(b"%PDF-1.4 ...")
    (up / "big.txt").write_text("Một bài quá dài\n" + "chữ " * 8_000, encoding="utf-8")  # 32 kB
    (up / "huge.txt").write_text("Một bài rất dài\n" + "chữ " * 25_000, encoding="utf-8")  # 100 kB
    with serving(assistant) as url:
        page = browser.new_page()
        page.goto(url)
        page.get_by_role("tab", name="Bài viết · Articles").click()
        _upload(page, good[0])
        assert _wait_status(page, "v.startsWith('added ')").startswith("added ha-giang-che-0.txt as ")
        _upload(page, up / "report.pdf")
        assert _wait_status(page, "v.startsWith('error')") == "error: report.pdf: only .txt, .md, .html, .htm files can be added"
        _upload(page, good[1])
        assert _wait_status(page, "v.startsWith('added ')").startswith("added ha-giang-che-1.txt as ")
        _upload(page, up / "big.txt")
        line = _wait_status(page, "v.startsWith('error')")
        assert line.startswith("error: big.txt: ") and "20,000-byte limit" in line, line
        _upload(page, good[2])
        _wait_status(page, "v.startsWith('added ')")
        # refused by the browser itself (over Gradio's cap): the server never hears of it
        _upload(page, up / "huge.txt")
        page.locator(".toast-body", has_text="huge.txt").wait_for(timeout=30_000)
        assert page.locator("#status textarea").input_value() == "", "the previous upload's line stayed"
        # the same outcome twice in a row, a browser refusal in between, still shows
        _upload(page, up / "report.pdf")
        _wait_status(page, "v.startsWith('error: report.pdf')")
        _upload(page, up / "huge.txt")
        page.wait_for_function("() => document.querySelector('#status textarea').value === ''", timeout=30_000)
        _upload(page, up / "report.pdf")
        _wait_status(page, "v.startsWith('error: report.pdf')", timeout=30_000)


# -- a damaged index -----------------------------------------------------------------------

def _damage(assistant) -> None:
    """Replace the index folder with a file, as a user pointing ASSISTANT_INDEX_DIR at one would."""
    index_dir = assistant.settings.index_dir
    shutil.rmtree(index_dir)
    index_dir.write_text("not an index\n", encoding="utf-8")


def _message_of(fn) -> str:
    with pytest.raises(Exception) as caught:
        fn()
    return str(caught.value)


def test_library_errors_reach_api_callers_as_their_message(tmp_path, e5, capfd):
    from gradio_client.exceptions import AppError

    assistant = make_assistant(tmp_path, e5)
    with serving(assistant) as url:
        api = client(url)
        with pytest.raises(AppError, match="^the question is empty$"):
            api.predict("", api_name="/chat")
        with pytest.raises(AppError, match="^the question is empty$"):
            api.predict(None, api_name="/chat")
        _damage(assistant)
        expected = _message_of(lambda: assistant.ask(NGHE_AN))
        assert str(assistant.settings.index_dir) in expected, expected
        with pytest.raises(AppError) as caught:
            api.predict(NGHE_AN, api_name="/chat")
        assert str(caught.value) == expected, f"not the library's message: {caught.value}"
    assert "Traceback" not in capfd.readouterr().err, "an expected error printed a traceback in the server log"


def test_browser_damaged_index_shows_its_message_and_gives_the_controls_back(tmp_path, e5, browser):
    assistant = make_assistant(tmp_path, e5)
    with serving(assistant) as url:
        page = browser.new_page()
        page.goto(url)
        page.locator("#question textarea").wait_for()
        # the first screen loads the read side (and saves it beside the index): damage it after that
        page.locator("#overview", has_text="bài viết").wait_for(timeout=60_000)
        _damage(assistant)
        asked = _message_of(lambda: assistant.ask(NGHE_AN))
        indexed = _message_of(lambda: ui.CorpusJobs(assistant).reindex())

        page.locator("#question textarea").fill(NGHE_AN)
        page.locator("#question textarea").press("Enter")
        warning = page.locator("#chat .hd-warning")
        warning.wait_for(timeout=60_000)
        assert warning.inner_text() == f"Lỗi: {asked}", warning.inner_text()

        page.get_by_role("tab", name="Bài viết · Articles").click()
        page.locator("#reindex").click()
        assert _wait_status(page, "v.startsWith('error')") == f"error: {indexed}"
        page.wait_for_function("() => !document.querySelector('#reindex').disabled", timeout=30_000)
        assert page.locator("#upload input[type=file]").count() == 1, "the upload control stayed disabled"
        # the article list cannot be refreshed either: its toast says why, not a bare "Error"
        page.locator(".toast-body", has_text=str(assistant.settings.index_dir)).first.wait_for(timeout=30_000)


# -- login ---------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def secured(tmp_path_factory, e5):
    """URL of an app that asks for the login ana / PASSWORD."""
    assistant = make_assistant(tmp_path_factory.mktemp("secured"), e5, ui_auth=f"ana:{PASSWORD}")
    with serving(assistant) as url:
        yield url


def _login(url: str, password: str, **headers) -> httpx.Response:
    return httpx.post(url + "login", data={"username": "ana", "password": password}, headers=headers, timeout=30)


def test_login_hammering_is_refused_until_the_wait_is_over(secured, monkeypatch):
    url = secured
    assert _login(url, PASSWORD).status_code == 200
    # 50 wrong passwords at once, from one client: only the free attempts are heard. The first
    # wait is stretched to 30 s here so that a loaded machine taking over 1 s for the 50 cannot
    # let a late one through legitimately
    monkeypatch.setattr(ui, "LOGIN_FIRST_WAIT", 30.0)
    with ThreadPoolExecutor(16) as pool:
        codes = list(pool.map(lambda _: _login(url, "wrong").status_code, range(50)))
    assert codes.count(400) == ui.LOGIN_FREE and codes.count(429) == 50 - ui.LOGIN_FREE, codes
    refused = _login(url, PASSWORD)  # even the right password waits: it is not checked at all
    assert refused.status_code == 429, refused.text
    assert int(refused.headers["retry-after"]) in range(25, 31), refused.headers
    assert refused.json() == {"detail": f"too many failed logins: try again in {refused.headers['retry-after']} s"}
    monkeypatch.setattr(ui, "LOGIN_FIRST_WAIT", 1.0)

    time.sleep(1.1)
    assert _login(url, "wrong").status_code == 400  # heard again once the wait is over
    doubled = _login(url, "wrong")
    assert doubled.status_code == 429 and doubled.headers["retry-after"] == "2", (doubled.status_code, doubled.headers)

    time.sleep(2.1)
    ok = _login(url, PASSWORD)
    assert ok.status_code == 200, ok.text
    assert httpx.get(url + "config", cookies=ok.cookies, timeout=30).status_code == 200
    # a success starts the count again
    assert [_login(url, "wrong").status_code for _ in range(ui.LOGIN_FREE)] == [400] * ui.LOGIN_FREE
    time.sleep(1.1)
    assert _login(url, PASSWORD).status_code == 200
    # gradio_client logs in through the same route
    assert "2003" in client(url, auth=("ana", PASSWORD)).predict(NGHE_AN, api_name="/chat")


def test_login_hammering_from_claimed_addresses_is_refused_too(secured, monkeypatch):
    # uvicorn believes X-Forwarded-For from 127.0.0.1, so one local client can claim many addresses
    url = secured
    monkeypatch.setattr(ui, "LOGIN_FIRST_WAIT", 30.0)  # no legitimate expiry on a slow machine
    codes = [_login(url, "wrong", **{"X-Forwarded-For": f"10.0.{i // 250}.{i % 250 + 1}"}).status_code
             for i in range(ui.LOGIN_FREE_ALL + 5)]
    assert codes == [400] * ui.LOGIN_FREE_ALL + [429] * 5, codes
    monkeypatch.setattr(ui, "LOGIN_FIRST_WAIT", 1.0)
    time.sleep(1.1)
    assert _login(url, PASSWORD).status_code == 200


def test_browser_login_page_explains_the_wait_and_logout_logs_out(secured, browser):
    page = browser.new_page()
    page.goto(secured)
    page.get_by_text("After 3 failed logins, wait before trying again (1 s, then doubling, up to 60 s)").wait_for()
    page.get_by_label("username").fill("ana")
    page.get_by_label("password").fill(PASSWORD)
    page.get_by_role("button", name="Login").click()
    page.locator("#question textarea").wait_for(timeout=60_000)
    logout = page.locator("#logout")
    assert logout.inner_text().strip() == "Đăng xuất · Log out"
    assert page.evaluate("fetch('config').then(r => r.status)") == 200
    logout.click()
    page.get_by_label("password").wait_for(timeout=30_000)
    assert page.url == secured, page.url
    assert page.evaluate("fetch('config').then(r => r.status)") == 401, "still logged in after logging out"


def _throttled(clock):
    """A LoginThrottle in front of an app that accepts the password "right", on a fake clock."""

    async def gradio_login(scope, receive, send):
        await send({"type": "http.response.start", "status": 200 if scope["password"] == "right" else 400, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    throttle = ui.LoginThrottle(gradio_login, clock=clock)

    def attempt(password: str, client: str = "10.0.0.1") -> int:
        sent = []

        async def send(message):
            sent.append(message)

        scope = {"type": "http", "method": "POST", "path": "/login", "client": (client, 1234), "password": password}
        asyncio.run(throttle(scope, None, send))
        return sent[0]["status"]

    return throttle, attempt


def test_login_wait_doubles_per_failure_up_to_the_cap_and_is_forgotten():
    now = [1000.0]
    throttle, attempt = _throttled(lambda: now[0])
    assert [attempt("wrong") for _ in range(3)] == [400, 400, 400]
    waits = []
    for _ in range(9):
        waits.append(throttle.retry_after("10.0.0.1"))
        assert attempt("right") == 429
        now[0] += waits[-1]
        assert attempt("wrong") == 400
    assert waits == [1, 2, 4, 8, 16, 32, 60, 60, 60], waits
    assert attempt("wrong", client="10.0.0.2") == 400, "another client paid for this one's failures"
    now[0] += ui.LOGIN_FORGET_AFTER + 1
    assert throttle.retry_after("10.0.0.1") == 0
    assert [attempt("wrong") for _ in range(3)] == [400, 400, 400], "old failures still counted"
    now[0] += 1
    assert attempt("right") == 200 and throttle.retry_after("10.0.0.1") == 0


# -- starting it ---------------------------------------------------------------------------

@pytest.mark.parametrize("name,value", [("ASSISTANT_UI_PORT", "abc"), ("ASSISTANT_EMBED_THREADS", "-1"),
                                        ("ASSISTANT_UI_AUTH", "ana")])
def test_python_ui_py_with_a_malformed_setting_says_which_and_exits_2(tmp_path, name, value):
    env = {**os.environ, "ASSISTANT_CORPUS_DIR": str(tmp_path / "corpus"), "ASSISTANT_INDEX_DIR": str(tmp_path / "index"),
           name: value}
    try:
        settings = Settings.from_env(environ={name: value})
        expected = _message_of(lambda: ui.parse_auth(settings.ui_auth))
    except ValueError as exc:
        expected = str(exc)
    done = subprocess.run([sys.executable, str(ROOT / "ui.py")], capture_output=True, text=True, env=env,
                          cwd=tmp_path, timeout=120, check=False)
    assert (done.returncode, done.stderr) == (2, f"error: {expected}\n"), done.stderr
    assert not (tmp_path / "index").exists(), "work was done before the settings were checked"


@pytest.mark.parametrize("command", [[sys.executable, str(ROOT / "ui.py")], ["assistant", "serve"]])
def test_starting_on_a_busy_port_says_so_in_one_line(tmp_path, built, command):
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env = {**os.environ, "ASSISTANT_CORPUS_DIR": str(built.settings.corpus_dir),
               "ASSISTANT_INDEX_DIR": str(built.settings.index_dir), "ASSISTANT_UI_PORT": str(port)}
        exe = [shutil.which(command[0]) or command[0], *command[1:]]
        done = subprocess.run(exe, capture_output=True, text=True, env=env, cwd=tmp_path, timeout=300, check=False)
    assert done.returncode == 1, done.stderr
    assert done.stderr.splitlines()[-1] == (
        f"error: cannot listen on 127.0.0.1:{port} (the port is in use, or the host is not an address of "
        "this machine): set ASSISTANT_UI_PORT or ASSISTANT_UI_HOST"), done.stderr
    assert "Traceback" not in done.stderr, done.stderr
