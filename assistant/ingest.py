"""Bringing new articles into the corpus: text files, HTML files and web pages (by URL).

Every source becomes one UTF-8 file in the corpus folder, named after the article (a slug,
never overwriting a different article) and then indexed. HTML is reduced to the article —
title, publication date when the page has one, body without navigation or related links —
by trafilatura. Zero-width and bidirectional control characters are removed when the file is
written, so that what is indexed and cited (verbatim slices of the corpus file) cannot hide
text from a reader.
"""

from __future__ import annotations

import http.client
import os
import re
import socket
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from .corpus import (
    _RELATED_HEADINGS,
    ARTICLE_SUFFIXES,
    HTML_SUFFIXES,
    ArticleError,
    check_answerable,
    decode_article_bytes,
    list_article_files,
    parse_article,
    vietnamese_date,
)
from .indexer import (
    EXIT_FAILED,
    EXIT_OK,
    EXIT_PARTIAL,
    IndexSummary,
    NotifyFn,
    ProgressFn,
    index_corpus,
    read_article_text,
    text_sha256,
    write_lock,
)
from .settings import Settings
from .store import IndexError_
from .text import INVISIBLE_RE, fold, nfc

URL_SCHEMES = ("http", "https")  # what `assistant add` fetches; anything else with a scheme is refused
_SCHEME_RE = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
_BARE_DATE_RE = re.compile(r"^\s*(\d{1,2}:\d{2}(,|\s)\s*)?\d{1,2}/\d{1,2}/\d{2,4}(\s*,?\s*\d{1,2}:\d{2})?\s*$")
MAX_SLUG_CHARS = 80
USER_AGENT = "hoidap/0.1 (offline news question answering; article import)"


@dataclass
class AddedArticle:
    """One source that went into the corpus."""

    source: str
    path: str  # relative to the corpus folder
    title: str


@dataclass
class _CorpusChangeReport:
    """What an add or a remove did: its errors and the indexing run after it."""

    errors: list[str] = field(default_factory=list)
    index: IndexSummary | None = None

    def _done_any(self) -> bool:
        raise NotImplementedError

    @property
    def exit_code(self) -> int:
        """0 when everything went through, 1 when nothing did, 3 for anything between."""
        index_errors = self.index.errors if self.index else []
        if not self.errors and not index_errors:
            return EXIT_OK
        if self.errors and not self._done_any():
            return EXIT_FAILED
        return EXIT_PARTIAL

    def _tail_lines(self) -> list[str]:
        """The error lines, then the index run's own errors and its summary line."""
        out = [f"error: {e}" for e in self.errors]
        if self.index is not None:
            out += [f"error: {e}" for e in self.index.errors if e not in self.errors]
            out.append(self.index.line())
        return out


@dataclass
class AddReport(_CorpusChangeReport):
    """What `add_to_corpus` did with each source, and the indexing run after it."""

    added: list[AddedArticle] = field(default_factory=list)
    duplicates: list[tuple[str, str]] = field(default_factory=list)  # (source, existing corpus path)

    def _done_any(self) -> bool:
        return bool(self.added or self.duplicates)

    def lines(self) -> list[str]:
        """Human-readable report, one line per source, then the index summary."""
        out = [f"added {a.source} -> {a.path} ({a.title})" for a in self.added]
        out += [f"duplicate: {src} has the same content as {existing}; not added again" for src, existing in self.duplicates]
        return out + self._tail_lines()

    def as_dict(self) -> dict:
        """JSON-ready form."""
        return {
            "added": [{"source": a.source, "path": a.path, "title": a.title} for a in self.added],
            "duplicates": [{"source": s, "existing": e} for s, e in self.duplicates],
            "errors": self.errors,
            "index": self.index.as_dict() if self.index else None,
        }


def add_to_corpus(settings: Settings, sources: Iterable[str | os.PathLike], embeddings=None, index: bool = True,
                  progress: ProgressFn | None = None, notify: NotifyFn | None = None) -> AddReport:
    """Copy files / fetch URLs into the corpus as articles, then index (the UI's upload entry point).

    Each bad source gets one error naming it; the others still go in. With index=False the
    caller indexes itself (e.g. `Assistant.reindex()`, which also reloads the read side).
    """
    report = AddReport()
    corpus_dir = Path(settings.corpus_dir)
    corpus_dir.mkdir(parents=True, exist_ok=True)
    known = corpus_fingerprints(settings)
    for source in sources:
        source = str(source)
        try:
            text, stem, suffix = article_from_source(source, settings)
        except ArticleError as exc:
            report.errors.append(str(exc))
            continue
        key = content_fingerprint(text)
        if key in known:
            report.duplicates.append((source, known[key]))
            continue
        rel = _write_new_article(corpus_dir, stem, suffix, text)
        known[key] = rel
        title = parse_article(text, rel, markdown=suffix == ".md").title
        report.added.append(AddedArticle(source, rel, title))
        if notify:
            notify(f"added {source} -> {rel}")
    if index and (report.added or not report.errors):
        if embeddings is None:
            from .embeddings import get_embeddings

            embeddings = get_embeddings(settings, notify)
        try:
            report.index = index_corpus(settings, embeddings, progress=progress, notify=notify)
        except IndexError_ as exc:  # e.g. another writer held the lock: the files are in, unindexed
            report.errors.append(f"added to the corpus but not indexed yet ({exc}); run `assistant index`")
    return report


@dataclass
class RemoveReport(_CorpusChangeReport):
    """What `remove_from_corpus` did with each name, and the indexing run after it."""

    removed: list[str] = field(default_factory=list)  # corpus paths (relative to the corpus folder)

    def _done_any(self) -> bool:
        return bool(self.removed)

    def lines(self) -> list[str]:
        """Human-readable report, one line per name, then the index summary."""
        return [f"removed {rel}" for rel in self.removed] + self._tail_lines()

    def as_dict(self) -> dict:
        """JSON-ready form."""
        return {"removed": self.removed, "errors": self.errors, "index": self.index.as_dict() if self.index else None}


def remove_from_corpus(settings: Settings, names: Iterable[str | os.PathLike], embeddings=None, index: bool = True,
                       progress: ProgressFn | None = None, notify: NotifyFn | None = None) -> RemoveReport:
    """Delete articles from the corpus folder and their passages from the index (the UI's delete).

    A name is an article's path relative to the corpus folder, as the index and the article list
    show it (a path to the file inside the corpus folder is accepted too); it must be one of the
    listed articles (an article file of the folder, or an indexed article whose file is already
    gone), so nothing outside the corpus folder can be deleted. A symbolic link is removed, never
    its target. Everything happens under the index write lock: files are only deleted once the
    lock is held (IndexBusyError otherwise, and nothing is deleted), and the indexing run that
    drops their passages (index_corpus, which also takes in any other change of the folder) runs
    before it is released. With index=False only the files are deleted.
    """
    report = RemoveReport()
    corpus_dir = Path(settings.corpus_dir)
    if not corpus_dir.is_dir():
        raise IndexError_(f"corpus folder {corpus_dir} does not exist")
    names = [str(name) for name in names]
    with write_lock(settings, notify):
        files = {path.relative_to(corpus_dir).as_posix(): path for path in list_article_files(corpus_dir)}
        try:
            indexed = set(indexed_articles(settings)) if index else set()
        except IndexError_:  # a damaged index: the files can still go, the run below rebuilds it
            indexed = set()
        for name in names:
            rel = _listed_name(name, corpus_dir, set(files) | indexed)
            if rel is None:
                report.errors.append(f"{name}: not an article of the corpus folder {corpus_dir} or of the index")
                continue
            if rel in report.removed:
                continue
            path = files.get(rel)
            if path is not None:
                try:
                    path.unlink()  # a link itself, never what it points to
                except FileNotFoundError:
                    pass  # gone meanwhile: the index run below still drops it
                except OSError as exc:
                    report.errors.append(f"{rel}: cannot be deleted ({exc.strerror or exc})")
                    continue
            report.removed.append(rel)
            if notify:
                notify(f"removed {rel}")
        if index and report.removed:
            if embeddings is None:
                from .embeddings import get_embeddings

                embeddings = get_embeddings(settings, notify)
            report.index = index_corpus(settings, embeddings, progress=progress, notify=notify)
    return report


def indexed_articles(settings: Settings) -> dict:
    """The live index's article records by path (empty when there is no index yet)."""
    from .backend import make_backend

    backend = make_backend(settings)
    if not backend.built():
        return {}
    return backend.open_store().article_records()


def _listed_name(name: str, corpus_dir: Path, listed: set[str]) -> str | None:
    """The listed article `name` stands for (its corpus path, or a path to its file), else None."""
    if name in listed:
        return name
    # a path to the file, from here: compared without following links, so a link in the
    # corpus folder names itself, never its target
    path = Path(os.path.abspath(Path(name).expanduser()))
    try:
        rel = path.relative_to(os.path.abspath(corpus_dir)).as_posix()
    except ValueError:
        return None
    return rel if rel in listed else None


@dataclass
class ArticleState:
    """One row of the article list: an article file, an indexed article, or both."""

    path: str  # relative to the corpus folder
    title: str
    date: str  # ISO date, "" when unknown
    passages: int | None  # indexed passages; None when the article is not in the index
    state: str  # "indexed", "pending" (new or changed, not indexed yet), "error" (cannot be
    # indexed as it is; `problem` says why) or "missing" (indexed, but its file is gone)
    problem: str = ""


def article_states(settings: Settings, records: dict, cache: dict | None = None) -> list[ArticleState]:
    """Every article file of the corpus folder and every indexed article, with its state.

    `records` are the index's article records (PassageStore.article_records()). A file is
    "indexed" when its content hash is the one the index recorded for it, "pending" when it is
    new or changed since. Pass the same `cache` dict on every call: files whose size and
    modification time did not change are not read again.
    """
    corpus_dir = Path(settings.corpus_dir)
    cache = {} if cache is None else cache
    out: list[ArticleState] = []
    seen: set[str] = set()
    for path in list_article_files(corpus_dir):
        rel = path.relative_to(corpus_dir).as_posix()
        seen.add(rel)
        record = records.get(rel)
        try:
            st = path.stat()
            key = (st.st_size, st.st_mtime_ns)
            entry = cache.get(rel)
            if entry is None or entry[0] != key:
                text = read_article_text(path, rel, settings.max_file_bytes)
                entry = cache[rel] = [key, text_sha256(text), text, None]
            sha = entry[1]
            if record is not None and record.sha256 == sha:
                out.append(ArticleState(rel, record.title, record.date, record.passages, "indexed"))
                entry[2] = None  # the text is only kept for reading a pending article's title
                continue
            if entry[3] is None:  # title and date of a pending article, read once per version
                text = entry[2] if entry[2] is not None else read_article_text(path, rel, settings.max_file_bytes)
                article = parse_article(text, rel, markdown=path.suffix.lower() == ".md")
                problem = ""
                try:
                    check_answerable(article)
                except ArticleError as exc:
                    problem = str(exc)
                entry[2], entry[3] = None, (article.title, article.date, problem)
            title, date, problem = entry[3]
            passages = record.passages if record is not None else None
            out.append(ArticleState(rel, title, date, passages, "error" if problem else "pending", problem))
        except (ArticleError, OSError) as exc:
            cache.pop(rel, None)
            problem = str(exc) if isinstance(exc, ArticleError) else f"{rel}: cannot be read ({exc.strerror or exc})"
            title, date = (record.title, record.date) if record is not None else ("", "")
            out.append(ArticleState(rel, title, date, record.passages if record else None, "error", problem))
    for rel in list(cache):
        if rel not in seen:
            del cache[rel]
    for rel, record in records.items():
        if rel not in seen:
            out.append(ArticleState(rel, record.title, record.date, record.passages, "missing"))
    return out


def content_fingerprint(text: str) -> str:
    """Hash of an article's words, blind to Unicode form, invisible characters and line layout.

    Two files with the same fingerprint are the same article, whatever their names.
    """
    return text_sha256(" ".join(INVISIBLE_RE.sub("", nfc(text)).split()))


def corpus_fingerprints(settings: Settings) -> dict[str, str]:
    """Fingerprint -> corpus path of every readable article (to recognise duplicates)."""
    corpus_dir = Path(settings.corpus_dir)
    out: dict[str, str] = {}
    for path in list_article_files(corpus_dir):
        rel = path.relative_to(corpus_dir).as_posix()
        try:
            out.setdefault(content_fingerprint(read_article_text(path, rel, settings.max_file_bytes)), rel)
        except ArticleError:
            continue
    return out


def article_from_source(source: str, settings: Settings) -> tuple[str, str, str]:
    """(article text as it will be written, file-name stem, suffix) for a path or URL.

    Raises ArticleError naming the source for anything that is not a usable article.
    """
    scheme = _url_scheme(source)
    if scheme in URL_SCHEMES:
        data, content_type = fetch_url(source, settings.fetch_timeout, settings.max_file_bytes)
        if content_type == "text/plain":
            text = clean_text(decode_article_bytes(data, source))
            _check_article(text, source, markdown=False)
            return text, slugify(_first_line(text)), ".txt"
        if content_type not in ("text/html", "application/xhtml+xml") and not _looks_like_html(data):
            raise ArticleError(f"{source}: the server sent {content_type or 'an unknown type'}, not a web page or text")
        text, title = html_to_article(data, source, url=source)
        return text, slugify(title), ".txt"

    path = Path(source).expanduser()
    if not path.exists():
        if scheme:  # ftp://, file://, javascript:... (an existing file named "x:y" is still a file)
            raise ArticleError(_unsupported_scheme(source, scheme))
        raise ArticleError(f"{source}: no such file")
    if path.is_dir():
        raise ArticleError(f"{source}: is a folder; give the article files (or copy them into the corpus folder)")
    suffix = path.suffix.lower()
    if suffix not in ARTICLE_SUFFIXES + HTML_SUFFIXES:
        raise ArticleError(
            f"{source}: unsupported file type {suffix or '(none)'}; give .txt, .md, .html files or an http(s) URL"
        )
    data = _read_limited(path, source, settings.max_file_bytes)
    if suffix in HTML_SUFFIXES:
        if not data.strip():
            raise ArticleError(f"{source}: the file is empty")
        text, title = html_to_article(data, source)
        return text, slugify(title), ".txt"
    text = clean_text(decode_article_bytes(data, source))
    _check_article(text, source, markdown=suffix == ".md")
    return text, slugify(path.stem), suffix


def clean_text(text: str) -> str:
    """Text as written into the corpus: NFC, invisible/bidi controls removed, '\\n' line ends."""
    text = INVISIBLE_RE.sub("", nfc(text))
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text.strip("\n") + "\n"


def html_to_article(data: bytes | str, name: str, url: str | None = None) -> tuple[str, str]:
    """(article text, title) from an HTML page: title line, date line when known, body paragraphs."""
    try:
        import trafilatura
    except ImportError as exc:
        raise ArticleError(
            f"{name}: reading HTML needs `pip install trafilatura lxml_html_clean` ({exc})"
        ) from None
    try:
        doc = trafilatura.bare_extraction(
            data,
            url=url,
            with_metadata=True,
            favor_precision=True,  # leave out menus, teasers, "related" boxes
            include_comments=False,
            include_tables=True,
            include_links=False,
            include_images=False,
            date_extraction_params={"extensive_search": False, "original_date": True},
        )
    except Exception as exc:  # trafilatura raises assorted lxml errors on broken markup
        raise ArticleError(f"{name}: the page could not be parsed ({exc})") from None
    body_text = clean_text(getattr(doc, "text", "") or "") if doc is not None else ""
    title = " ".join(INVISIBLE_RE.sub("", nfc(getattr(doc, "title", "") or "")).split()) if doc is not None else ""
    lines = [" ".join(line.split()) for line in body_text.split("\n")]
    lines = [line for line in lines if line]
    if lines and title and fold(lines[0]) == fold(title):
        lines = lines[1:]
    body: list[str] = []
    for line in lines:
        folded = fold(line).strip(" :.-—")
        if folded in _RELATED_HEADINGS:
            break  # a "related articles" box that survived extraction: the article is over
        if _BARE_DATE_RE.match(line):
            continue  # a dateline; the date goes on its own line below
        body.append(line)
    if not title and body:
        title = body.pop(0)
    if not body:
        raise ArticleError(f"{name}: no article text found in the page")
    out = [title]
    date = vietnamese_date(getattr(doc, "date", "") or "")
    if date:
        # the line corpus.parse_article reads the publication date from; ends with a full stop
        # so it is not mistaken for a section heading
        out.append(f"Ngày đăng: {date}.")
    out += body
    text = clean_text("\n".join(out))
    _check_article(text, name, markdown=False)
    return text, title


def fetch_url(url: str, timeout: float, max_bytes: int) -> tuple[bytes, str]:
    """(body, content type) of a URL, within `timeout` seconds in total and `max_bytes` bytes.

    The deadline covers connecting, the response headers and the whole body (name resolution
    excepted): a server that trickles bytes is cut off when it runs out.
    """
    scheme = _url_scheme(url)
    if scheme not in URL_SCHEMES:
        raise ArticleError(_unsupported_scheme(url, scheme or "(none)"))
    request = urllib.request.Request(
        url, headers={"User-Agent": USER_AGENT, "Accept": "text/html,application/xhtml+xml,text/plain;q=0.9,*/*;q=0.1"}
    )
    deadline = _Deadline(timeout)
    received: int | None = None  # body bytes so far; None until the response headers are in
    chunks: list[bytes] = []
    try:
        with deadline, _opener(deadline).open(request, timeout=timeout) as response:
            received = 0
            declared = response.headers.get("Content-Length")
            if declared and declared.isdigit() and int(declared) > max_bytes:
                raise ArticleError(
                    f"{url}: {int(declared):,} bytes is over the {max_bytes:,}-byte limit for one article "
                    "(ASSISTANT_MAX_FILE_BYTES)"
                )
            while deadline.remaining() > 0:
                # read1: at most one receive, so the deadline is looked at between any two of them
                chunk = response.read1(65536)
                if not chunk:
                    break
                received += len(chunk)
                if received > max_bytes:
                    raise ArticleError(
                        f"{url}: more than the {max_bytes:,}-byte limit for one article (ASSISTANT_MAX_FILE_BYTES)"
                    )
                chunks.append(chunk)
            if deadline.expired or deadline.remaining() <= 0:
                # the connection was cut at the deadline: what came is not the whole page
                raise TimeoutError
            content_type = response.headers.get_content_type() if response.headers.get("Content-Type") else ""
    except ArticleError:
        raise
    except (OSError, ValueError, http.client.HTTPException) as exc:
        if deadline.expired or deadline.remaining() <= 0 or isinstance(exc, TimeoutError) or (
            isinstance(exc, urllib.error.URLError) and isinstance(exc.reason, TimeoutError)
        ):
            if received is None:
                raise ArticleError(f"{url}: no answer within {timeout:g}s (ASSISTANT_FETCH_TIMEOUT)") from None
            raise ArticleError(
                f"{url}: gave up after {timeout:g}s (ASSISTANT_FETCH_TIMEOUT): the page was still arriving "
                f"({received:,} bytes so far); try again later or raise ASSISTANT_FETCH_TIMEOUT"
            ) from None
        if isinstance(exc, urllib.error.HTTPError):
            raise ArticleError(f"{url}: the server answered HTTP {exc.code} {exc.reason}") from None
        if isinstance(exc, urllib.error.URLError):
            raise ArticleError(f"{url}: cannot be reached ({exc.reason})") from None
        raise ArticleError(f"{url}: cannot be fetched ({exc})") from None
    data = b"".join(chunks)
    if not data.strip():
        raise ArticleError(f"{url}: the page is empty")
    return data, content_type


class _Deadline:
    """The total time one fetch may take; when it runs out, the fetch's connections are shut down.

    Shutting a connection down wakes a receive that is blocked in another phase (headers, TLS
    handshake) at once; a per-receive socket timeout alone would let a server that sends one
    byte at a time go on forever. Each connection is watched through a duplicate of its
    socket, so the shutdown reaches it even after http.client or ssl has wrapped or closed the
    original, and never touches a file descriptor the process has since reused.
    """

    def __init__(self, seconds: float):
        self.end = time.monotonic() + seconds
        self.expired = False
        self._socks: list[socket.socket] = []
        self._lock = threading.Lock()
        self._done = False
        self._timer = threading.Timer(max(seconds, 0.0), self._expire)
        self._timer.daemon = True

    def remaining(self) -> float:
        """Seconds left."""
        return self.end - time.monotonic()

    def watch(self, sock: socket.socket) -> None:
        """Shut this connection down when the deadline passes (at once if it already has)."""
        dup = sock.dup()
        with self._lock:
            self._socks.append(dup)
            if self.expired:
                _shutdown(dup)

    def _expire(self) -> None:
        with self._lock:
            if self._done:
                return
            self.expired = True
            for sock in self._socks:
                _shutdown(sock)

    def __enter__(self) -> _Deadline:
        self._timer.start()
        return self

    def __exit__(self, *exc) -> None:
        self._timer.cancel()
        with self._lock:
            self._done = True
            socks, self._socks = self._socks, []
        for sock in socks:
            sock.close()


def _shutdown(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass  # already closed by the other side


class _DeadlineConnectionMixin:
    """An http.client connection that connects within, and is watched by, a fetch's deadline."""

    def __init__(self, *args, deadline: _Deadline, **kwargs):
        super().__init__(*args, **kwargs)
        self._deadline = deadline
        self._create_connection = self._connect_within_deadline

    def _connect_within_deadline(self, address, timeout, source_address=None):
        left = self._deadline.remaining()
        if left <= 0:
            raise TimeoutError("the fetch deadline has passed")
        # the connection's own timeout is ignored: connecting may take what is left, no more
        sock = socket.create_connection(address, left, source_address)
        self._deadline.watch(sock)
        return sock


class _DeadlineHTTPConnection(_DeadlineConnectionMixin, http.client.HTTPConnection):
    pass


class _DeadlineHTTPSConnection(_DeadlineConnectionMixin, http.client.HTTPSConnection):
    pass


class _DeadlineHTTPHandler(urllib.request.HTTPHandler):
    def __init__(self, deadline: _Deadline):
        super().__init__()
        self._deadline = deadline

    def http_open(self, req):
        return self.do_open(_DeadlineHTTPConnection, req, deadline=self._deadline)


class _DeadlineHTTPSHandler(urllib.request.HTTPSHandler):
    def __init__(self, deadline: _Deadline):
        super().__init__()
        self._deadline = deadline

    def https_open(self, req):
        return self.do_open(_DeadlineHTTPSConnection, req, context=self._context, deadline=self._deadline)


def _opener(deadline: _Deadline) -> urllib.request.OpenerDirector:
    """urllib's default opener for http(s) only: a redirect cannot lead to ftp:, file: or data:."""
    opener = urllib.request.OpenerDirector()
    for handler in (
        urllib.request.ProxyHandler(),
        urllib.request.UnknownHandler(),
        _DeadlineHTTPHandler(deadline),
        _DeadlineHTTPSHandler(deadline),
        urllib.request.HTTPDefaultErrorHandler(),
        urllib.request.HTTPRedirectHandler(),
        urllib.request.HTTPErrorProcessor(),
    ):
        opener.add_handler(handler)
    return opener


def slugify(text: str) -> str:
    """A safe, readable file-name stem: accent-free lower-case words joined by '-'."""
    words = re.findall(r"[a-z0-9]+", fold(INVISIBLE_RE.sub("", text)))
    slug = ""
    for word in words:
        candidate = f"{slug}-{word}" if slug else word
        if len(candidate) > MAX_SLUG_CHARS:
            break
        slug = candidate
    return slug or "bai-viet"


def _write_new_article(corpus_dir: Path, stem: str, suffix: str, text: str) -> str:
    """Write under stem+suffix, or stem-2, stem-3, ... when taken; atomically (no half file is seen)."""
    data = text.encode("utf-8")
    n = 1
    while True:
        name = f"{stem}{suffix}" if n == 1 else f"{stem}-{n}{suffix}"
        target = corpus_dir / name
        tmp = corpus_dir / f".{name}.part"
        tmp.write_bytes(data)
        try:
            # link() fails if the name is taken, so a different article is never overwritten,
            # even by another process adding at the same moment
            os.link(tmp, target)
            return name
        except FileExistsError:
            n += 1
        except OSError:
            # no hard links on this file system: exclusive create, still never overwriting
            try:
                with open(target, "xb") as fh:
                    fh.write(data)
                return name
            except FileExistsError:
                n += 1
        finally:
            tmp.unlink(missing_ok=True)


def _read_limited(path: Path, name: str, max_bytes: int) -> bytes:
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise ArticleError(
                f"{name}: {size:,} bytes is over the {max_bytes:,}-byte limit for one article "
                "(ASSISTANT_MAX_FILE_BYTES)"
            )
        return path.read_bytes()
    except OSError as exc:
        raise ArticleError(f"{name}: cannot be read ({exc.strerror or exc})") from None


def _check_article(text: str, name: str, markdown: bool) -> None:
    """Refuse text with nothing to answer from (a title and no paragraph), as `assistant index` does."""
    check_answerable(parse_article(text, name, markdown=markdown))


def _first_line(text: str) -> str:
    return next((line for line in text.split("\n") if line.strip()), "")


def _url_scheme(source: str) -> str:
    """The URL scheme of a source, lower-case, or "" for a plain path (a drive letter is no scheme)."""
    m = _SCHEME_RE.match(source)
    return m.group(1).lower() if m and len(m.group(1)) > 1 else ""


def _unsupported_scheme(source: str, scheme: str) -> str:
    allowed = " or ".join(f"{s}://" for s in URL_SCHEMES)
    return f"{source}: unsupported URL scheme '{scheme}'; give an {allowed} URL or a file path"


def _looks_like_html(data: bytes) -> bool:
    head = data[:2048].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html")) or b"<body" in head
