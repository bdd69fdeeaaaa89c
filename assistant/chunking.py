"""Cutting articles into passages a reader can verify: about one paragraph, exact offsets."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from .corpus import Article
from .provinces import find_provinces
from .text import LIST_ITEM_RE, split_sentences, unglue

# A paragraph longer than this is split at sentence boundaries: one passage should be
# something a reader checks at a glance, and e5 reads at most 512 tokens.
MAX_PASSAGE_CHARS = 1200
TARGET_PIECE_CHARS = 700
# Shorter paragraphs (a one-line lead-in) are merged into the next one of the same section.
MIN_PASSAGE_CHARS = 60


@dataclass
class Passage:
    """A verifiable piece of an article: text == article.text[start:end]."""

    article: str
    title: str
    section: str
    text: str
    start: int
    end: int
    provinces: list[str] = field(default_factory=list)
    date: str = ""

    @property
    def id(self) -> str:
        """Deterministic id: same article, place and text give the same id."""
        key = f"{self.article}\0{self.start}\0{self.end}\0{self.text}"
        return hashlib.sha1(key.encode("utf-8")).hexdigest()[:20]

    @property
    def flat_text(self) -> str:
        """The passage with line breaks inside paragraphs joined, for matching and embedding."""
        return " ".join(self.text.split())

    def metadata(self) -> dict:
        """Flat metadata as stored next to the vector."""
        return {
            "article": self.article,
            "title": self.title,
            "section": self.section,
            "start": self.start,
            "end": self.end,
            "provinces": "|".join(self.provinces),
            "date": self.date,
        }

    @classmethod
    def from_metadata(cls, text: str, meta: dict) -> "Passage":
        """Rebuild a passage from stored text and metadata."""
        provinces = meta.get("provinces") or ""
        return cls(
            article=meta["article"],
            title=meta.get("title", ""),
            section=meta.get("section", ""),
            text=text,
            start=int(meta["start"]),
            end=int(meta["end"]),
            provinces=[p for p in provinces.split("|") if p],
            date=meta.get("date", ""),
        )


def chunk_article(article: Article) -> list[Passage]:
    """Passages for an article's answerable paragraphs (teasers and related links excluded)."""
    spans: list[tuple[str, int, int]] = []
    pending: tuple[str, int, int] | None = None  # a short paragraph waiting to be merged forward
    for section, block_start, block_end in _with_lists(article.text, article.paragraphs()):
        start = block_start
        if pending is not None:
            if pending[0] == section:
                start = pending[1]
            else:
                spans.append(pending)
            pending = None
        if block_end - start < MIN_PASSAGE_CHARS:
            pending = (section, start, block_end)
            continue
        for piece_start, piece_end in _split_long(article.text, start, block_end):
            spans.append((section, piece_start, piece_end))
    if pending is not None:
        spans.append(pending)

    passages = []
    for section, start, end in spans:
        text = article.text[start:end]
        passages.append(
            Passage(
                article=article.path,
                title=article.title,
                section=section,
                text=text,
                start=start,
                end=end,
                provinces=find_provinces(unglue(text)),
                date=article.date,
            )
        )
    return passages


def _with_lists(text: str, paragraphs) -> list[tuple[str, int, int]]:
    """(section, start, end) per paragraph, a list's lead-in ("... cụ thể:") joined with its items."""
    # the lead-in says what the items are ("mỗi tỉnh đảm nhận:"), the items say which is whose, and
    # neither answers alone. Only the lead-in sentence joins them: the sentences before it in its
    # paragraph stay a passage of their own, which the items would dilute. Items past
    # MAX_PASSAGE_CHARS stay passages of their own.
    out: list[tuple[str, int, int]] = []
    open_list = False  # the last span ends with a lead-in, maybe with items already joined
    joined = False  # ... and has items joined
    for section, block in paragraphs:
        if open_list and out[-1][0] == section and LIST_ITEM_RE.match(text, block.start):
            _, start, end = out[-1]
            sentences = [] if joined else split_sentences(text[start:end])
            lead = start + sentences[-1][0] if len(sentences) > 1 else start
            if block.end - lead <= MAX_PASSAGE_CHARS:
                if lead > start:  # the lead-in sentence leaves its paragraph ("... Các dự án gồm:")
                    out[-1] = (section, start, start + sentences[-2][1])
                    out.append((section, lead, end))
                out[-1] = (section, lead, block.end)
                joined = True
                continue
        out.append((section, block.start, block.end))
        open_list = text[block.start:block.end].rstrip().endswith(":")
        joined = False
    return out


def _split_long(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Split [start, end) at sentence boundaries into pieces of about TARGET_PIECE_CHARS."""
    if end - start <= MAX_PASSAGE_CHARS:
        return [(start, end)]
    sentences = []
    for s, e in split_sentences(text[start:end]):
        sentences.extend(_split_clauses(text, start + s, start + e))
    pieces: list[tuple[int, int]] = []
    piece_start, piece_end = sentences[0]
    for s, e in sentences[1:]:
        if e - piece_start > TARGET_PIECE_CHARS and piece_end > piece_start:
            pieces.append((piece_start, piece_end))
            piece_start = s
        piece_end = e
    pieces.append((piece_start, piece_end))
    return pieces


def _split_clauses(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """A sentence longer than a passage may be, cut after ';' (then ',') into pieces that fit."""
    if end - start <= TARGET_PIECE_CHARS:
        return [(start, end)]
    for mark in (";", ","):
        cuts = [i + 1 for i in range(start, end - 1) if text[i] == mark and text[i + 1].isspace()]
        if cuts:
            break
    else:
        return [(start, end)]
    pieces, piece_start = [], start
    for cut in cuts:
        if cut - piece_start >= TARGET_PIECE_CHARS // 2:
            pieces.append((piece_start, cut))
            piece_start = cut
            while piece_start < end and text[piece_start].isspace():
                piece_start += 1
    pieces.append((piece_start, end))
    return pieces
