"""The web UI (Gradio): chat with highlighted sources, a province explorer, articles, uploads, reindexing.

Run `python ui.py` or `assistant serve`. It uses the same settings and index as the CLI
(ASSISTANT_CORPUS_DIR, ASSISTANT_INDEX_DIR, ...), listens on ASSISTANT_UI_HOST:ASSISTANT_UI_PORT
(127.0.0.1:7860 by default) and, when ASSISTANT_UI_AUTH=user:password is set, asks for that login
before anything (chat, upload, reindex) can be used, slows down guessing (LoginThrottle) and shows
a logout button.

This is the only module that imports gradio. Article text is always escaped before it is shown:
it is data, never markup, and Gradio's own HTML sanitizer stays on as a second line of defence.
"""

from __future__ import annotations

import functools
import hashlib
import html
import math
import os
import re
import sys
import tempfile
import threading
import time
import unicodedata
from collections import OrderedDict
from pathlib import Path

# Set before gradio is imported: no usage analytics or version checks leave the machine.
os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"

try:
    import gradio as gr
except ImportError as exc:  # pragma: no cover - gradio is in the `ui` extra
    raise ImportError(f"the web UI needs Gradio: pip install 'hoidap[ui]' ({exc})") from None

from assistant.answer import Answer, Citation, source_lines
from assistant.chain import Assistant
from assistant.chunking import Passage
from assistant.corpus import vietnamese_date
from assistant.embeddings import EmbeddingsError
from assistant.ingest import ArticleState, add_to_corpus, article_states, indexed_articles, remove_from_corpus
from assistant.provinces import province_mentions
from assistant.errors import QuestionError, UserError
from assistant.glossary import looks_english
from assistant.settings import Settings
from assistant.store import Hit, IndexError_
from assistant.text import fold

UPLOAD_SUFFIXES = (".txt", ".md", ".html", ".htm")
# Gradio refuses bigger uploads in the browser, before this code sees them; the article limit
# (ASSISTANT_MAX_FILE_BYTES) is checked per file below it, so an oversized article gets a status line.
UPLOAD_CAP_FACTOR = 4
# Errors of the library (a damaged or busy index, a missing engine, an unreadable file or folder)
# carry a message meant for the user: shown as it is, without a traceback in the server log.
LIBRARY_ERRORS = (UserError, EmbeddingsError, IndexError_, OSError)
# Login throttling, per client address: this many failed logins are free; then each further
# attempt must wait LOGIN_FIRST_WAIT seconds after the last failure, doubling per failure up to
# LOGIN_MAX_WAIT. Over all addresses together (a local client can claim any address through
# X-Forwarded-For, which uvicorn trusts from 127.0.0.1) the same applies after LOGIN_FREE_ALL.
LOGIN_FREE = 3
LOGIN_FREE_ALL = 20
LOGIN_FIRST_WAIT = 1.0
LOGIN_MAX_WAIT = 60.0
LOGIN_FORGET_AFTER = 15 * 60.0  # seconds after which a client's failures no longer count
LOGIN_MESSAGE = ("Sau {free} lần đăng nhập sai phải chờ trước khi thử lại ({first:g} giây, rồi gấp đôi, tối đa {cap:g} giây) · "
                 "After {free} failed logins, wait before trying again ({first:g} s, then doubling, up to {cap:g} s)")
CHAT_CONCURRENCY = 4  # questions answered at the same time; uploads/reindexing have their own slot
STREAM_INTERVAL = 0.05  # seconds between streamed updates of the answer text
STREAM_PAUSE = 0.015  # pause per word when streaming an answer that is already complete (extractive)
NEAREST_SHOWN = 3  # passages shown (marked as not answering) when the articles have no answer
ALL_PROVINCES = ""
FOLLOW_UP_EXAMPLE = "Còn Hà Tĩnh thì sao?"  # a follow-up to the first example
EXAMPLES = [
    "Nghệ An ký kết hợp tác với TP.HCM từ năm nào?",
    FOLLOW_UP_EXAMPLE,
    "TP.HCM da ky ket hop tac voi bao nhieu tinh?",
    "In which year did Nghe An start cooperating with Ho Chi Minh City?",
    "Who is the Vice Chairman of Ho Chi Minh City People's Committee?",
]
# the follow-up example needs a question before it, so the empty chat offers the others
FIRST_SCREEN_EXAMPLES = [q for q in EXAMPLES if q != FOLLOW_UP_EXAMPLE]
# general, so that it has an answer for any province the articles are about, whatever they say of it
PROVINCE_QUESTION = "Có những thông tin gì về {province}?"

LABELS = {
    "vi": {
        "sources": "Nguồn",
        "nearest": "Đoạn gần nhất — KHÔNG trả lời được câu hỏi, chỉ để tham khảo",
        "searching": "Đang tìm trong các bài viết…",
        "error": "Lỗi",
        "same": "Đoạn gốc (trùng với câu trả lời ở trên)",
    },
    "en": {
        "sources": "Sources",
        "nearest": "Nearest passages — they do NOT answer the question, shown for reference only",
        "searching": "Searching the articles…",
        "error": "Error",
        # an extractive answer to an English question quotes a Vietnamese sentence: say so
        "same": "The passage (the same text as the answer above)",
        "quoted": "From the article, in Vietnamese (quoted as written; no translation runs offline):",
    },
}

CSS = """
.hd-answer { line-height: 1.55; }
.hd-notfound { font-weight: 600; }
.hd-cite { font-weight: 600; text-decoration: none; }
.hd-sources, .hd-nearest { margin-top: .7em; padding-top: .4em; border-top: 1px solid var(--border-color-primary); }
.hd-head { font-size: .85em; font-weight: 600; text-transform: uppercase; letter-spacing: .03em;
           color: var(--body-text-color-subdued); }
.hd-nearest .hd-head { color: #92400e; }
.hd-source { margin: .5em 0; }
.hd-meta { font-size: .88em; color: var(--body-text-color-subdued); }
.hd-meta b { color: var(--body-text-color); }
.hd-passage { margin: .25em 0 0 0; padding: .45em .7em; border-left: 3px solid var(--color-accent);
              background: var(--background-fill-secondary); border-radius: 4px; font-size: .93em; }
.hd-nearest .hd-passage { border-left-color: #9ca3af; opacity: .85; }
.hd-passage mark, .hd-answer mark { background: #fde68a; color: #111; padding: 0 .1em; border-radius: 2px; }
.hd-warning { font-size: .85em; color: #92400e; margin-top: .4em; }
.dark .hd-nearest .hd-head, .dark .hd-warning { color: #fbbf24; }
/* Gradio draws chat messages at opacity .8, which fades every colour in them (the citation details
   were at 1.6:1); the theme's colours are chosen for full opacity */
#chat .prose.chatbot.md { opacity: 1; }
#province-passages { max-height: 640px; overflow-y: auto; }
.hd-overview { margin-top: .3em; line-height: 1.5; color: var(--body-text-color); }
.hd-overview-provinces { font-size: .92em; }
.hd-quoted { font-size: .88em; font-style: italic; margin-bottom: .2em; }
.hd-folded summary { cursor: pointer; font-size: .88em; margin-top: .25em; }
/* the table's default monospace font has no precomposed Vietnamese glyphs on many systems */
#articles * { font-family: var(--font) !important; }
/* headers wrap between words only ("Passages" was cut "Passage|s"): no break inside a word, and
   the table is never laid out narrower than its columns' words need (Gradio sizes the columns from
   the width of .virtual-table-viewport); a narrower screen scrolls the table sideways instead */
#articles th, #articles th * { word-break: normal !important; overflow-wrap: normal !important; hyphens: manual; }
#articles .virtual-table-viewport { min-width: 800px; }
#articles .upload-container { overflow-x: auto; }
"""


# -- the look: fonts and colours -----------------------------------------------------------

# The interface font is Be Vietnam Pro (SIL Open Font License 1.1, assets/fonts/OFL.txt), made for
# Vietnamese, at every weight the page uses: Gradio's bundled Source Sans Pro SemiBold holds only a
# few Latin letters, so its bold Vietnamese ("Bắc Trung Bộ") was drawn in two fonts. The files are
# the whole fonts (assets/fonts/README.md), not Google Fonts' per-script subsets, in which text with
# decomposed accents (NFD: "a" + U+0302 + U+0300 for "ầ") falls back to another font. They are
# inlined as data: URLs in the theme stylesheet (/theme.css): no file route is opened (the app
# launches with allowed_paths=[]) and the login page has the font too.
FONT_DIR = Path(__file__).resolve().parent / "assets" / "fonts"
FONT_FAMILY = "Be Vietnam Pro"
# weight -> file; Gradio's rare 300 and 800 use the nearest of these
FONT_FILES = {400: "BeVietnamPro-Regular.woff2", 500: "BeVietnamPro-Medium.woff2",
              600: "BeVietnamPro-SemiBold.woff2", 700: "BeVietnamPro-Bold.woff2"}
# Drawn when the font files are missing (an install without assets/) and for the few symbols the
# font lacks (⚠): faces with all of Vietnamese at regular and bold on Windows, Android, macOS, Linux.
FONT_FALLBACK = ("Segoe UI", "Roboto", "Noto Sans", "Helvetica Neue", "Arial", "DejaVu Sans", "sans-serif")
# Gradio's own IBM Plex Mono without its SemiBold (no Vietnamese letters there): 600 uses the Bold.
FONT_MONO = (gr.themes.LocalFont("IBM Plex Mono", weights=(400, 700)), "Consolas", "Menlo", "DejaVu Sans Mono",
             "Liberation Mono", "monospace")


def font_faces_css() -> str:
    """@font-face rules of the bundled font, its files inlined; "" when a file is missing."""
    import base64

    paths = {weight: FONT_DIR / name for weight, name in FONT_FILES.items()}
    if not all(path.is_file() for path in paths.values()):
        return ""
    return "\n".join(
        f"@font-face {{ font-family: '{FONT_FAMILY}'; font-style: normal; font-weight: {weight}; "
        # block: the data is in the stylesheet already, so there is no wait to show a fallback for
        f"font-display: block; "
        f"src: url(data:font/woff2;base64,{base64.b64encode(path.read_bytes()).decode('ascii')}) format('woff2'); }}"
        for weight, path in paths.items()
    )


class BundledFont(gr.themes.Font):
    """A font of a Gradio theme whose @font-face rules (given) go into the theme stylesheet."""

    def __init__(self, name: str, css: str):
        super().__init__(name)
        self.css = css

    def stylesheet(self) -> dict:
        return {"url": None, "css": self.css}


def theme() -> gr.themes.Base:
    """Gradio's default theme with the bundled font and text colours that reach WCAG AA (4.5:1)."""
    faces = font_faces_css()
    font = ([BundledFont(FONT_FAMILY, faces)] if faces else []) + list(FONT_FALLBACK)
    look = gr.themes.Default(font=font, font_mono=FONT_MONO).set(
        # the defaults (zinc 400 #bbbbc2, orange 500 #f97316) are 1.6-2.8:1 on white and zinc 50
        body_text_color_subdued="*neutral_600",  # citation details, sources header, footer: 7.4:1
        body_text_color_subdued_dark="*neutral_400",
        input_placeholder_color="*neutral_500",
        input_placeholder_color_dark="*neutral_400",
        color_accent="*primary_700",  # the selected tab's label: 5.2:1
        button_primary_background_fill="*primary_700",  # under white text: 5.2:1
        button_primary_background_fill_hover="*primary_800",
        button_primary_border_color="*primary_700",
        button_primary_border_color_hover="*primary_800",
        button_primary_background_fill_dark="*primary_700",
        button_primary_background_fill_hover_dark="*primary_800",
        button_primary_border_color_dark="*primary_700",
        button_primary_border_color_hover_dark="*primary_800",
        button_cancel_background_fill="#b91c1c",  # red 700 under white text: 6.5:1 (red 500: 3.8:1)
        button_cancel_background_fill_hover="#991b1b",
    )
    look.color_accent_dark = "*primary_500"  # no parameter of set(); on the dark background: 6.9:1
    return look


# -- rendering (pure functions: text in, escaped HTML out) ---------------------------------

def _text_html(text: str) -> str:
    """Article text as HTML text: escaped, and on one line. Line breaks inside a passage are the
    source's hard wrapping; a blank line would also end the HTML block and let Markdown
    reinterpret the rest as markup."""
    return html.escape(text, quote=True).replace("\n", " ")


def highlight_html(text: str, spans: list[tuple[int, int]]) -> str:
    """Escaped passage text with the given character spans wrapped in <mark>."""
    merged: list[list[int]] = []
    for start, end in sorted((max(0, s), min(len(text), e)) for s, e in spans if e > s):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    out, pos = [], 0
    for start, end in merged:
        out.append(_text_html(text[pos:start]))
        out.append(f"<mark>{_text_html(text[start:end])}</mark>")
        pos = end
    out.append(_text_html(text[pos:]))
    return "".join(out)


def _link_markers(escaped_answer: str, turn: str, known: set[int]) -> str:
    """Turn "[n]" markers of cited passages into links to the source shown under the answer."""

    def link(m: re.Match) -> str:
        n = int(m.group(1))
        if n not in known:
            return m.group(0)
        return f'<a class="hd-cite" href="#hd-src-{turn}-{n}" title="source {n}">[{n}]</a>'

    return re.sub(r"\[(\d+)\]", link, escaped_answer)


def _source_html(hit: Hit, spans: list[tuple[int, int]], anchor: str, label: str, folded: str = "") -> str:
    """One cited or nearest passage; with `folded` (a summary line) the passage text is behind it."""
    p = hit.passage
    where = f"<b>{html.escape(p.title or p.article)}</b>"
    if p.section:
        where += f" › {html.escape(p.section)}"
    facts = [html.escape(p.article)] + ([html.escape(p.date)] if p.date else [])
    passage = f'<div class="hd-passage">{highlight_html(p.text, spans)}</div>'
    if folded:
        passage = f'<details class="hd-folded"><summary>{folded}</summary>{passage}</details>'
    return (
        f'<div class="hd-source" id="{anchor}"><div class="hd-meta">{label} {where} · {" · ".join(facts)}</div>'
        f'{passage}</div>'
    )


def streaming_html(text: str) -> str:
    """The answer while it streams in: escaped text so far, sources follow with the full answer."""
    return f'<div><div class="hd-answer">{_text_html(text)} …</div></div>'


def answer_html(answer: Answer, turn: str) -> str:
    """One chat reply as HTML: the answer with linked [n] markers, then its sources (or, when the
    articles do not answer, the nearest passages clearly marked as not supporting an answer)."""
    labels = LABELS.get(answer.lang, LABELS["vi"])
    known = {c.n for c in answer.citations}
    css = "hd-answer hd-notfound" if answer.abstained else "hd-answer"
    body = _link_markers(_text_html(answer.answer), turn, known)
    if answer.quoted and not answer.abstained and "quoted" in labels:
        parts = [f'<div class="{css}"><div class="hd-quoted">{labels["quoted"]}</div>'
                 f'<div lang="vi">{body}</div></div>']
    else:
        parts = [f'<div class="{css}">{body}</div>']
    if answer.citations:
        parts.append(f'<div class="hd-sources"><div class="hd-head">{labels["sources"]}</div>')
        said = " ".join(answer.answer.split())
        for cit in answer.citations:
            # a passage the answer already quotes whole is not shown a second time, only on demand
            whole = " ".join(cit.hit.passage.text.split()) in said
            parts.append(_source_html(cit.hit, cit.highlights, f"hd-src-{turn}-{cit.n}", f"[{cit.n}]",
                                      folded=labels["same"] if whole else ""))
        parts.append("</div>")
    elif answer.abstained and answer.nearest:
        parts.append(f'<div class="hd-nearest"><div class="hd-head">⚠ {labels["nearest"]}</div>')
        for i, hit in enumerate(answer.nearest[:NEAREST_SHOWN], 1):
            parts.append(_source_html(hit, [], f"hd-near-{turn}-{i}", f"({i})"))
        parts.append("</div>")
    for warning in answer.warnings:
        parts.append(f'<div class="hd-warning">⚠ {html.escape(warning)}</div>')
    return "<div>" + "".join(parts) + "</div>"


def answer_text(answer: Answer) -> str:
    """The final answer as plain text with its citations (what the `chat` API returns)."""
    lines = [answer.answer]
    if answer.citations:
        lines.append("")
        for cit in answer.citations:
            lines += source_lines(f"[{cit.n}]", cit.hit)
    elif answer.abstained and answer.nearest:
        lines.append("")
        lines.append(LABELS.get(answer.lang, LABELS["vi"])["nearest"] + ":")
        for i, hit in enumerate(answer.nearest[:NEAREST_SHOWN], 1):
            lines += source_lines(f"({i})", hit)
    for warning in answer.warnings:
        lines.append(f"warning: {warning}")
    return "\n".join(lines)


def _user_html(question: str) -> str:
    return f"<div>{_text_html(question)}</div>"


def province_passages_html(assistant: Assistant, province: str) -> str:
    """Every indexed passage about `province`, in article order, its mentions marked."""
    if not province:
        return "<div class='hd-meta'>Chọn một tỉnh/thành ở bên trái · Pick a province on the left</div>"
    # the same notion of "about a province" as the filter and the counts (mentions + article title)
    passages = [p for _, p in assistant.index.passages_about(province)]
    if not passages:
        return f"<div class='hd-meta'>{html.escape(province)}: không có đoạn nào · no passages</div>"
    parts = [f'<div class="hd-head">{html.escape(province)} · {len(passages)} đoạn / passages</div>']
    for i, p in enumerate(passages, 1):
        # mention offsets are into NFC text; only mark them when the passage is NFC already
        spans = []
        if unicodedata.is_normalized("NFC", p.text):
            spans = [(s, e) for s, e, name in province_mentions(p.text) if name == province]
        parts.append(_source_html(Hit("", p, 0.0), spans, f"hd-prov-{i}", f"{i}."))
    return "<div>" + "".join(parts) + "</div>"


def stream_answer(assistant: Assistant, question: str, province: str | None, history: list[str]):
    """Text deltas of the answer, then the final Answer, paced so the answer reads as it comes.

    The extractive answer exists in full at once (its deltas arrive together); the short pause
    per delta lets it build up visibly, and costs nothing noticeable behind a language model."""
    for part in assistant.ask_stream(question, province=province, history=history):
        yield part
        if not isinstance(part, Answer):
            time.sleep(STREAM_PAUSE)


# -- conversations kept in the browser -----------------------------------------------------
#
# The conversation lives in the browser's localStorage (gr.BrowserState) as data, never as HTML:
#   {"version": 1, "user": the login ("" without one), "turns": [the last STORED_TURNS turns]}
# where a turn is one of
#   {"question": as typed, "standalone": as searched (the follow-up history), "answer": answer_data()}
#   {"question", "standalone", "lang", "stopped": true, "partial": the text shown when Stop was pressed}
#   {"question", "lang", "error": the message shown}
# A stored value is checked field by field when it comes back (turns that do not fit are dropped,
# texts are cut at STORED_CHARS) and the chat is rebuilt from it by the same escaping renderers as a
# live answer: a tampered localStorage can change what the chat says, never put markup in it.

STORAGE_KEY = "hoidap-conversation"
STORED_VERSION = 1
STORED_TURNS = 50  # turns kept (and shown after a reload); older ones are dropped
STORED_CHARS = 20_000  # longest text kept in one stored field
STORED_SOURCES = 10  # cited passages kept per answer
LIVE_RUNS = 256  # answers streaming at once that Stop can find (one per browser tab)
STOPPED = {"vi": "Đã dừng — câu trả lời chưa đầy đủ", "en": "Stopped — the answer is incomplete"}
EXPORT_TITLE = "Hỏi đáp bài báo · Ask the articles"


def conversation_secret(settings: Settings) -> str:
    """The key gr.BrowserState encrypts the stored conversation with: the same for the same index,
    so a conversation outlives a restart of the server (the browser sees this key, so it is no secret
    from the user: the stored value is checked when it comes back, not trusted)."""
    seed = f"{STORAGE_KEY}\0{Path(settings.index_dir).resolve()}"
    return hashlib.sha256(seed.encode("utf-8")).hexdigest()[:32]


def _passage_data(p: Passage) -> dict:
    return {"article": p.article, "title": p.title, "section": p.section, "text": p.text,
            "start": p.start, "end": p.end, "date": p.date}


def answer_data(answer: Answer) -> dict:
    """An Answer as stored: its JSON shape (Answer.as_dict) plus what re-rendering it needs."""
    data = answer.as_dict()
    for cit, cited in zip(answer.citations, data["citations"]):
        cited["date"] = cit.hit.passage.date
        cited["highlights"] = [[start, end] for start, end in cit.highlights]
    data["nearest"] = []
    if answer.abstained and not answer.citations:
        data["nearest"] = [_passage_data(hit.passage) | {"score": round(hit.score, 4)}
                           for hit in answer.nearest[:NEAREST_SHOWN]]
    data["warnings"] = list(answer.warnings)
    data["lang"] = answer.lang if answer.lang in LABELS else "vi"
    data["quoted"] = bool(getattr(answer, "quoted", True))
    return data


def _text(value, limit: int = STORED_CHARS) -> str:
    if not isinstance(value, str):
        raise TypeError("not text")
    return value[:limit]


def _whole(value) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError("not a whole number")
    return value


def _items(value, limit: int) -> list:
    if not isinstance(value, list):
        raise TypeError("not a list")
    return value[:limit]


def _passage_from(data) -> Passage:
    return Passage(_text(data["article"], 1000), _text(data.get("title", ""), 1000), _text(data.get("section", ""), 1000),
                   _text(data["text"]), _whole(data["start"]), _whole(data["end"]), [], _text(data.get("date", ""), 100))


def _score(data) -> float:
    score = data.get("score", 0.0)
    if isinstance(score, bool) or not isinstance(score, (int, float)) or not math.isfinite(score):
        raise TypeError("not a score")
    return float(score)


def answer_from_data(data) -> Answer:
    """The Answer of answer_data(), every field checked (TypeError, KeyError: it does not fit)."""
    if not isinstance(data, dict):
        raise TypeError("not an answer")
    citations = []
    for cited in _items(data.get("citations", []), STORED_SOURCES):
        spans = [(_whole(span[0]), _whole(span[1])) for span in _items(cited.get("highlights", []), 50)
                 if len(_items(span, 2)) == 2]
        n = _whole(cited["id"])
        if not 0 < n < 1000:
            raise ValueError("not a citation number")
        citations.append(Citation(n, Hit("", _passage_from(cited), _score(cited)), spans))
    nearest = [Hit("", _passage_from(p), _score(p)) for p in _items(data.get("nearest", []), NEAREST_SHOWN)]
    warnings = [_text(w, 1000) for w in _items(data.get("warnings", []), 10)]
    lang = data.get("lang") if data.get("lang") in LABELS else "vi"
    abstained = data.get("abstained")
    if not isinstance(abstained, bool):
        raise TypeError("abstained is not true or false")
    answer = Answer(_text(data.get("question", "")), _text(data["answer"]), abstained, citations, nearest, warnings, lang)
    answer.quoted = data.get("quoted") is not False
    return answer


def _stored_turn(value) -> dict:
    """One stored turn, checked and rebuilt in the stored shape."""
    if not isinstance(value, dict):
        raise TypeError("not a turn")
    question = _text(value["question"])
    standalone = _text(value.get("standalone") or question)
    if "answer" in value:
        return {"question": question, "standalone": standalone, "answer": answer_data(answer_from_data(value["answer"]))}
    lang = value.get("lang") if value.get("lang") in LABELS else "vi"
    if value.get("stopped") is True:
        return {"question": question, "standalone": standalone, "lang": lang, "stopped": True,
                "partial": _text(value.get("partial", ""))}
    return {"question": question, "lang": lang, "error": _text(value["error"], 2000)}


def stored_turns(value, user: str = "") -> list[dict]:
    """The turns of a stored conversation that fit; none when it is not one or another login's."""
    if not isinstance(value, dict) or value.get("version") != STORED_VERSION or value.get("user", "") != user:
        return []
    turns = []
    for item in value.get("turns", []) if isinstance(value.get("turns"), list) else []:
        try:
            turns.append(_stored_turn(item))
        except (TypeError, ValueError, KeyError, AttributeError, IndexError):
            continue  # a damaged or tampered turn is dropped, the rest kept
    return turns[-STORED_TURNS:]


def stored_value(turns: list[dict], user: str = "") -> dict:
    """What gr.BrowserState keeps: the last STORED_TURNS turns."""
    return {"version": STORED_VERSION, "user": user, "turns": turns[-STORED_TURNS:]}


def error_html(message: str, lang: str) -> str:
    return f"<div class='hd-warning'>{LABELS.get(lang, LABELS['vi'])['error']}: {html.escape(message)}</div>"


def stopped_html(text: str, lang: str) -> str:
    """An answer stopped while it streamed: the text it had shown, marked as incomplete."""
    partial = f'<div class="hd-answer hd-partial">{_text_html(text)} …</div>' if text.strip() else ""
    return f'<div>{partial}<div class="hd-meta hd-stopped">{html.escape(STOPPED.get(lang, STOPPED["vi"]))}</div></div>'


def turn_messages(turn: dict, n: int) -> list[dict]:
    """One stored turn as the chat shows it: the question, then the reply (escaped HTML)."""
    if "answer" in turn:
        reply = answer_html(answer_from_data(turn["answer"]), str(n))
    elif turn.get("stopped"):
        reply = stopped_html(turn["partial"], turn["lang"])
    else:
        reply = error_html(turn["error"], turn["lang"])
    return [{"role": "user", "content": _user_html(turn["question"])}, {"role": "assistant", "content": reply}]


def chat_messages(turns: list[dict]) -> list[dict]:
    return [message for n, turn in enumerate(turns) for message in turn_messages(turn, n)]


_MD_ESCAPED = re.compile(r"([\\`*_<>\[\]])|&(?=#?\w+;)")


def _md(text: str, markers: bool = False) -> str:
    """Text as one line of Markdown that reads as written: what Markdown would take for markup
    (HTML, links, emphasis, a heading or list at the start) is backslash-escaped; with `markers`
    the answer's [n] markers stay as they are."""
    out = _MD_ESCAPED.sub(lambda m: "\\" + m.group(0), " ".join(text.split()))
    if markers:
        out = re.sub(r"\\\[(\d+)\\\]", r"[\1]", out)
    out = re.sub(r"^([#+\-=|~])", r"\\\1", out)
    return re.sub(r"^(\d+)([.)])", r"\1\\\2", out)


def _md_quote(text: str) -> str:
    paragraphs = [p for p in re.split(r"\n\s*\n", text) if p.strip()]
    return "\n>\n".join("> " + _md(p) for p in paragraphs) or ">"


def _md_source(label: str, p: dict) -> list[str]:
    """A cited (or nearest) passage: label, title › section · `file:start-end` · date, then the text quoted."""
    where = _md(p["title"] or p["article"]) + (f" › {_md(p['section'])}" if p["section"] else "")
    place = f"`{p['article'].replace('`', '')}:{p['start']}-{p['end']}`"
    date = f" · {_md(p['date'])}" if p["date"] else ""
    return [f"{label} {where} · {place}{date}", "", _md_quote(p["text"]), ""]


def conversation_markdown(turns: list[dict]) -> str:
    """The conversation as Markdown: each question, the answer with its [n] markers, then the
    passages it cites (title › section, file:start-end, the passage quoted)."""
    lines = [f"# {EXPORT_TITLE}", ""]
    for turn in turns:
        lines += [f"## {_md(turn['question'])}", ""]
        if "answer" in turn:
            answer = turn["answer"]
            labels = LABELS.get(answer["lang"], LABELS["vi"])
            lines += [_md(answer["answer"], markers=True), ""]
            if answer["citations"]:
                lines += [f"**{labels['sources']}**", ""]
                for cited in answer["citations"]:
                    lines += _md_source(f"[{cited['id']}]", cited)
            elif answer["abstained"] and answer["nearest"]:
                lines += [f"**⚠ {labels['nearest']}**", ""]
                for i, p in enumerate(answer["nearest"], 1):
                    lines += _md_source(f"({i})", p)
            for warning in answer["warnings"]:
                lines += [f"⚠ {_md(warning)}", ""]
        elif turn.get("stopped"):
            if turn["partial"].strip():
                lines += [_md(turn["partial"], markers=True) + " …", ""]
            lines += [f"*{STOPPED.get(turn['lang'], STOPPED['vi'])}*", ""]
        else:
            lines += [f"⚠ {LABELS.get(turn['lang'], LABELS['vi'])['error']}: {_md(turn['error'])}", ""]
    return "\n".join(lines).rstrip("\n") + "\n"


@functools.cache
def _export_dir() -> Path:
    return Path(tempfile.mkdtemp(prefix="hoidap-export-"))  # private to this user (mode 0700)


def export_file(turns: list[dict]) -> str | None:
    """The conversation written as a Markdown file for the export button (None: nothing to export)."""
    if not turns:
        return None
    text = conversation_markdown(turns)
    folder = _export_dir() / hashlib.sha256(text.encode("utf-8")).hexdigest()[:20]
    folder.mkdir(exist_ok=True)
    path = folder / f"hoi-dap-{time.strftime('%Y-%m-%d')}.md"
    path.write_text(text, encoding="utf-8")
    return str(path)


class LiveAnswers:
    """The answers streaming now, one per browser session: Stop ends one and keeps what it showed."""

    class Run:
        def __init__(self, user: str, turns: list[dict], question: str, lang: str):
            self.user, self.turns, self.question, self.lang = user, turns, question, lang
            self.shown = ""  # the answer text on screen so far
            self.stopped = False
            self.final: dict | None = None  # the finished turn, once there is one

        def stopped_turn(self) -> dict:
            return {"question": self.question, "standalone": self.question, "lang": self.lang, "stopped": True,
                    "partial": self.shown}

    def __init__(self, limit: int = LIVE_RUNS):
        self.limit = limit
        self.lock = threading.Lock()
        self.runs: OrderedDict[str, LiveAnswers.Run] = OrderedDict()

    def start(self, session: str, user: str, turns: list[dict], question: str, lang: str) -> "LiveAnswers.Run":
        run = self.Run(user, turns, question, lang)
        with self.lock:
            self.runs.pop(session, None)
            self.runs[session] = run
            while len(self.runs) > self.limit:
                self.runs.popitem(last=False)
        return run

    def finish(self, run: "LiveAnswers.Run", turn: dict) -> bool:
        """Record the finished turn; False when Stop came first (the stop handler wrote the turn)."""
        with self.lock:
            if run.stopped:
                return False
            run.final = turn
            return True

    def stop(self, session: str) -> "LiveAnswers.Run | None":
        """The session's latest run, marked stopped (its generator yields nothing more); None when none."""
        with self.lock:
            run = self.runs.pop(session, None)
            if run is not None:
                run.stopped = True
            return run


# -- the first build ------------------------------------------------------------------------

class FirstBuild:
    """The first index build, run while the page is already served: a "building" screen, not no page."""

    def __init__(self, assistant: Assistant):
        self.assistant = assistant
        self.done = threading.Event()
        self.finished = 0  # articles through the indexer so far
        self.total = 0
        self.summary = None
        self.error = ""

    def start(self) -> "FirstBuild":
        """Build in a background thread; returns self."""
        threading.Thread(target=self._run, name="first-index-build", daemon=True).start()
        return self

    def _run(self) -> None:
        try:
            self.summary = self.assistant.reindex(progress=self._step)
            line = self.summary.line()
            print(line, file=sys.stderr)
            for err in self.summary.errors:
                print(f"error: {err}", file=sys.stderr)
        except Exception as exc:  # shown on the page and in the log; the server keeps running
            self.error = str(exc)
            print(f"error: {exc}", file=sys.stderr)
        finally:
            self.done.set()

    def _step(self, done: int, total: int, name: str) -> None:
        self.finished += 1
        self.total = total

    @property
    def running(self) -> bool:
        """Whether the build is still under way."""
        return not self.done.is_set()

    def message(self) -> str:
        """What the page says while building (or when the build failed)."""
        if self.error:
            return f"Không lập được chỉ mục · The index could not be built: {self.error}"
        count = f"{self.finished}/{self.total}" if self.total else "…"
        return (f"Đang lập chỉ mục lần đầu ({count} bài viết); câu hỏi được trả lời ngay khi xong. · "
                f"Building the index for the first time ({count} articles); questions are answered as soon "
                "as it is done.")


def building_html(build: FirstBuild, overview: bool = False) -> str:
    """The building message as HTML (in the overview box, or as the chat's reply meanwhile)."""
    css = "hd-overview hd-building" if overview else "hd-answer hd-building"
    anchor = ' id="overview"' if overview else ""
    return f'<div class="{css}"{anchor}>⏳ {html.escape(build.message())}</div>'


def first_build_if_needed(assistant: Assistant) -> FirstBuild | None:
    """A started FirstBuild when there is no index yet (None when there is one to serve at once).

    Raises UserError when there is no corpus folder to build from, IndexError_ for a damaged index.
    """
    if not assistant.needs_build():
        return None
    print(f"no index at {assistant.settings.index_dir}: building it from {assistant.settings.corpus_dir} "
          "while the page is served", file=sys.stderr)
    return FirstBuild(assistant).start()


# -- corpus changes (uploads and reindexing) -----------------------------------------------

class CorpusJobs:
    """Uploads, deletions and reindexing, one at a time; questions keep being answered meanwhile."""

    def __init__(self, assistant: Assistant):
        self.assistant = assistant
        self.lock = threading.RLock()  # re-entrant: an upload indexes through reindex()
        self._hashes: dict = {}  # article_states' cache: files whose size and time are unchanged are not read again
        self._hashes_lock = threading.Lock()

    def articles(self) -> list[ArticleState]:
        """Every article file and indexed article with its state (indexed, pending, missing, error)."""
        records = indexed_articles(self.assistant.settings)
        with self._hashes_lock:
            return article_states(self.assistant.settings, records, self._hashes)

    def add_and_index(self, paths: list[Path], progress=None) -> list[str]:
        """Add uploaded files and, when any went in, index at once: one line per file, then the
        indexing summary (the Upload button's job; Reindex stays for changes made behind the UI)."""
        with self.lock:
            lines = self.upload(paths, progress=progress)
            if any(line.startswith("added ") for line in lines):
                try:
                    lines += self.reindex(progress=progress).split("\n")
                except LIBRARY_ERRORS as exc:  # e.g. another process holds the index write lock
                    lines.append(f"error: added, but not indexed yet ({exc}); press Reindex later · "
                                 "bấm Lập chỉ mục lại sau")
        return lines

    def delete(self, name: str, progress=None) -> str:
        """Delete one listed article: its file from the corpus folder, its passages from the index
        (then the new read side is loaded, so answers stop citing it); returns the status text.
        `name` must be an article of the list, as shown there: nothing else is ever deleted."""
        with self.lock:
            listed = {a.path: a for a in self.articles()}
            if name not in listed:
                return f"error: {name}: not in the article list (it may have been removed already)"
            report = remove_from_corpus(self.assistant.settings, [name], embeddings=self.assistant.embeddings,
                                        progress=_counted(progress))
            if report.index is not None:
                self._reload()
        title = listed[name].title
        lines = [f"removed {rel}" + (f" ({title})" if title else "") for rel in report.removed]
        lines += [f"error: {e}" for e in report.errors]
        if report.index is not None:
            lines += [report.index.line()] + [f"error: {e}" for e in report.index.errors]
        return "\n".join(lines)

    def upload(self, paths: list[Path], progress=None) -> list[str]:
        """Add uploaded files to the corpus (safe names, duplicates recognised, HTML reduced to the
        article); one status line per file. Indexing is left to the caller (add_and_index)."""
        lines = []
        with self.lock:
            for i, path in enumerate(paths):
                name = path.name  # Gradio keeps the browser's file name as the last path component
                # `is not None`: a gr.Progress is falsy (its len() is 0 until it tracks an iterable)
                if progress is not None:
                    progress((i, len(paths)), desc=f"adding {name}")
                if path.suffix.lower() not in UPLOAD_SUFFIXES:
                    lines.append(f"error: {name}: only {', '.join(UPLOAD_SUFFIXES)} files can be added")
                    continue
                report = add_to_corpus(self.assistant.settings, [path], index=False)
                lines += [f"added {name} as {a.path} ({a.title})" for a in report.added]
                lines += [f"{name}: already in the corpus as {existing}" for _, existing in report.duplicates]
                lines += ["error: " + e.replace(str(path), name) for e in report.errors]
        return lines

    def reindex(self, progress=None) -> str:
        """Bring the index in line with the corpus and load the new read side; returns a summary."""
        with self.lock:
            # questions keep using the loaded read side until the new one is loaded below
            summary = self.assistant.reindex(progress=_counted(progress))
            self._reload()
        lines = [summary.line()] + [f"error: {e}" for e in summary.errors]
        return "\n".join(lines)

    def _reload(self) -> None:
        self.assistant.reload()
        _ = self.assistant.index  # load the new read side now rather than on the next question


def _counted(progress):
    """The indexer's progress callback reporting to `progress` (a gr.Progress or a plain function)."""
    finished = [0]

    def step(n: int, total: int, name: str) -> None:
        # counted here: the indexer reports unchanged articles at once and changed ones
        # after their batch is embedded, so its article number `n` can go backwards
        finished[0] += 1
        # `is not None`: a gr.Progress is falsy (its len() is 0 until it tracks an iterable)
        if progress is not None:
            progress((min(finished[0], total), total), desc=f"indexing {name}")

    return step


# -- login throttling ----------------------------------------------------------------------

class LoginThrottle:
    """ASGI middleware in front of Gradio's POST /login: after a few failed logins from one client,
    further attempts are refused (HTTP 429, Retry-After) until a wait that doubles per failure."""

    ALL = "*"  # the key counting failures from every address together

    def __init__(self, app, clock=time.monotonic):
        self.app = app
        self.clock = clock
        self.failures: dict[str, tuple[int, float]] = {}  # key -> (failures in a row, time of the last)

    def retry_after(self, client: str, now: float | None = None) -> float:
        """Seconds `client` must still wait before its next login attempt is heard (0: none)."""
        now = self.clock() if now is None else now
        return max(self._wait(client, LOGIN_FREE, now), self._wait(self.ALL, LOGIN_FREE_ALL, now))

    def _wait(self, key: str, free: int, now: float) -> float:
        count, last = self.failures.get(key, (0, 0.0))
        if count < free or now - last > LOGIN_FORGET_AFTER:
            return 0.0
        return max(0.0, last + min(LOGIN_FIRST_WAIT * 2 ** (count - free), LOGIN_MAX_WAIT) - now)

    def _count(self, key: str, now: float) -> None:
        count, last = self.failures.get(key, (0, 0.0))
        self.failures[key] = (count + 1 if now - last <= LOGIN_FORGET_AFTER else 1, now)

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"] != "POST" or scope["path"] not in ("/login", "/login/"):
            await self.app(scope, receive, send)
            return
        client = (scope.get("client") or ("unknown",))[0]
        now = self.clock()
        if len(self.failures) > 10_000:  # many addresses: drop the ones whose failures no longer count
            self.failures = {k: v for k, v in self.failures.items() if now - v[1] <= LOGIN_FORGET_AFTER}
        wait = self.retry_after(client, now)
        if wait > 0:
            seconds = math.ceil(wait)
            body = f'{{"detail": "too many failed logins: try again in {seconds} s"}}'.encode()
            await send({"type": "http.response.start", "status": 429,
                        "headers": [(b"content-type", b"application/json"), (b"retry-after", str(seconds).encode()),
                                    (b"content-length", str(len(body)).encode())]})
            await send({"type": "http.response.body", "body": body})
            return
        # counted as failed before the password is checked, so that attempts sent in parallel
        # cannot all pass before the first failure is recorded; a success clears the count
        self._count(client, now)
        self._count(self.ALL, now)
        status = {}

        async def watch(message):
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
            await send(message)

        await self.app(scope, receive, watch)
        if status.get("code") == 200:
            self.failures.pop(client, None)
            self.failures.pop(self.ALL, None)


# -- the app -----------------------------------------------------------------------------

OVERVIEW_PROVINCES = 8  # provinces named on the first screen; the Provinces tab lists them all


def overview_html(overview) -> str:
    """The first screen's line on what is indexed: articles, date range, the provinces most written about."""
    if not overview.articles:
        return ('<div class="hd-overview" id="overview">Chưa có bài viết nào được lập chỉ mục: thêm bài ở thẻ '
                '“Bài viết”. · No article is indexed yet: add some in the Articles tab.</div>')
    dates = ""
    if overview.first_date:
        first, last = vietnamese_date(overview.first_date), vietnamese_date(overview.last_date)
        dates = f" · {first}" + (f" – {last}" if last != first else "")
    names = ", ".join(f"{html.escape(name)} ({count})" for name, count in overview.provinces[:OVERVIEW_PROVINCES])
    more = len(overview.provinces) - OVERVIEW_PROVINCES
    if more > 0:
        names += f" … +{more}"
    provinces = (f'<div class="hd-overview-provinces">Tỉnh/thành được nhắc đến nhiều nhất (số đoạn) · Provinces '
                 f'written about most (passages): {names}</div>') if names else ""
    return (f'<div class="hd-overview" id="overview"><b>{overview.articles} bài viết · {overview.articles} '
            f'article{"s" if overview.articles != 1 else ""}</b> · {overview.passages} đoạn · passages'
            f'{dates}{provinces}</div>')


def _province_choices(assistant: Assistant) -> list[tuple[str, str]]:
    counts = assistant.index.province_counts
    return [(f"{name} ({counts[name]})", name) for name in sorted(counts, key=lambda n: (fold(n), n))]


ARTICLE_HEADERS = ["Tiêu đề · Title", "Ngày · Date", "Đoạn · Passages", "Tệp · File", "Trạng thái · Status"]
ARTICLE_STATES = {
    "indexed": "đã lập chỉ mục · indexed",
    "pending": "chờ lập chỉ mục · pending",  # in the corpus folder, not (or not as it is now) in the index
    "missing": "tệp đã xóa, chờ gỡ khỏi chỉ mục · file deleted, pending removal",
    "error": "lỗi · error",
}


def _article_rows(jobs: CorpusJobs) -> list[list]:
    """The article list: [title, date, passages, file, state]; those not indexed as they are first,
    then newest first (undated last)."""
    rows = []
    for a in sorted(jobs.articles(), key=lambda a: a.path):
        state = ARTICLE_STATES[a.state]
        if a.problem:  # the message names the file, which has its own column
            state += ": " + a.problem.removeprefix(f"{a.path}: ")
        rows.append([a.title or a.path, a.date, a.passages, a.path, state])
    rows.sort(key=lambda r: r[1], reverse=True)
    return sorted(rows, key=lambda r: r[4] == ARTICLE_STATES["indexed"])


def _filter_articles(rows: list[list], query: str) -> list[list]:
    """The rows whose title or file name holds every word of `query`, accents and case ignored."""
    words = fold(query or "").split()
    return [r for r in rows if all(w in fold(f"{r[0]} {r[3]}") for w in words)]


def _articles_note(rows: list[list], shown: list[list]) -> str:
    pending = sum(r[4] == ARTICLE_STATES["pending"] for r in rows)
    note = f"{len(shown)}/{len(rows)} bài viết · articles"
    if pending:
        note += f" · {pending} {ARTICLE_STATES['pending']}"
    return note


def _delete_choices(rows: list[list]) -> list[tuple[str, str]]:
    return [(f"{r[0]} · {r[3]}" if r[0] != r[3] else r[3], r[3]) for r in sorted(rows, key=lambda r: fold(r[3]))]


def _confirm_html(row: list) -> str:
    """The question asked before a delete; the title is data, escaped like every article text."""
    title, path = html.escape(row[0]), html.escape(row[3])
    return (f"<div class='hd-confirm'>Xóa <b>{title}</b> ({path}) khỏi thư mục bài viết và chỉ mục? Không hoàn tác được. · "
            f"Delete it from the corpus folder and the index? This cannot be undone.</div>")


def build_app(assistant: Assistant, build: FirstBuild | None = None) -> gr.Blocks:
    """The Gradio app: Chat, Provinces and Articles tabs, plus the `chat` API endpoint."""
    jobs = CorpusJobs(assistant)

    live = LiveAnswers()

    def _user(request: gr.Request | None) -> str:
        return (getattr(request, "username", None) or "") if request is not None else ""

    def _shown(turns: list[dict], user: str) -> tuple:
        """The chat, the stored conversation and the export button for these turns."""
        return (chat_messages(turns), stored_value(turns, user),
                gr.DownloadButton(value=export_file(turns), interactive=bool(turns)))

    def ask(message, conversation, province, request: gr.Request):
        """Stream one answer into the chat, then keep the turn in the browser; the earlier
        questions of the conversation make follow-ups work. Outputs: message, chatbot,
        conversation, export, send, stop (visible while the answer streams)."""
        question = (message or "").strip()
        if not question:
            yield (gr.skip(),) * 6
            return
        user = _user(request)
        turns = stored_turns(conversation, user)
        before = chat_messages(turns)
        lang = "en" if looks_english(question) else "vi"
        asked = {"role": "user", "content": _user_html(question)}
        if build is not None and build.running:  # the first index is still being built
            yield "", before + [asked, {"role": "assistant", "content": building_html(build)}], *(gr.skip(),) * 4
            return
        run = live.start(request.session_hash, user, turns, question, lang)
        searching = f"<div class='hd-meta'>{LABELS[lang]['searching']}</div>"
        yield ("", before + [asked, {"role": "assistant", "content": searching}], gr.skip(), gr.skip(),
               gr.Button(visible=False), gr.Button(visible=True))
        history = [t["standalone"] for t in turns if t.get("standalone")]
        try:
            shown, last, turn = "", 0.0, None
            for part in stream_answer(assistant, question, province or None, history):
                if run.stopped:  # Stop was pressed: its handler shows and keeps the turn
                    return
                if isinstance(part, Answer):
                    turn = {"question": question, "standalone": part.standalone_question or question,
                            "answer": answer_data(part)}
                    break
                shown += part
                if time.monotonic() - last >= STREAM_INTERVAL:
                    run.shown = shown
                    last = time.monotonic()
                    yield (gr.skip(), before + [asked, {"role": "assistant", "content": streaming_html(shown)}],
                           *(gr.skip(),) * 4)
            if turn is None:
                raise RuntimeError("the answer ended without its sources")
        except Exception as exc:  # shown in the chat rather than as a dead spinner
            turn = {"question": question, "lang": lang, "error": str(exc)}
        if live.finish(run, turn):
            yield gr.skip(), *_shown(turns + [turn], user), gr.Button(visible=True), gr.Button(visible=False)

    def stop_answer(request: gr.Request):
        """Stop: the streaming answer ends (its event is cancelled) and stays, marked as stopped."""
        run = live.stop(request.session_hash)
        if run is None:  # it had ended already
            return gr.skip(), gr.skip(), gr.skip(), gr.Button(visible=True), gr.Button(visible=False)
        turn = run.final or run.stopped_turn()
        return *_shown(run.turns + [turn], run.user), gr.Button(visible=True), gr.Button(visible=False)

    def new_chat(request: gr.Request):
        """New chat: an empty conversation, in the page and in the browser's storage."""
        live.stop(request.session_hash)  # an answer still streaming must not come back
        return *_shown([], _user(request)), gr.Button(visible=True), gr.Button(visible=False), ""

    def restore(conversation, request: gr.Request):
        """On page load: the conversation kept in the browser, checked, shown again."""
        user = _user(request)
        return _shown(stored_turns(conversation, user), user)

    def api_chat(question: str) -> str:
        """Answer a question from the indexed articles; returns the answer text with its cited passages."""
        if build is not None and build.running:
            raise gr.Error(build.message(), print_exception=False)
        try:
            return answer_text(assistant.ask(question))
        except (QuestionError, *LIBRARY_ERRORS) as exc:  # say what is wrong, not a generic "AppError"
            raise gr.Error(str(exc), print_exception=False) from None

    def show_province(province):
        return province_passages_html(assistant, province or ""), gr.Button(interactive=bool(province))

    def ask_about(province):
        if not province:
            return gr.skip(), gr.skip(), gr.skip()
        return gr.Tabs(selected="chat"), gr.Dropdown(value=province), PROVINCE_QUESTION.format(province=province)

    def pick_example(evt: gr.SelectData):
        """The clicked example question, put in the box to be asked."""
        value = evt.value if isinstance(evt.value, dict) else {}
        return str(value.get("text", ""))

    def show_overview():
        if build is not None and (build.running or build.error):
            return building_html(build, overview=True)
        try:
            return overview_html(assistant.overview())
        except LIBRARY_ERRORS as exc:  # e.g. a damaged index: its message where the overview would be
            return f'<div class="hd-overview hd-warning" id="overview">⚠ {html.escape(str(exc))}</div>'

    def refresh():
        if build is not None and build.running:  # nothing to list yet; the build's end refreshes
            return gr.skip(), gr.skip(), gr.skip()
        try:
            choices = _province_choices(assistant)
            rows = _article_rows(jobs)
        except LIBRARY_ERRORS as exc:  # e.g. a damaged index: its message, not a bare "Error"
            raise gr.Error(str(exc), print_exception=False) from None
        return (
            rows,
            gr.Dropdown(choices=[("Tất cả tỉnh · All provinces", ALL_PROVINCES)] + choices),
            gr.Radio(choices=choices),
        )

    def busy(line):
        """The corpus controls (Reindex, upload, Delete) disabled while an upload, a delete or a
        reindex runs, the status replaced and the delete confirmation closed."""
        return lambda: (gr.Button(interactive=False), gr.File(interactive=False), gr.Button(interactive=False),
                        line, gr.Column(visible=False))

    def idle():
        return gr.Button(interactive=True), gr.File(interactive=True), gr.Button(interactive=True)

    def upload(files, progress=gr.Progress()):
        """Add the files, then index them at once (with progress): the status says what went in."""
        if not files:
            return "", None
        paths = [Path(f) for f in (files if isinstance(files, list) else [files])]
        try:
            lines = jobs.add_and_index(paths, progress=progress)
        except Exception as exc:  # reported in the status box; the app keeps serving
            return f"error: {exc}", None
        return "\n".join(lines), None

    def show_articles(rows, query, target):
        """The list after it was read again: filtered by the search, the delete choices renewed."""
        rows = rows or []
        shown = _filter_articles(rows, query)
        paths = {r[3] for r in rows}
        return (shown, _articles_note(rows, shown),
                gr.Dropdown(choices=_delete_choices(rows), value=target if target in paths else None))

    def search_articles(rows, query):
        shown = _filter_articles(rows or [], query)
        return shown, _articles_note(rows or [], shown)

    def pick_article(evt: gr.SelectData):
        """A click on a row chooses its article for deletion."""
        row = evt.row_value
        return row[3] if row and len(row) > 3 and row[3] else gr.skip()

    def ask_delete(rows, target):
        """The first step of a delete: show what would be deleted, with Confirm and Cancel."""
        row = next((r for r in rows or [] if r[3] == target), None)
        if row is None:
            return (gr.Column(visible=False), "",
                    "Chọn một bài viết để xóa (bấm vào một dòng) · Pick an article to delete (click a row)")
        return gr.Column(visible=True), _confirm_html(row), gr.skip()

    def cancel_delete():
        return gr.Column(visible=False), "Đã hủy: không xóa gì · Cancelled: nothing was deleted"

    def delete(target, progress=gr.Progress()):
        if not target:
            return "Chọn một bài viết để xóa (bấm vào một dòng) · Pick an article to delete (click a row)"
        progress((0, 1), desc=f"removing {target}")
        try:
            return jobs.delete(target, progress=progress)
        except Exception as exc:  # e.g. another process holds the index write lock
            return f"error: {exc}"

    def reindex(progress=gr.Progress()):
        progress((0, 1), desc="indexing")
        try:
            return jobs.reindex(progress=progress)
        except Exception as exc:  # e.g. another process holds the index write lock
            return f"error: {exc}"

    with gr.Blocks(title="Hỏi đáp bài báo · Ask the articles", analytics_enabled=False) as app:
        # the conversation, kept in the browser (localStorage) across reloads: see stored_turns()
        conversation = gr.BrowserState(stored_value([]), storage_key=STORAGE_KEY,
                                       secret=conversation_secret(assistant.settings))
        with gr.Row(equal_height=True):
            with gr.Column(scale=8):
                gr.Markdown("## Hỏi đáp bài báo · Ask the articles\nCâu trả lời trích từ các bài viết đã lập chỉ mục, "
                            "kèm nguồn. Answers are taken from the indexed articles, with their sources.")
                overview = gr.HTML(elem_id="overview-box")
            if assistant.settings.ui_auth:
                # Gradio's own /logout ends every session of this user; relative, so it also works
                # behind a proxy that serves the app under a path
                gr.Button("Đăng xuất · Log out", link="logout", size="sm", scale=0, min_width=140, elem_id="logout")
        with gr.Tabs(selected="chat") as tabs:
            with gr.Tab("Hỏi đáp · Chat", id="chat"):
                with gr.Row():
                    province = gr.Dropdown(label="Lọc theo tỉnh · Province filter", value=ALL_PROVINCES,
                                           choices=[("Tất cả tỉnh · All provinces", ALL_PROVINCES)], scale=1,
                                           elem_id="province-filter")
                chatbot = gr.Chatbot(label="Hỏi đáp", height=560, sanitize_html=True, render_markdown=True,
                                     latex_delimiters=[], allow_tags=False, elem_id="chat",
                                     # no share (a Hugging Face Spaces feature) and no copy buttons:
                                     # they would copy the message's HTML source, not its text
                                     buttons=[],
                                     placeholder="Đặt câu hỏi về các bài viết · Ask about the articles",
                                     # shown in the empty chat, on the first screen; a click asks
                                     examples=[{"text": q} for q in FIRST_SCREEN_EXAMPLES])
                with gr.Row():
                    message = gr.Textbox(placeholder="Nhập câu hỏi… · Type a question…", show_label=False,
                                         scale=6, elem_id="question", submit_btn=False,
                                         max_length=assistant.settings.max_question_chars)
                    send = gr.Button("Hỏi · Ask", variant="primary", scale=1, elem_id="ask")
                    # shown instead of Ask while an answer streams
                    stop = gr.Button("Dừng · Stop", variant="stop", scale=1, visible=False, elem_id="stop")
                with gr.Row():
                    clear = gr.Button("Cuộc trò chuyện mới · New chat", size="sm", scale=0, min_width=220,
                                      elem_id="new-chat")
                    export = gr.DownloadButton("Xuất Markdown · Export", size="sm", scale=0, min_width=200,
                                               interactive=False, elem_id="export")
            with gr.Tab("Tỉnh thành · Provinces", id="provinces"):
                with gr.Row():
                    with gr.Column(scale=1):
                        province_list = gr.Radio(label="Tỉnh/thành được nhắc đến (số đoạn) · Provinces mentioned",
                                                 choices=[], elem_id="province-list")
                        ask_province = gr.Button("Hỏi về tỉnh này · Ask about this province", interactive=False,
                                                 elem_id="ask-province")
                    with gr.Column(scale=3):
                        province_view = gr.Markdown(province_passages_html(assistant, ""), sanitize_html=True,
                                                    latex_delimiters=[], elem_id="province-passages")
            with gr.Tab("Bài viết · Articles", id="articles"):
                # `articles` holds the whole list as last read (what refresh() writes); the table
                # shows the rows the search lets through
                articles = gr.State([])
                article_search = gr.Textbox(label="Tìm bài viết · Search articles",
                                            placeholder="Tiêu đề hoặc tên tệp, có dấu hay không: ha tinh · "
                                                        "Title or file name, accents optional",
                                            elem_id="article-search")
                article_note = gr.Markdown(elem_id="article-note")
                article_table = gr.Dataframe(headers=ARTICLE_HEADERS, datatype=["str", "str", "number", "str", "str"],
                                             interactive=False, elem_id="articles", wrap=True,
                                             column_widths=["34%", "10%", "11%", "24%", "21%"])
                with gr.Row(equal_height=True):
                    delete_target = gr.Dropdown(label="Bài viết đã chọn (bấm vào một dòng) · Selected article (click a row)",
                                                choices=[], value=None, scale=4, elem_id="delete-target")
                    delete_btn = gr.Button("Xóa bài viết · Delete", variant="stop", scale=1, elem_id="delete")
                with gr.Column(visible=False, elem_id="delete-confirm") as confirm_row:
                    confirm_text = gr.HTML(elem_id="delete-question")
                    with gr.Row():
                        confirm_btn = gr.Button("Xác nhận xóa · Confirm delete", variant="stop", scale=0,
                                                min_width=260, elem_id="confirm-delete")
                        cancel_btn = gr.Button("Hủy · Cancel", scale=0, min_width=150, elem_id="cancel-delete")
                with gr.Row():
                    # no file_types: Gradio would refuse other files in the browser with a toast
                    # only; the upload handler reports each refused file in the status instead
                    files = gr.File(label=f"Thêm bài viết · Add articles ({', '.join(UPLOAD_SUFFIXES)}, "
                                          f"≤ {assistant.settings.max_file_bytes // 1024:,} KB)",
                                    file_count="multiple", elem_id="upload")
                    with gr.Column():
                        reindex_btn = gr.Button("Lập chỉ mục lại · Reindex", variant="primary", elem_id="reindex")
                        status = gr.Textbox(label="Trạng thái · Status", interactive=False, lines=4, elem_id="status")

        chat_args = dict(concurrency_limit=CHAT_CONCURRENCY, concurrency_id="chat", api_visibility="private")
        corpus_args = dict(concurrency_limit=1, concurrency_id="corpus", api_visibility="private")
        # ask() reads the conversation and writes it back with the chat, the export file and the
        # Ask/Stop buttons; Stop and New chat cancel a streaming answer (every event running ask)
        chat_in = [message, conversation, province]
        chat_out = [message, chatbot, conversation, export, send, stop]
        shown_out = [chatbot, conversation, export]
        # one event for Enter and Ask: while an answer streams, another question waits ("once")
        asking = [gr.on([message.submit, send.click], ask, chat_in, chat_out, **chat_args)]
        province_list.change(show_province, [province_list], [province_view, ask_province], api_visibility="private")
        asking.append(chatbot.example_select(pick_example, None, [message], api_visibility="private").then(
            ask, chat_in, chat_out, **chat_args))
        asking.append(ask_province.click(ask_about, [province_list], [tabs, province, message],
                                         api_visibility="private").then(ask, chat_in, chat_out, **chat_args))
        chat_private = {"queue": False, "api_visibility": "private"}
        stop.click(stop_answer, None, shown_out + [send, stop], cancels=asking, **chat_private)
        for trigger in (clear.click, chatbot.clear):
            trigger(new_chat, None, shown_out + [send, stop, message], cancels=asking, **chat_private)
        app.load(restore, [conversation], shown_out, **chat_private)
        # Each run first disables the corpus controls and replaces the status line, then gives
        # the controls back: on `failure` too, as Gradio's browser side does not follow `then`
        # after a failed step.
        controls = [reindex_btn, files, delete_btn]
        private = {"queue": False, "api_visibility": "private"}
        added = files.upload(busy("adding…"), None, controls + [status, confirm_row], **private).then(
            upload, [files], [status, files], **corpus_args)
        indexed = reindex_btn.click(busy("indexing…"), None, controls + [status, confirm_row], **private).then(
            reindex, None, [status], **corpus_args)
        # a delete asks first: Delete shows what would go, with Confirm and Cancel
        delete_btn.click(ask_delete, [articles, delete_target], [confirm_row, confirm_text, status], **private)
        cancel_btn.click(cancel_delete, None, [confirm_row, status], **private)
        deleted = confirm_btn.click(busy("removing…"), None, controls + [status, confirm_row], **private).then(
            delete, [delete_target], [status], **corpus_args)
        for done in (added, indexed, deleted):
            done.then(idle, None, controls, **private)
            done.failure(idle, None, controls, **private)
        indexed.then(refresh, None, [articles, province, province_list], api_visibility="private")
        for changed in (added, deleted):  # the lists follow the corpus, as after a reindex
            changed.then(refresh, None, [articles, province, province_list], api_visibility="private")
        for changed in (added, indexed, deleted):  # and so do the first screen's counts
            changed.then(show_overview, None, [overview], api_visibility="private")
        articles.change(show_articles, [articles, article_search, delete_target],
                        [article_table, article_note, delete_target], **private)
        article_search.change(search_articles, [articles, article_search], [article_table, article_note], **private)
        article_table.select(pick_article, None, [delete_target], **private)
        delete_target.change(lambda: gr.Column(visible=False), None, [confirm_row], **private)
        app.load(refresh, None, [articles, province, province_list], api_visibility="private")
        app.load(show_overview, None, [overview], api_visibility="private")
        if build is not None:
            # while the first index builds, the overview counts its progress; when it is done, the
            # overview and the lists fill in and the timer stops
            ticker = gr.Timer(1.0, active=True)

            def tick():
                return show_overview(), gr.Timer(active=build.running)

            ticker.tick(tick, None, [overview, ticker], api_visibility="private").then(
                refresh, None, [articles, province, province_list], api_visibility="private")
        gr.api(api_chat, api_name="chat", concurrency_limit=CHAT_CONCURRENCY, concurrency_id="chat")
    app.queue(default_concurrency_limit=CHAT_CONCURRENCY)
    return app


def parse_auth(value: str) -> tuple[str, str] | None:
    """ASSISTANT_UI_AUTH "user:password" as a (user, password) pair; None when unset."""
    if not value:
        return None
    user, sep, password = value.partition(":")
    if not sep or not user or not password:
        raise UserError("ASSISTANT_UI_AUTH must look like user:password")
    return user, password


# An upload the browser refuses (over the size cap) never reaches the server: the status line of
# the previous upload is cleared as soon as files are picked or dropped, so it is not read as this
# upload's outcome (Gradio's toast says why it was refused).
CLEAR_STATUS_JS = """() => {
  const clear = (event) => {
    if (!(event.target instanceof Element) || !event.target.closest('#upload')) return;
    const box = document.querySelector('#status textarea');
    if (box) box.value = '';
  };
  document.addEventListener('change', clear, true);
  document.addEventListener('drop', clear, true);
}"""


def serve(assistant: Assistant, *, port: int | None = None, prevent_thread_lock: bool = False,
          build: FirstBuild | None = None) -> gr.Blocks:
    """Build the app and start it on the configured host and port (blocks unless prevent_thread_lock).

    With `build`, the page says the index is being built until it is done.
    """
    settings = assistant.settings
    auth = parse_auth(settings.ui_auth)
    app = build_app(assistant, build)
    try:
        _launch(app, settings, auth, port, prevent_thread_lock)
    except OSError:  # Gradio's message names its own GRADIO_SERVER_PORT, not this app's setting
        raise OSError(
            f"cannot listen on {settings.ui_host}:{port if port is not None else settings.ui_port} (the port "
            "is in use, or the host is not an address of this machine): set ASSISTANT_UI_PORT or ASSISTANT_UI_HOST"
        ) from None
    return app


def _launch(app: gr.Blocks, settings: Settings, auth, port: int | None, prevent_thread_lock: bool) -> None:
    from starlette.middleware import Middleware

    app.launch(
        server_name=settings.ui_host,
        server_port=port if port is not None else settings.ui_port,
        auth=auth,
        auth_message=LOGIN_MESSAGE.format(free=LOGIN_FREE, first=LOGIN_FIRST_WAIT, cap=LOGIN_MAX_WAIT) if auth else None,
        app_kwargs={"middleware": [Middleware(LoginThrottle)]} if auth else None,
        max_file_size=settings.max_file_bytes * UPLOAD_CAP_FACTOR,
        enable_monitoring=False,
        ssr_mode=False,
        share=False,
        mcp_server=False,
        pwa=False,
        allowed_paths=[],
        prevent_thread_lock=prevent_thread_lock,
        quiet=prevent_thread_lock,
        footer_links=["api"],
        theme=theme(),
        css=CSS,
        js=CLEAR_STATUS_JS,
    )


def _fail(message: str, code: int) -> None:
    print(f"error: {message}", file=sys.stderr)
    sys.exit(code)


def main() -> None:
    """Entry point of `python ui.py`: settings from the environment, then serve (building a missing index
    behind a "building" page)."""
    try:
        settings = Settings.from_env()
        parse_auth(settings.ui_auth)  # a malformed login setting fails before any work
    except UserError as exc:  # a malformed ASSISTANT_* value: which one, no traceback (as the CLI)
        _fail(str(exc), 2)
    try:
        assistant = Assistant(settings, notify=lambda m: print(m, file=sys.stderr))
        build = first_build_if_needed(assistant)
    except LIBRARY_ERRORS as exc:  # e.g. no corpus folder, a damaged index
        _fail(str(exc), 1)
    try:
        serve(assistant, build=build)
    except OSError as exc:  # the port is taken: serve() says so in our settings' terms
        _fail(str(exc), 1)


if __name__ == "__main__":
    main()
