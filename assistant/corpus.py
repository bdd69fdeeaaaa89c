"""Loading and cleaning articles: decoding, title, paragraphs, section headings, boilerplate removal.

Offsets everywhere refer to `Article.text`, the file exactly as read (decoded, newlines
normalised the way Python's text mode does), so `article.text[start:end]` is always verifiable.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from .errors import UserError
from .text import fold, nfc

ARTICLE_SUFFIXES = (".txt", ".md")
# pages `assistant add` converts into .txt articles; never indexed in place, because a cited
# passage must be a verbatim slice of the file and raw HTML is not readable text
HTML_SUFFIXES = (".html", ".htm", ".xhtml")
# Headings of the "more stories" block news sites append; everything after them is other articles.
_RELATED_HEADINGS = (
    "co the ban quan tam",
    "tin lien quan",
    "bai lien quan",
    "tin cung chuyen muc",
    "xem them",
    "doc them",
    "tin moi nhat",
    "tin khac",
    "related articles",
    "related news",
    "read more",
)
_TEASER_PREFIXES = (">>>", ">>", "»»")
_TERMINAL = tuple(".!?…:;\"”»)’")
_TIMESTAMP_RE = re.compile(r"^\s*\d{1,2}:\d{2}(,|\s)\s*\d{1,2}/\d{1,2}/\d{2,4}\s*$")
_MD_HEADING_RE = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_DATE_RE = re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{4})\b")
_ISO_DATE_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")


class ArticleError(UserError):
    """An article file that cannot be read; the message names the file."""


@dataclass(frozen=True)
class Block:
    """A span of the article: kind is title, heading, paragraph, teaser or related."""

    kind: str
    start: int
    end: int


@dataclass
class Article:
    """One article as read, with its answerable blocks located by character offsets."""

    path: str  # relative to the corpus folder, with forward slashes
    title: str
    text: str
    blocks: list[Block] = field(default_factory=list)
    date: str = ""

    @property
    def sha256(self) -> str:
        """Content hash used to tell changed articles from unchanged ones."""
        return text_sha256(self.text)

    def paragraphs(self) -> list[tuple[str, Block]]:
        """(section heading, block) for every answerable paragraph, in reading order."""
        section = ""
        out = []
        for block in self.blocks:
            if block.kind == "heading":
                section = self.text[block.start:block.end].lstrip("#").strip()
            elif block.kind == "paragraph":
                out.append((section, block))
        return out


def decode_article_bytes(data: bytes, name: str) -> str:
    """Decode article bytes (UTF-8, or UTF-16 with a BOM) or raise ArticleError naming the file."""
    if not data.strip():
        raise ArticleError(f"{name}: the file is empty")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise ArticleError(f"{name}: not valid UTF-16 text ({exc.reason})") from None
    else:
        if b"\x00" in data[:8192]:
            raise ArticleError(f"{name}: looks like a binary file, not a text article")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ArticleError(
                f"{name}: not valid UTF-8 text (byte {exc.start}: {exc.reason}); "
                "save the article as UTF-8"
            ) from None
    # A UTF-8 BOM stays in the text (Path.read_text(encoding="utf-8") keeps it too, and offsets
    # must match that); the line scanner treats it as leading space.
    # what Python's text mode does on read: universal newlines
    return text.replace("\r\n", "\n").replace("\r", "\n")


def read_article_text(path: Path, rel: str, max_bytes: int | None) -> str:
    """The decoded text of an article file, or ArticleError naming it (size, empty, encoding)."""
    try:
        size = path.stat().st_size
        if max_bytes is not None and size > max_bytes:
            raise ArticleError(
                f"{rel}: {size:,} bytes is over the {max_bytes:,}-byte limit for one article "
                "(ASSISTANT_MAX_FILE_BYTES)"
            )
        data = path.read_bytes()
    except OSError as exc:
        raise ArticleError(f"{rel}: cannot be read ({exc.strerror or exc})") from None
    return decode_article_bytes(data, rel)


def text_sha256(text: str) -> str:
    """The content hash of an article's text (tells changed articles from unchanged ones)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def read_article(path: Path, corpus_dir: Path, max_bytes: int | None = None) -> Article:
    """Read and clean one article file."""
    path = Path(path)
    try:
        rel = path.resolve().relative_to(Path(corpus_dir).resolve()).as_posix()
    except ValueError:
        rel = path.name
    text = read_article_text(path, rel, max_bytes)
    return parse_article(text, rel, markdown=path.suffix.lower() == ".md")


def parse_article(text: str, path: str, markdown: bool = False) -> Article:
    """Split article text into title, headings, paragraphs, teasers and the related-links tail."""
    lines = _lines_with_offsets(text)
    if not lines:
        raise ArticleError(f"{path}: the file has no text")
    blocks: list[Block] = []
    title_start, title_end = lines[0]
    title = text[title_start:title_end].strip()
    if markdown:
        m = _MD_HEADING_RE.match(title)
        if m:
            title = m.group(2)
    title = nfc(title)
    blocks.append(Block("title", title_start, title_end))

    related = False
    current: list[int] | None = None  # [start, end] of the paragraph being joined
    body = lines[1:]
    for i, (start, end) in enumerate(body):
        line = text[start:end]
        stripped = line.strip()
        if related:
            blocks.append(Block("related", start, end))
            continue
        folded = fold(stripped).strip(" :.-—")
        dated = _TIMESTAMP_RE.match(stripped) is not None
        if dated and len(body) - i > 3 and not _dated_list_follows(text, body[i + 1:i + 5]):
            # a dateline ("14:20, 28/11/2025") under the lead: not text to answer from, and not
            # the start of the related links (those are dated headlines, or the last lines)
            current = _flush(blocks, current)
            blocks.append(Block("related", start, end))
            continue
        if folded in _RELATED_HEADINGS or dated:
            related = True
            current = _flush(blocks, current)
            blocks.append(Block("related", start, end))
            continue
        if stripped.startswith(_TEASER_PREFIXES):
            current = _flush(blocks, current)
            blocks.append(Block("teaser", start, end))
            continue
        if markdown and _MD_HEADING_RE.match(line):
            current = _flush(blocks, current)
            blocks.append(Block("heading", start, end))
            continue
        if current is not None and _continues(text[current[0]:current[1]], stripped):
            current[1] = end
            continue
        current = _flush(blocks, current)
        current = [start, end]
    _flush(blocks, current)
    _mark_headings(text, blocks, markdown)
    date = ""
    m = _DATE_RE.search(text[: min(len(text), 600)])
    if m:
        date = f"{m.group(3)}-{int(m.group(2)):02d}-{int(m.group(1)):02d}"
    return Article(path=path, title=title, text=text, blocks=blocks, date=date)


def _dated_list_follows(text: str, following: list[tuple[int, int]]) -> bool:
    """Another timestamp within the next few lines: a list of dated headlines (other articles)."""
    return any(_TIMESTAMP_RE.match(text[s:e].strip()) for s, e in following)


def _lines_with_offsets(text: str) -> list[tuple[int, int]]:
    """(start, end) of every non-blank line, end excluding the newline and trailing spaces."""
    out = []
    pos = 0
    for raw in text.split("\n"):
        stripped_right = raw.rstrip()
        lead = len(raw) - len(raw.lstrip().lstrip("\ufeff").lstrip())
        if stripped_right.strip().strip("\ufeff"):
            out.append((pos + lead, pos + len(stripped_right)))
        pos += len(raw) + 1
    return out


def _continues(previous: str, line: str) -> bool:
    """A line continues the previous one when that was broken mid-sentence."""
    prev = previous.rstrip()
    if not prev or prev.endswith(_TERMINAL):
        return False
    first = line[:1]
    return first.islower() or prev.endswith((",", "-", "–"))


def _ends_sentence(line: str) -> bool:
    """Ends with sentence punctuation; a closing quote only after it ('… “chìa khóa”' is a heading)."""
    bare = line.rstrip("\"”»)’")
    if bare != line:
        return bare.endswith(tuple(".!?…:;,"))
    return line.endswith(_TERMINAL + (",",))


def _flush(blocks: list[Block], current: list[int] | None) -> None:
    if current is not None:
        blocks.append(Block("paragraph", current[0], current[1]))
    return None


def _mark_headings(text: str, blocks: list[Block], markdown: bool) -> None:
    """Turn short, unpunctuated stand-alone lines followed by a paragraph into section headings."""
    for i, block in enumerate(blocks):
        if block.kind != "paragraph" or i + 1 >= len(blocks):
            continue
        nxt = blocks[i + 1]
        if nxt.kind not in ("paragraph", "teaser"):
            continue
        line = text[block.start:block.end].strip()
        words = line.split()
        if (
            len(words) <= 14
            and len(line) <= 120
            and "\n" not in line
            and not _ends_sentence(line)
            and line[:1].isupper()
        ):
            blocks[i] = Block("heading", block.start, block.end)


def vietnamese_date(iso: str) -> str:
    """An ISO date (2025-11-28, as articles' dates are kept) written the Vietnamese way: 28/11/2025;
    '' when it is not one."""
    m = _ISO_DATE_RE.match(iso)
    return f"{m.group(3)}/{m.group(2)}/{m.group(1)}" if m else ""


def check_answerable(article: Article) -> None:
    """Raise ArticleError when the article has nothing to answer from (a title and no paragraph)."""
    if not any(block.kind == "paragraph" for block in article.blocks):
        raise ArticleError(f"{article.path}: has a title line but no article text under it")


def scan_corpus(corpus_dir: Path) -> tuple[list[Path], list[str]]:
    """(article files, one message per refused file) under the corpus folder, both sorted by path.

    Hidden files and folders are skipped. Refused, each with a message: symbolic links that lead
    outside the corpus folder (indexing them would make any readable file answerable) and HTML
    pages (to be converted by `assistant add`). Links that stay inside the folder are allowed,
    so a linked article is indexed under both names. Other files (.DS_Store, .json, images...)
    are not articles and are ignored without a word, as are links to folders (never followed)
    and links whose target is missing.
    """
    corpus_dir = Path(corpus_dir)
    if not corpus_dir.is_dir():
        return [], []
    root = corpus_dir.resolve()
    files: list[Path] = []
    problems: list[str] = []
    for path in sorted(corpus_dir.rglob("*")):
        rel = path.relative_to(corpus_dir)
        if any(part.startswith(".") for part in rel.parts):
            continue
        suffix = path.suffix.lower()
        if suffix in HTML_SUFFIXES and path.is_file():
            problems.append(
                f"{rel.as_posix()}: HTML is not read from the corpus folder; move it out and run "
                f"`assistant add {path.name}` (it is converted to a .txt article)"
            )
            continue
        if suffix not in ARTICLE_SUFFIXES or not path.is_file():
            continue
        # rglob never descends into linked folders, so only the file itself can be a link
        if path.is_symlink():
            target = path.resolve()
            if not target.is_relative_to(root):
                problems.append(
                    f"{rel.as_posix()}: a symbolic link to a file outside the corpus folder ({target}); refused"
                )
                continue
        files.append(path)
    return files, problems


def list_article_files(corpus_dir: Path) -> list[Path]:
    """Article files (.txt, .md) under the corpus folder, sorted; hidden and refused files skipped."""
    return scan_corpus(corpus_dir)[0]
