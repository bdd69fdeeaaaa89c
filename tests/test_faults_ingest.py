"""Fault injection for getting articles in: slow servers, foreign URL schemes, links leading out of
the corpus, HTML dropped into the corpus, title-only files.

Everything is real: a trickling HTTP server on loopback, files and symbolic links in temp folders,
the `assistant` console script in a subprocess (exact message and exit code), Chroma and e5.
"""

from __future__ import annotations

import json
import shutil
import time
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from conftest import FIXTURE_CORPUS, loopback_http, make_corpus, run_cli

# outer ASSISTANT_* settings must not leak into these runs (empty = default)
CLEAN_ENV = {"ASSISTANT_CORPUS_DIR": "", "ASSISTANT_INDEX_DIR": "", "ASSISTANT_EMBEDDINGS": "", "ASSISTANT_CHROMA_URL": ""}
FIXTURE_ARTICLES = sorted(p.name for p in FIXTURE_CORPUS.iterdir())
FETCH_TIMEOUT = 1.5  # seconds; small, so the slow-server tests stay fast
TRICKLE_PAUSE = 0.25  # seconds between two bytes: each receive succeeds, the whole never ends in time
SECRET = "Mật khẩu kho lưu trữ\nMật khẩu của kho lưu trữ nội bộ là ngựa-vằn-42, không được tiết lộ.\n"
TITLE_ONLY = "Chỉ có tiêu đề mà không có nội dung\n"
ARTICLE = "Hà Tĩnh khánh thành nhà máy nước\nNhà máy nước Cẩm Xuyên công suất 24.000 m3 mỗi ngày đi vào hoạt động.\n"
PAGE = ("<!doctype html><html><head><meta charset='utf-8'><title>Điện Biên lắp trạm quan trắc sương muối</title>"
        "</head><body><article><h1>Điện Biên lắp trạm quan trắc sương muối</h1>"
        "<p>Tỉnh Điện Biên lắp 12 trạm quan trắc sương muối tự động ở các huyện vùng cao trong năm 2025.</p>"
        "<p>Mỗi trạm gửi cảnh báo tới người trồng chè và cà phê trước khi nhiệt độ xuống dưới 2 độ C.</p>"
        "</article></body></html>")


def cli(*args: str, env: dict | None = None, **kwargs):
    return run_cli(*args, env={**CLEAN_ENV, **(env or {})}, **kwargs)


# -- a server that trickles ------------------------------------------------------------------


class _Trickler(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 - http.server's name
        try:
            if self.path == "/trickle-body":
                # the headers at once, then one byte of a declared 10 kB page at a time
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", "10000")
                self.end_headers()
                self._trickle(b"<html><body><p>" + b"x" * 9985)
            elif self.path == "/trickle-headers":
                self._trickle(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nX-Padding: " + b"x" * 200)
            elif self.path == "/to-ftp":
                self.send_response(302)
                self.send_header("Location", "ftp://127.0.0.1/bai-viet.txt")
                self.send_header("Content-Length", "0")
                self.end_headers()
            else:
                self.send_error(404)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up, as it should
            pass

    def _trickle(self, data: bytes) -> None:
        # bounded, so a client that never gives up fails the test rather than hanging the server
        for byte in data[:80]:
            self.wfile.write(bytes([byte]))
            self.wfile.flush()
            time.sleep(TRICKLE_PAUSE)

    def log_message(self, *args):  # keep test output clean
        pass


@pytest.fixture(scope="module")
def slow_site():
    """An HTTP server on 127.0.0.1 that sends its pages one byte at a time."""
    with loopback_http(_Trickler) as url:
        yield url


@pytest.mark.parametrize("path, message", [
    ("/trickle-body", "gave up after 1.5s (ASSISTANT_FETCH_TIMEOUT): the page was still arriving ("),
    ("/trickle-headers", "no answer within 1.5s (ASSISTANT_FETCH_TIMEOUT)"),
])
def test_add_url_that_trickles_gives_up_at_the_total_deadline(tmp_path, slow_site, path, message):
    corpus = tmp_path / "corpus"
    url = slow_site + path
    started = time.monotonic()
    result = cli("add", url, "--corpus", str(corpus), "--index", str(tmp_path / "index"),
                 env={"ASSISTANT_FETCH_TIMEOUT": str(FETCH_TIMEOUT)}, timeout=60)
    elapsed = time.monotonic() - started
    assert result.returncode == 1, (result.returncode, result.stderr)
    assert elapsed < FETCH_TIMEOUT + 3, f"took {elapsed:.1f}s: the deadline must cover the whole fetch"
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {url}: {message}"), result.stderr
    if path == "/trickle-body":
        assert lines[0].endswith(" bytes so far); try again later or raise ASSISTANT_FETCH_TIMEOUT"), lines[0]
    assert not any(corpus.iterdir()), "nothing half-received is written"
    assert not (tmp_path / "index").exists(), "nothing to index after a total failure"


def test_fetch_url_deadline_is_total_not_per_read(slow_site):
    from assistant.corpus import ArticleError
    from assistant.ingest import fetch_url

    url = f"{slow_site}/trickle-body"
    started = time.monotonic()
    with pytest.raises(ArticleError) as exc:
        fetch_url(url, 0.8, 1_000_000)
    assert time.monotonic() - started < 0.8 + 1.0
    assert str(exc.value).startswith(f"{url}: gave up after 0.8s (ASSISTANT_FETCH_TIMEOUT): the page was still arriving (")


def test_a_redirect_cannot_lead_to_another_scheme(tmp_path, slow_site):
    from assistant.corpus import ArticleError
    from assistant.ingest import fetch_url

    url = f"{slow_site}/to-ftp"
    with pytest.raises(ArticleError) as exc:
        fetch_url(url, 5, 1_000_000)
    assert str(exc.value) == f"{url}: cannot be reached (unknown url type: ftp)"


# -- URL schemes -----------------------------------------------------------------------------


def test_add_refuses_url_schemes_other_than_http_and_https_and_names_the_allowed_ones(tmp_path):
    corpus = tmp_path / "corpus"
    work = tmp_path / "work"
    work.mkdir()
    # a file whose name looks like a scheme is still a file when it exists
    (work / "ghi-chu:2025.txt").write_text(ARTICLE, encoding="utf-8")
    sources = ["ftp://127.0.0.1/bai-viet.txt", "file:///etc/passwd", "javascript:alert(1)", "data:text/plain,xin-chao",
               "C:/bai-viet.txt", "ghi-chu:2025.txt"]
    result = cli("add", *sources, "--no-index", "--json", "--corpus", str(corpus), "--index", str(tmp_path / "index"),
                 cwd=work)
    assert result.returncode == 3, (result.returncode, result.stderr)
    out = json.loads(result.stdout)
    allowed = "give an http:// or https:// URL or a file path"
    assert out["errors"] == [
        f"ftp://127.0.0.1/bai-viet.txt: unsupported URL scheme 'ftp'; {allowed}",
        f"file:///etc/passwd: unsupported URL scheme 'file'; {allowed}",
        f"javascript:alert(1): unsupported URL scheme 'javascript'; {allowed}",
        f"data:text/plain,xin-chao: unsupported URL scheme 'data'; {allowed}",
        "C:/bai-viet.txt: no such file",  # a drive letter is a path, not a scheme
    ], out["errors"]
    assert [e.split(": ", 1)[0] for e in result.stderr.splitlines()] == ["error"] * 5, result.stderr
    assert [a["path"] for a in out["added"]] == ["ghi-chu-2025.txt"]
    assert sorted(p.name for p in corpus.iterdir()) == ["ghi-chu-2025.txt"]


def test_add_with_only_a_foreign_scheme_is_exit_1(tmp_path):
    result = cli("add", "ftp://example.invalid/x", "--corpus", str(tmp_path / "corpus"), "--index", str(tmp_path / "index"))
    assert result.returncode == 1, (result.returncode, result.stderr)
    assert result.stderr.strip() == (
        "error: ftp://example.invalid/x: unsupported URL scheme 'ftp'; give an http:// or https:// URL or a file path"
    )


# -- what lies in the corpus folder ----------------------------------------------------------


def _index(tmp_path: Path, corpus: Path, *extra: str):
    result = cli("index", "--json", "--corpus", str(corpus), "--index", str(tmp_path / "index"), *extra)
    return result, json.loads(result.stdout) if result.stdout.strip() else None


def _assert_reported(result, summary, errors: list[str]) -> None:
    assert summary["errors"] == errors, summary["errors"]
    for err in errors:
        assert f"error: {err}" in result.stderr.splitlines(), result.stderr


def test_index_refuses_a_symlink_leading_outside_the_corpus_and_drops_what_it_had(tmp_path):
    corpus = make_corpus(tmp_path / "corpus", with_seed=False)
    outside = tmp_path / "private" / "passwd"
    outside.parent.mkdir()
    outside.write_text(SECRET, encoding="utf-8")
    # first a real file of that name, as an older version may have indexed a link
    (corpus / "secret.txt").write_text(SECRET, encoding="utf-8")
    (corpus / "alias.txt").symlink_to(corpus / "lam-dong-hoa.txt")  # inside the corpus: allowed
    result, summary = _index(tmp_path, corpus)
    assert result.returncode == 0, result.stderr
    assert summary["added"] == sorted(FIXTURE_ARTICLES + ["alias.txt", "secret.txt"])

    (corpus / "secret.txt").unlink()
    (corpus / "secret.txt").symlink_to(outside)
    refused = f"secret.txt: a symbolic link to a file outside the corpus folder ({outside.resolve()}); refused"
    result, summary = _index(tmp_path, corpus)
    assert result.returncode == 3, (result.returncode, result.stderr)
    _assert_reported(result, summary, [refused])
    assert summary["removed"] == ["secret.txt"], "what it pointed at is no longer answerable"
    assert summary["kept"] == []
    # the no-op fast path must not pass over it as "all unchanged"
    result, summary = _index(tmp_path, corpus)
    assert result.returncode == 3, (result.returncode, result.stderr)
    _assert_reported(result, summary, [refused])
    assert summary["unchanged"] == sorted(FIXTURE_ARTICLES + ["alias.txt"]) and summary["added"] == []

    result = cli("search", "mật khẩu kho lưu trữ ngựa vằn", "--json", "--corpus", str(corpus),
                 "--index", str(tmp_path / "index"))
    assert result.returncode == 0, result.stderr
    assert all(r["article"] != "secret.txt" for r in json.loads(result.stdout)["results"])


def test_index_reports_html_in_the_corpus_and_says_how_to_add_it(tmp_path):
    corpus = make_corpus(tmp_path / "corpus", with_seed=False)
    (corpus / "dien-bien.html").write_text(PAGE, encoding="utf-8")
    (corpus / "2025").mkdir()
    (corpus / "2025" / "cu.htm").write_text(PAGE, encoding="utf-8")
    (corpus / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")  # not an article: ignored silently
    (corpus / "ghi-chu.json").write_text("{}", encoding="utf-8")
    html_error = "{}: HTML is not read from the corpus folder; move it out and run `assistant add {}` (it is converted to a .txt article)"
    expected = [html_error.format("2025/cu.htm", "cu.htm"), html_error.format("dien-bien.html", "dien-bien.html")]
    result, summary = _index(tmp_path, corpus)
    assert result.returncode == 3, (result.returncode, result.stderr)
    _assert_reported(result, summary, expected)
    assert summary["added"] == FIXTURE_ARTICLES
    result, summary = _index(tmp_path, corpus)  # no-op run: still said
    assert result.returncode == 3 and summary["errors"] == expected, result.stderr

    # doing what the message says fixes it
    moved = tmp_path / "dien-bien.html"
    shutil.move(corpus / "dien-bien.html", moved)
    shutil.rmtree(corpus / "2025")
    result = cli("add", str(moved), "--json", "--corpus", str(corpus), "--index", str(tmp_path / "index"))
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["added"][0]["path"] == "dien-bien-lap-tram-quan-trac-suong-muoi.txt"
    assert out["index"]["errors"] == [] and out["index"]["added"] == ["dien-bien-lap-tram-quan-trac-suong-muoi.txt"]


def test_a_corpus_of_only_html_is_exit_1(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "trang.html").write_text(PAGE, encoding="utf-8")
    result, summary = _index(tmp_path, corpus)
    assert result.returncode == 1, (result.returncode, result.stderr)
    assert summary["errors"] == [
        ("trang.html: HTML is not read from the corpus folder; move it out and run `assistant add trang.html` "
         "(it is converted to a .txt article)")
    ]


def test_title_only_file_is_refused_by_index_with_the_message_add_gives(tmp_path):
    corpus = make_corpus(tmp_path / "corpus", with_seed=False)
    (corpus / "chi-tieu-de.txt").write_text(TITLE_ONLY, encoding="utf-8")
    result, summary = _index(tmp_path, corpus)
    assert result.returncode == 3, (result.returncode, result.stderr)
    _assert_reported(result, summary, ["chi-tieu-de.txt: has a title line but no article text under it"])
    assert summary["added"] == FIXTURE_ARTICLES and summary["articles"] == len(FIXTURE_ARTICLES)
    result, summary = _index(tmp_path, corpus)  # the no-op run says it again
    assert result.returncode == 3 and summary["errors"] == ["chi-tieu-de.txt: has a title line but no article text under it"]

    src = tmp_path / "src"
    src.mkdir()
    shutil.copy(corpus / "chi-tieu-de.txt", src / "chi-tieu-de.txt")
    result = cli("add", str(src / "chi-tieu-de.txt"), "--corpus", str(tmp_path / "other"), "--index", str(tmp_path / "other-index"))
    assert result.returncode == 1, (result.returncode, result.stderr)
    assert result.stderr.strip() == f"error: {src}/chi-tieu-de.txt: has a title line but no article text under it"


def test_a_title_only_article_an_older_version_indexed_is_removed_and_reported(tmp_path, e5):
    from assistant.corpus import text_sha256
    from assistant.indexer import EXIT_PARTIAL, index_corpus, open_store
    from assistant.settings import Settings
    from assistant.store import ArticleRecord

    corpus = make_corpus(tmp_path / "corpus", with_seed=False)
    settings = Settings.from_env(environ={}, corpus_dir=corpus, index_dir=tmp_path / "index")
    assert index_corpus(settings, e5).exit_code == 0
    # what earlier versions left for a title-only file: an article record with no passages
    (corpus / "chi-tieu-de.txt").write_text(TITLE_ONLY, encoding="utf-8")
    store = open_store(settings)
    store.write_record(ArticleRecord("chi-tieu-de.txt", text_sha256(TITLE_ONLY), TITLE_ONLY.strip(), 0))
    store.close()
    summary = index_corpus(settings, e5)
    assert summary.errors == ["chi-tieu-de.txt: has a title line but no article text under it"]
    assert summary.removed == ["chi-tieu-de.txt"] and summary.kept == []
    assert summary.exit_code == EXIT_PARTIAL
    assert "chi-tieu-de.txt" not in open_store(settings).article_records()


def test_an_article_edited_down_to_its_title_keeps_its_passages(tmp_path, e5):
    from assistant.indexer import EXIT_PARTIAL, index_corpus, open_store
    from assistant.settings import Settings

    corpus = make_corpus(tmp_path / "corpus", with_seed=False)
    settings = Settings.from_env(environ={}, corpus_dir=corpus, index_dir=tmp_path / "index")
    index_corpus(settings, e5)
    before = open_store(settings).article_records()["lam-dong-hoa.txt"]
    first_line = (corpus / "lam-dong-hoa.txt").read_text(encoding="utf-8").split("\n")[0]
    (corpus / "lam-dong-hoa.txt").write_text(first_line + "\n", encoding="utf-8")
    summary = index_corpus(settings, e5)
    assert summary.errors == ["lam-dong-hoa.txt: has a title line but no article text under it"]
    assert summary.kept == ["lam-dong-hoa.txt"] and summary.exit_code == EXIT_PARTIAL
    assert open_store(settings).article_records()["lam-dong-hoa.txt"] == before, "nothing indexed is lost"
