"""The chat as a conversation kept in the browser: it survives a reload (gr.BrowserState, localStorage)
with its sources and its follow-up history, "New chat" clears it for good, it exports to Markdown with
its citations, Stop ends a streaming answer, and a tampered stored value is shown as inert text.

The app is launched in-process on a free loopback port over a real index (real e5, real Chroma) and
driven in a real browser (Debian's chromium via Playwright), each test in a fresh browser context."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import time

from test_ui import NGHE_AN, _ask, _last_answer
from test_ui import browser as browser  # noqa: PLC0414 (the Chromium fixture, shared)
from test_ui import served as served  # noqa: PLC0414 (the app over a real index, one per module)

import ui  # test_ui put the project root on sys.path

HA_TINH = "Còn Hà Tĩnh thì sao?"
SEED = "tphcm-hop-tac-bac-trung-bo.txt"


def _open(browser, url: str):
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    page.goto(url)
    page.locator("#question textarea").wait_for()
    return page


def _reload(page) -> None:
    page.reload()
    page.locator("#question textarea").wait_for()


def _answers(page) -> int:
    return page.locator("#chat .hd-answer").count()


# -- gr.BrowserState's storage, read and written the way its browser side does -------------
# CryptoJS.AES.encrypt(json, sha256(secret) as hex text): OpenSSL's "Salted__" format, key and iv from
# the passphrase and salt by EVP_BytesToKey (MD5); stored as "<base64 iv>:<base64 ciphertext>" (the
# leading iv is not used). MD5 and the key derivation here, AES-CBC by the browser's WebCrypto.

def _key_iv(secret: str, salt: bytes) -> tuple[list[int], list[int]]:
    passphrase = hashlib.sha256(secret.encode()).hexdigest().encode()
    derived, block = b"", b""
    while len(derived) < 48:
        block = hashlib.md5(block + passphrase + salt).digest()
        derived += block
    return list(derived[:32]), list(derived[32:48])


AES_JS = """async ([mode, key, iv, data]) => {
  const k = await crypto.subtle.importKey('raw', new Uint8Array(key), 'AES-CBC', false, [mode]);
  const out = await crypto.subtle[mode]({name: 'AES-CBC', iv: new Uint8Array(iv)}, k, new Uint8Array(data));
  return Array.from(new Uint8Array(out));
}"""


def _store_for_next_load(page, secret: str, value) -> None:
    """Put `value` in the browser's storage before the page's own scripts run on the next load
    (written now, the app's own write of the conversation it restored could land after it)."""
    salt = os.urandom(8)
    key, iv = _key_iv(secret, salt)
    data = list(json.dumps(value).encode())
    ciphertext = bytes(page.evaluate(AES_JS, ["encrypt", key, iv, data]))
    stored = (base64.b64encode(os.urandom(16)).decode() + ":"
              + base64.b64encode(b"Salted__" + salt + ciphertext).decode())
    page.add_init_script(f"localStorage.setItem({json.dumps(ui.STORAGE_KEY)}, {json.dumps(stored)})")


def _read_stored(page, secret: str):
    stored = page.evaluate("k => localStorage.getItem(k)", ui.STORAGE_KEY)
    assert stored, "nothing is stored in the browser"
    raw = base64.b64decode(stored.split(":")[1])
    assert raw[:8] == b"Salted__", stored
    key, iv = _key_iv(secret, raw[8:16])
    return json.loads(bytes(page.evaluate(AES_JS, ["decrypt", key, iv, list(raw[16:])])))


def _stored_when(page, secret: str, test, timeout: float = 30) -> dict:
    """The stored conversation once `test(value)` holds (the browser writes it after the reply)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            value = _read_stored(page, secret)
            if test(value):
                return value
        except AssertionError:
            value = None
        assert time.monotonic() < deadline, f"the stored conversation never got there: {value}"
        time.sleep(0.2)


# -- the tests -----------------------------------------------------------------------------

def test_a_reload_keeps_the_conversation_its_sources_and_follow_ups(served, browser):
    url, assistant = served
    secret = ui.conversation_secret(assistant.settings)
    page = _open(browser, url)
    _ask(page, NGHE_AN)
    first = _last_answer(page, 1)
    answer = first.locator(".hd-answer").inner_text()
    source = first.locator(".hd-source").first
    meta, marked = source.locator(".hd-meta").inner_text(), source.locator("mark").first.text_content()
    assert "năm 2003" in answer and f" · {SEED}" in meta and "Nghệ An – năm 2003" in marked, (answer, meta, marked)

    # what the browser keeps is data (the answer's JSON shape), not HTML
    stored = _stored_when(page, secret, lambda v: len(v["turns"]) == 1)
    assert stored["version"] == 1 and stored["user"] == "", stored
    turn = stored["turns"][0]
    assert set(turn) == {"question", "standalone", "answer"} and turn["question"] == NGHE_AN, turn
    cited = turn["answer"]["citations"][0]
    assert cited["article"] == SEED and cited["id"] == 1 and cited["highlights"], cited
    assert "<" not in json.dumps(stored, ensure_ascii=False), "markup was stored"

    _reload(page)
    again = _last_answer(page, 1)
    assert again.locator(".hd-answer").inner_text() == answer
    assert again.locator(".hd-source .hd-meta").first.inner_text() == meta
    assert again.locator(".hd-source mark").first.text_content() == marked
    target = again.locator("a.hd-cite").first.get_attribute("href")
    assert page.locator(target).count() == 1, f"the [1] link {target} points nowhere after the reload"

    # the follow-up history came back too: "Còn Hà Tĩnh thì sao?" is about the Nghệ An question
    _ask(page, HA_TINH)
    follow = _last_answer(page, 2)
    assert "2004" in follow.locator(".hd-answer").inner_text(), follow.inner_text()
    assert "Hà Tĩnh" in follow.locator("mark").first.text_content()
    stored = _stored_when(page, secret, lambda v: len(v["turns"]) == 2)
    assert stored["turns"][1]["standalone"] != HA_TINH, "the follow-up was not read as one"
    _reload(page)
    _last_answer(page, 2)
    assert _answers(page) == 2


def test_new_chat_clears_the_conversation_for_good(served, browser):
    url, assistant = served
    page = _open(browser, url)
    assert page.locator("#new-chat").inner_text() == "Cuộc trò chuyện mới · New chat"
    assert page.locator("#export").is_disabled(), "nothing to export yet"
    _ask(page, NGHE_AN)
    _last_answer(page, 1)
    page.wait_for_function("() => !document.querySelector('#export').disabled", timeout=30_000)
    page.locator("#new-chat").click()
    page.wait_for_function("() => !document.querySelector('#chat .hd-answer')", timeout=30_000)
    assert page.locator("#export").is_disabled()
    stored = _stored_when(page, ui.conversation_secret(assistant.settings), lambda v: v["turns"] == [])
    assert stored == {"version": 1, "user": "", "turns": []}
    _reload(page)
    page.wait_for_timeout(1500)  # the restore runs on load: give it time to (wrongly) bring something back
    assert _answers(page) == 0, "the cleared conversation came back after a reload"
    # and a new conversation starts from nothing: a follow-up has no earlier question to lean on
    _ask(page, NGHE_AN)
    _last_answer(page, 1)
    assert _answers(page) == 1


def _expected_markdown(answer) -> str:
    """The export of one turn, written out independently of ui.conversation_markdown."""
    lines = ["# Hỏi đáp bài báo · Ask the articles", "", f"## {NGHE_AN}", "", " ".join(answer.answer.split()), "",
             "**Nguồn**", ""]
    for cit in answer.citations:
        p = cit.hit.passage
        where = p.title + (f" › {p.section}" if p.section else "")
        lines += [f"[{cit.n}] {where} · `{p.article}:{p.start}-{p.end}`" + (f" · {p.date}" if p.date else ""), ""]
        lines += ["\n>\n".join("> " + " ".join(par.split()) for par in re.split(r"\n\s*\n", p.text) if par.strip()), ""]
    return "\n".join(lines[:-1]) + "\n"


def test_export_downloads_the_conversation_as_markdown_with_citations(served, browser, tmp_path):
    url, assistant = served
    page = _open(browser, url)
    _ask(page, NGHE_AN)
    _last_answer(page, 1)
    page.wait_for_function("() => !document.querySelector('#export').disabled", timeout=30_000)
    assert page.locator("#export").inner_text() == "Xuất Markdown · Export"
    with page.expect_download(timeout=30_000) as caught:
        page.locator("#export").click()
    download = caught.value
    assert re.fullmatch(r"hoi-dap-\d{4}-\d{2}-\d{2}\.md", download.suggested_filename), download.suggested_filename
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    text = path.read_text(encoding="utf-8")

    answer = assistant.ask(NGHE_AN)
    cit = answer.citations[0]
    # the facts, literally: the year in the answer with its marker, the cited passage by file and offsets
    assert "năm 2003" in answer.answer and answer.answer.rstrip().endswith("[1]"), answer.answer
    assert cit.hit.passage.article == SEED and cit.hit.passage.title.startswith("TP.HCM tăng cường hợp tác")
    assert "\n[1] TP.HCM tăng cường hợp tác với các địa phương phía Bắc và Bắc Trung Bộ" in text, text
    assert f"`{SEED}:{cit.hit.passage.start}-{cit.hit.passage.end}`" in text, text
    assert text == _expected_markdown(answer), text


def test_stop_ends_a_streaming_answer_and_keeps_what_it_showed(served, browser, monkeypatch):
    url, assistant = served
    monkeypatch.setattr(ui, "STREAM_PAUSE", 0.3)  # a word every 0.3 s: the answer takes ~10 s
    page = _open(browser, url)
    assert not page.locator("#stop").is_visible(), "Stop shows with nothing streaming"
    _ask(page, NGHE_AN)
    page.wait_for_function("() => { const a = document.querySelector('#chat .hd-answer');"
                           " return a && a.textContent.split(' ').length > 4; }", timeout=60_000)
    assert page.locator("#stop").is_visible() and not page.locator("#ask").is_visible()
    assert page.locator("#stop").inner_text() == "Dừng · Stop"
    page.locator("#stop").click()
    page.locator("#stop").wait_for(state="hidden", timeout=10_000)
    page.locator("#chat .hd-stopped").wait_for(timeout=10_000)
    assert page.locator("#ask").is_visible(), "Ask did not come back"
    partial = page.locator("#chat .hd-answer").inner_text()
    page.wait_for_timeout(2000)
    assert page.locator("#chat .hd-answer").inner_text() == partial, "the answer kept growing after Stop"
    assert page.locator("#chat .hd-stopped").inner_text() == "Đã dừng — câu trả lời chưa đầy đủ"
    full = assistant.ask(NGHE_AN).answer
    shown = partial.removesuffix(" …")
    assert shown and full.startswith(shown) and len(shown) < len(full), (shown, full)
    assert page.locator("#chat .hd-sources").count() == 0, "a stopped answer shows no sources"

    # it stays stopped across a reload, and the next question (a follow-up of the stopped one) works
    _reload(page)
    page.locator("#chat .hd-stopped").wait_for(timeout=30_000)
    assert page.locator("#chat .hd-answer").inner_text() == partial
    monkeypatch.setattr(ui, "STREAM_PAUSE", 0.0)
    _ask(page, HA_TINH)
    follow = _last_answer(page, 2)
    assert "2004" in follow.locator(".hd-answer").inner_text(), follow.inner_text()
    assert not page.locator("#stop").is_visible()


PAYLOAD = '<img src=x onerror="window.pwned=1"><script>window.pwned=2</script><a href="javascript:window.pwned=3">x</a>'


def test_a_tampered_stored_conversation_renders_inert(served, browser):
    url, assistant = served
    secret = ui.conversation_secret(assistant.settings)
    page = _open(browser, url)
    cited = {"id": 1, "article": "x.txt" + PAYLOAD, "title": "T" + PAYLOAD, "section": "S" + PAYLOAD,
             "text": "Đoạn " + PAYLOAD, "start": 0, "end": 9, "score": 1, "date": PAYLOAD, "highlights": [[0, 40]]}
    answer = {"question": "q", "answer": "A " + PAYLOAD + " [1]", "abstained": False, "citations": [cited],
              "nearest": [], "warnings": [PAYLOAD], "lang": "vi" + PAYLOAD, "quoted": False}
    turns = [
        {"question": "Q1 " + PAYLOAD, "standalone": PAYLOAD, "answer": answer},
        {"question": "Q2 " + PAYLOAD, "lang": "en", "stopped": True, "partial": "P " + PAYLOAD},
        {"question": "Q3 " + PAYLOAD, "lang": "vi", "error": "E " + PAYLOAD},
        {"question": ["not text"], "error": "dropped"},  # does not fit: dropped, the others kept
        {"question": "Q5", "answer": {"answer": "x", "abstained": "no", "citations": []}},  # dropped too
        "<img src=x onerror=window.pwned=4>",
    ]
    _store_for_next_load(page, secret, {"version": 1, "user": "", "turns": turns})
    _reload(page)
    page.locator("#chat .hd-stopped").wait_for(timeout=30_000)
    chat = page.locator("#chat")
    page.wait_for_timeout(500)
    assert page.evaluate("window.pwned") is None, "a stored payload ran"
    for tag in ("script", "img", "a[href^='javascript']", "[onerror]"):
        assert chat.locator(tag).count() == 0, f"{tag} reached the chat as markup"
    text = chat.inner_text()
    for shown in ("Q1 " + PAYLOAD, "A " + PAYLOAD, "Đoạn " + PAYLOAD, "P " + PAYLOAD, "Lỗi: E " + PAYLOAD):
        assert shown in text, f"{shown!r} is not shown as text"
    assert "Q5" not in text and "dropped" not in text
    assert _answers(page) == 2 and chat.locator(".hd-warning").count() == 2  # the error and the warning
    # the checked conversation replaced the tampered one in the browser
    stored = _stored_when(page, secret, lambda v: len(v["turns"]) == 3)
    assert [t["question"][:2] for t in stored["turns"]] == ["Q1", "Q2", "Q3"]
    assert stored["turns"][0]["answer"]["lang"] == "vi"


# -- the stored shape and the export, without a browser ------------------------------------

def _turn(i: int) -> dict:
    return {"question": f"Câu hỏi {i}?", "lang": "vi", "error": f"lỗi {i}"}


def test_the_stored_conversation_is_bounded_and_belongs_to_its_login():
    turns = ui.stored_turns({"version": 1, "user": "", "turns": [_turn(i) for i in range(70)]})
    assert len(turns) == ui.STORED_TURNS == 50 and turns[0]["question"] == "Câu hỏi 20?"
    assert len(ui.stored_value([_turn(i) for i in range(70)])["turns"]) == 50
    kept = ui.stored_value([_turn(1)], user="ana")
    assert ui.stored_turns(kept, user="ana") == [_turn(1)]
    assert ui.stored_turns(kept, user="binh") == [], "another login's conversation was shown"
    assert ui.stored_turns(kept) == []
    for junk in (None, "x", [], {"version": 2, "user": "", "turns": [_turn(1)]}, {"version": 1, "user": "", "turns": "x"}):
        assert ui.stored_turns(junk) == [], junk
    long = ui.stored_turns(ui.stored_value([{"question": "q" * 50_000, "lang": "vi", "error": "e"}]))
    assert len(long[0]["question"]) == ui.STORED_CHARS


def test_the_export_shows_markup_and_markdown_in_the_text_as_text():
    text = "1. <b>đậm</b> *nghiêng* [liên kết](javascript:alert(1)) &amp; `mã` \\ _x_ [2]"
    turn = {"question": "# Hỏi <i>gì</i>?", "standalone": "q", "lang": "vi", "stopped": True, "partial": text}
    assert ui.conversation_markdown([turn]) == (
        "# Hỏi đáp bài báo · Ask the articles\n\n"
        "## \\# Hỏi \\<i\\>gì\\</i\\>?\n\n"
        "1\\. \\<b\\>đậm\\</b\\> \\*nghiêng\\* \\[liên kết\\](javascript:alert(1)) \\&amp; \\`mã\\` \\\\ \\_x\\_ [2] …\n\n"
        "*Đã dừng — câu trả lời chưa đầy đủ*\n")
