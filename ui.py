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

import html
import math
import os
import re
import sys
import threading
import time
import unicodedata
from pathlib import Path

# Set before gradio is imported: no usage analytics or version checks leave the machine.
os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"

try:
    import gradio as gr
except ImportError as exc:  # pragma: no cover - gradio is in the `ui` extra
    raise ImportError(f"the web UI needs Gradio: pip install 'hoidap[ui]' ({exc})") from None

from assistant.answer import Answer
from assistant.chain import Assistant
from assistant.corpus import ArticleError
from assistant.embeddings import EmbeddingsError
from assistant.indexer import index_corpus
from assistant.ingest import add_to_corpus
from assistant.llm import LLMConfigError
from assistant.provinces import province_mentions
from assistant.questions import QuestionError
from assistant.retrieval import analyse_question
from assistant.settings import Settings
from assistant.store import Hit, IndexError_
from assistant.text import fold

UPLOAD_SUFFIXES = (".txt", ".md", ".html", ".htm")
# Gradio refuses bigger uploads in the browser, before this code sees them; the article limit
# (ASSISTANT_MAX_FILE_BYTES) is checked per file below it, so an oversized article gets a status line.
UPLOAD_CAP_FACTOR = 4
# Errors of the library (a damaged or busy index, a missing engine, an unreadable file or folder)
# carry a message meant for the user: shown as it is, without a traceback in the server log.
LIBRARY_ERRORS = (ArticleError, EmbeddingsError, IndexError_, LLMConfigError, OSError)
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
EXAMPLES = [
    "Nghệ An ký kết hợp tác với TP.HCM từ năm nào?",
    "Còn Hà Tĩnh thì sao?",  # a follow-up to the first
    "TP.HCM da ky ket hop tac voi bao nhieu tinh?",
    "In which year did Nghe An start cooperating with Ho Chi Minh City?",
    "Who is the Vice Chairman of Ho Chi Minh City People's Committee?",
]
PROVINCE_QUESTION = "Những gì đã được ký kết với {province} và vào năm nào?"

LABELS = {
    "vi": {
        "sources": "Nguồn",
        "nearest": "Đoạn gần nhất — KHÔNG trả lời được câu hỏi, chỉ để tham khảo",
        "searching": "Đang tìm trong các bài viết…",
        "error": "Lỗi",
    },
    "en": {
        "sources": "Sources",
        "nearest": "Nearest passages — they do NOT answer the question, shown for reference only",
        "searching": "Searching the articles…",
        "error": "Error",
    },
}

CSS = """
.hd-answer { line-height: 1.55; }
.hd-notfound { font-weight: 600; }
.hd-cite { font-weight: 600; text-decoration: none; }
.hd-sources, .hd-nearest { margin-top: .7em; padding-top: .4em; border-top: 1px solid var(--border-color-primary); }
.hd-head { font-size: .85em; font-weight: 600; text-transform: uppercase; letter-spacing: .03em;
           color: var(--body-text-color-subdued); }
.hd-nearest .hd-head { color: #b45309; }
.hd-source { margin: .5em 0; }
.hd-meta { font-size: .88em; color: var(--body-text-color-subdued); }
.hd-meta b { color: var(--body-text-color); }
.hd-passage { margin: .25em 0 0 0; padding: .45em .7em; border-left: 3px solid var(--color-accent);
              background: var(--background-fill-secondary); border-radius: 4px; font-size: .93em; }
.hd-nearest .hd-passage { border-left-color: #9ca3af; opacity: .85; }
.hd-passage mark, .hd-answer mark { background: #fde68a; color: #111; padding: 0 .1em; border-radius: 2px; }
.hd-warning { font-size: .85em; color: #b45309; margin-top: .4em; }
#province-passages { max-height: 640px; overflow-y: auto; }
/* the table's default monospace font has no precomposed Vietnamese glyphs on many systems */
#articles * { font-family: var(--font) !important; }
"""


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


def _source_html(hit: Hit, spans: list[tuple[int, int]], anchor: str, label: str) -> str:
    p = hit.passage
    where = f"<b>{html.escape(p.title or p.article)}</b>"
    if p.section:
        where += f" › {html.escape(p.section)}"
    facts = [html.escape(p.article)] + ([html.escape(p.date)] if p.date else [])
    return (
        f'<div class="hd-source" id="{anchor}"><div class="hd-meta">{label} {where} · {" · ".join(facts)}</div>'
        f'<div class="hd-passage">{highlight_html(p.text, spans)}</div></div>'
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
    parts = [f'<div class="{css}">{_link_markers(_text_html(answer.answer), turn, known)}</div>']
    if answer.citations:
        parts.append(f'<div class="hd-sources"><div class="hd-head">{labels["sources"]}</div>')
        for cit in answer.citations:
            parts.append(_source_html(cit.hit, cit.highlights, f"hd-src-{turn}-{cit.n}", f"[{cit.n}]"))
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
            p = cit.hit.passage
            where = (p.title or p.article) + (f" › {p.section}" if p.section else "")
            lines.append(f"[{cit.n}] {where} ({p.article}:{p.start}-{p.end})")
            lines.append("    " + " ".join(p.text.split()))
    elif answer.abstained and answer.nearest:
        lines.append("")
        lines.append(LABELS.get(answer.lang, LABELS["vi"])["nearest"] + ":")
        for i, hit in enumerate(answer.nearest[:NEAREST_SHOWN], 1):
            p = hit.passage
            lines.append(f"({i}) {p.title or p.article} ({p.article}:{p.start}-{p.end})")
            lines.append("    " + " ".join(p.text.split()))
    for warning in answer.warnings:
        lines.append(f"warning: {warning}")
    return "\n".join(lines)


def _user_html(question: str) -> str:
    return f"<div>{_text_html(question)}</div>"


def province_passages_html(assistant: Assistant, province: str) -> str:
    """Every indexed passage about `province`, in article order, its mentions marked."""
    if not province:
        return "<div class='hd-meta'>Chọn một tỉnh/thành ở bên trái · Pick a province on the left</div>"
    index = assistant.index
    # the same notion of "about a province" as the filter and the counts (mentions + article title)
    passages = [p for pid, p in zip(index.ids, index.passages) if province in index.provinces_of(pid)]
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


# -- corpus changes (uploads and reindexing) -----------------------------------------------

class CorpusJobs:
    """Uploads and reindexing, one at a time; questions keep being answered meanwhile."""

    def __init__(self, assistant: Assistant):
        self.assistant = assistant
        self.lock = threading.Lock()

    def upload(self, paths: list[Path], progress=None) -> list[str]:
        """Add uploaded files to the corpus (safe names, duplicates recognised, HTML reduced to the
        article); one status line per file. Indexing is the Reindex button's job."""
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
            finished = [0]

            def step(n: int, total: int, name: str) -> None:
                # counted here: the indexer reports unchanged articles at once and changed ones
                # after their batch is embedded, so its article number `n` can go backwards
                finished[0] += 1
                if progress is not None:
                    progress((min(finished[0], total), total), desc=f"indexing {name}")

            # Not Assistant.reindex(): it holds the lock every question needs for the whole run.
            # Questions keep using the loaded read side until the new one is swapped in below.
            summary = index_corpus(self.assistant.settings, self.assistant.embeddings, progress=step)
            self.assistant.reload()
            _ = self.assistant.index  # load the new read side now rather than on the next question
        lines = [summary.line()] + [f"error: {e}" for e in summary.errors]
        return "\n".join(lines)


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

def _province_choices(assistant: Assistant) -> list[tuple[str, str]]:
    counts = assistant.index.province_counts
    return [(f"{name} ({counts[name]})", name) for name in sorted(counts, key=lambda n: (fold(n), n))]


def _article_rows(assistant: Assistant) -> list[list]:
    records = assistant.store().article_records()
    rows = sorted(([r.title or r.path, r.date, r.passages, r.path] for r in records.values()), key=lambda r: r[3])
    return sorted(rows, key=lambda r: r[1], reverse=True)  # newest first; undated ("") last


def build_app(assistant: Assistant) -> gr.Blocks:
    """The Gradio app: Chat, Provinces and Articles tabs, plus the `chat` API endpoint."""
    jobs = CorpusJobs(assistant)

    def ask(message, history, questions, province):
        """Stream one answer into the chat; the earlier questions make follow-ups work."""
        question = (message or "").strip()
        if not question:
            yield gr.skip(), gr.skip(), gr.skip()
            return
        history = list(history or [])
        turn = str(len(history))
        labels = LABELS["en" if analyse_question(question).kind == "en" else "vi"]
        history.append({"role": "user", "content": _user_html(question)})
        history.append({"role": "assistant", "content": f"<div class='hd-meta'>{labels['searching']}</div>"})
        yield "", history, questions
        try:
            shown, last = "", 0.0
            for part in stream_answer(assistant, question, province or None, list(questions or [])):
                if isinstance(part, Answer):
                    history[-1]["content"] = answer_html(part, turn)
                    yield "", history, list(questions or []) + [part.standalone_question or question]
                    return
                shown += part
                if time.monotonic() - last >= STREAM_INTERVAL:
                    history[-1]["content"] = streaming_html(shown)
                    last = time.monotonic()
                    yield "", history, questions
        except Exception as exc:  # shown in the chat rather than as a dead spinner
            history[-1]["content"] = f"<div class='hd-warning'>{labels['error']}: {html.escape(str(exc))}</div>"
            yield "", history, questions

    def api_chat(question: str) -> str:
        """Answer a question from the indexed articles; returns the answer text with its cited passages."""
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

    def refresh():
        try:
            choices = _province_choices(assistant)
            rows = _article_rows(assistant)
        except LIBRARY_ERRORS as exc:  # e.g. a damaged index: its message, not a bare "Error"
            raise gr.Error(str(exc), print_exception=False) from None
        return (
            rows,
            gr.Dropdown(choices=[("Tất cả tỉnh · All provinces", ALL_PROVINCES)] + choices),
            gr.Radio(choices=choices),
        )

    def busy(line):
        """The corpus controls disabled while an upload or a reindex runs, and the status replaced."""
        return lambda: (gr.Button(interactive=False), gr.File(interactive=False), line)

    def idle():
        return gr.Button(interactive=True), gr.File(interactive=True)

    def upload(files, progress=gr.Progress()):
        if not files:
            return "", None
        paths = [Path(f) for f in (files if isinstance(files, list) else [files])]
        try:
            lines = jobs.upload(paths, progress=progress)
        except Exception as exc:  # reported in the status box; the app keeps serving
            return f"error: {exc}", None
        saved = any(line.startswith("added ") for line in lines)
        hint = ["Press Reindex to make them answerable · Bấm Lập chỉ mục lại để hỏi về chúng"] if saved else []
        return "\n".join(lines + hint), None

    def reindex(progress=gr.Progress()):
        progress((0, 1), desc="indexing")
        try:
            return jobs.reindex(progress=progress)
        except Exception as exc:  # e.g. another process holds the index write lock
            return f"error: {exc}"

    with gr.Blocks(title="Hỏi đáp bài báo · Ask the articles", analytics_enabled=False) as app:
        questions = gr.State([])
        with gr.Row(equal_height=True):
            gr.Markdown("## Hỏi đáp bài báo · Ask the articles\nCâu trả lời trích từ các bài viết đã lập chỉ mục, kèm nguồn. "
                        "Answers are taken from the indexed articles, with their sources.", scale=8)
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
                                     placeholder="Đặt câu hỏi về các bài viết · Ask about the articles")
                with gr.Row():
                    message = gr.Textbox(placeholder="Nhập câu hỏi… · Type a question…", show_label=False,
                                         scale=6, elem_id="question", submit_btn=False,
                                         max_length=assistant.settings.max_question_chars)
                    send = gr.Button("Hỏi · Ask", variant="primary", scale=1, elem_id="ask")
                    clear = gr.Button("Xóa · Clear", scale=1)
                gr.Examples(EXAMPLES, inputs=[message], label="Ví dụ · Examples")
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
                articles = gr.Dataframe(headers=["Tiêu đề · Title", "Ngày · Date", "Đoạn · Passages", "Tệp · File"],
                                        datatype=["str", "str", "number", "str"], interactive=False,
                                        elem_id="articles", wrap=True)
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
        for trigger in (message.submit, send.click):
            trigger(ask, [message, chatbot, questions, province], [message, chatbot, questions], **chat_args)
        clear.click(lambda: ([], [], ""), None, [chatbot, questions, message], api_visibility="private")
        chatbot.clear(lambda: [], None, [questions], api_visibility="private")
        province_list.change(show_province, [province_list], [province_view, ask_province], api_visibility="private")
        ask_province.click(ask_about, [province_list], [tabs, province, message], api_visibility="private").then(
            ask, [message, chatbot, questions, province], [message, chatbot, questions], **chat_args
        )
        # Each run first disables the corpus controls and replaces the status line, then gives
        # the controls back: on `failure` too, as Gradio's browser side does not follow `then`
        # after a failed step.
        controls = [reindex_btn, files]
        private = {"queue": False, "api_visibility": "private"}
        added = files.upload(busy("adding…"), None, controls + [status], **private).then(
            upload, [files], [status, files], **corpus_args)
        indexed = reindex_btn.click(busy("indexing…"), None, controls + [status], **private).then(
            reindex, None, [status], **corpus_args)
        for done in (added, indexed):
            done.then(idle, None, controls, **private)
            done.failure(idle, None, controls, **private)
        indexed.then(refresh, None, [articles, province, province_list], api_visibility="private")
        app.load(refresh, None, [articles, province, province_list], api_visibility="private")
        gr.api(api_chat, api_name="chat", concurrency_limit=CHAT_CONCURRENCY, concurrency_id="chat")
    app.queue(default_concurrency_limit=CHAT_CONCURRENCY)
    return app


def parse_auth(value: str) -> tuple[str, str] | None:
    """ASSISTANT_UI_AUTH "user:password" as a (user, password) pair; None when unset."""
    if not value:
        return None
    user, sep, password = value.partition(":")
    if not sep or not user or not password:
        raise ValueError("ASSISTANT_UI_AUTH must look like user:password")
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


def serve(assistant: Assistant, *, port: int | None = None, prevent_thread_lock: bool = False) -> gr.Blocks:
    """Build the app and start it on the configured host and port (blocks unless prevent_thread_lock)."""
    settings = assistant.settings
    auth = parse_auth(settings.ui_auth)
    app = build_app(assistant)
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
        theme=gr.themes.Default(),
        css=CSS,
        js=CLEAR_STATUS_JS,
    )


def _fail(message: str, code: int) -> None:
    print(f"error: {message}", file=sys.stderr)
    sys.exit(code)


def main() -> None:
    """Entry point of `python ui.py`: settings from the environment, index built if empty, then serve."""
    try:
        settings = Settings.from_env()
        parse_auth(settings.ui_auth)  # a malformed login setting fails before any work
    except ValueError as exc:  # a malformed ASSISTANT_* value: which one, no traceback (as the CLI)
        _fail(str(exc), 2)
    try:
        assistant = Assistant(settings, notify=lambda m: print(m, file=sys.stderr))
        summary = assistant.ensure_index(notify=lambda m: print(m, file=sys.stderr))
    except (ValueError, *LIBRARY_ERRORS) as exc:  # e.g. no corpus folder, a damaged index
        _fail(str(exc), 1)
    if summary is not None:
        print(summary.line(), file=sys.stderr)
        for err in summary.errors:
            print(f"error: {err}", file=sys.stderr)
    try:
        serve(assistant)
    except OSError as exc:  # the port is taken: serve() says so in our settings' terms
        _fail(str(exc), 1)


if __name__ == "__main__":
    main()
