"""Where the index lives, behind one interface: an embedded folder or a Chroma server.

`IndexBackend` is what writers (indexer, ingest) and the `Assistant` need from storage:
generations and their pointer, the change stamp, a `PassageStore` to write through, and a
`ReadIndex` to answer from. `make_backend(settings)` chooses the implementation once, from
`settings.chroma_url`; nothing else in the package branches on the storage mode.

`ReadIndex` is everything a question needs from an index: candidate passages from a dense and a
lexical ranking, the passages themselves, corpus statistics for the answerer (term idf, the words
an article uses, the provinces a passage is about) and diacritic restoration from the corpus
vocabulary. The embedded implementation holds the whole read side in memory
(`retrieval.PassageIndex`); the server implementation (`server.RemoteIndex`) asks the server for
each of these, so a reader never downloads the corpus.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Iterable, Protocol

if TYPE_CHECKING:
    import numpy as np

    from .chunking import Passage
    from .embeddings import ArrayEmbeddings
    from .settings import Settings
    from .store import PassageStore

# (passage id, score), best first
Candidates = list[tuple[str, float]]


class TermStats(Protocol):
    """Document statistics of lexical terms in one key space (what BM25 knows)."""

    max_idf: float

    def idf(self, term: str) -> float:
        """Inverse document frequency of a term the corpus contains (0.0 otherwise)."""

    def has(self, term: str) -> bool:
        """Whether any passage contains the term."""


@dataclass
class Overview:
    """What the index covers, for a first screen: counts, date range, provinces most written about."""

    articles: int
    passages: int
    first_date: str = ""  # ISO dates of the oldest and newest dated article ('' when none is dated)
    last_date: str = ""
    provinces: list[tuple[str, int]] = field(default_factory=list)  # (name, passages), most first


class ReadIndex(ABC):
    """The read side of an index: what answering a question needs from it."""

    embeddings: "ArrayEmbeddings"

    @abstractmethod
    def __len__(self) -> int:
        """Number of passages."""

    @property
    @abstractmethod
    def province_counts(self) -> dict[str, int]:
        """Passages about each province (its own mentions plus its article title's)."""

    @abstractmethod
    def dense_candidates(self, vector: "np.ndarray", n: int, province: str | None = None) -> Candidates:
        """The n passages most similar to a question vector (cosine), about `province` when given."""

    @abstractmethod
    def lexical_candidates(self, terms: list[str], folded: bool, n: int, province: str | None = None) -> Candidates:
        """The n best passages by BM25 (score > 0 only) in the folded or the exact key space."""

    @abstractmethod
    def term_stats(self, terms: Iterable[str], folded: bool) -> TermStats:
        """Statistics that answer for at least these terms (an index may fetch only those)."""

    @abstractmethod
    def passages(self, ids: list[str]) -> list["Passage"]:
        """The passages with these ids, in the same order."""

    @abstractmethod
    def cosines(self, ids: list[str], vector: "np.ndarray") -> list[float]:
        """Cosine similarity of these passages to a question vector."""

    @abstractmethod
    def provinces_of(self, passage_id: str) -> set[str]:
        """Provinces a passage is about (its own mentions plus its article title's)."""

    @abstractmethod
    def article_words(self, article: str) -> set[str]:
        """Every folded word and number an article uses (to check the names a question mentions)."""

    @abstractmethod
    def article_text(self, article: str) -> str:
        """An article's words accent-folded and space-joined, padded with spaces (to find phrases)."""

    @abstractmethod
    def restore(self, text: str) -> str:
        """Text typed without diacritics with the corpus's own accented forms put back."""

    @abstractmethod
    def passages_about(self, province: str) -> list[tuple[str, "Passage"]]:
        """Every (id, passage) about a province, in article order."""

    @abstractmethod
    def overview(self) -> Overview:
        """Counts, date range and provinces most written about."""

    def sort_key(self, passage_id: str) -> Any:
        """Tie-break between equally ranked passages, comparable among one index's passages
        (default: all equal, so they keep the order they were found in)."""
        return 0


class IndexBackend(ABC):
    """Storage of the index: generations, the change stamp, writing, and the read side."""

    location: str  # shown to users: the folder or the server URL
    # the no-op fast path of `index`: a manifest of article hashes kept in the index folder
    has_manifest: bool = False

    @abstractmethod
    def built(self) -> bool:
        """Whether an index exists to read (without creating one)."""

    @abstractmethod
    def live_generation(self) -> str:
        """The generation readers use ('' before the first build)."""

    def pointer_damaged(self) -> bool:
        """Whether the pointer to the live generation exists but cannot be read."""
        return False

    @abstractmethod
    def list_generations(self) -> list[str]:
        """Every generation present, live or left over."""

    @abstractmethod
    def make_live(self, generation: str) -> None:
        """Point readers at a finished generation (atomically) and move the stamp."""

    @abstractmethod
    def drop_generation(self, generation: str) -> None:
        """Delete a generation that is not live."""

    @abstractmethod
    def touch_stamp(self) -> None:
        """Tell readers the index changed."""

    @abstractmethod
    def stamp(self) -> str:
        """The writers' change stamp (cheap: readers poll it before every question)."""

    @abstractmethod
    def open_store(self, generation: str | None = None) -> "PassageStore":
        """A store to read or write one generation (the live one by default)."""

    @abstractmethod
    def open_reader(self, embeddings: "ArrayEmbeddings", stamp: str) -> ReadIndex:
        """The read side of the live generation, as of `stamp`."""


def make_backend(settings: "Settings", notify: Callable[[str], None] | None = None) -> IndexBackend:
    """The backend the settings choose: a Chroma server when ASSISTANT_CHROMA_URL is set, else a folder.

    `notify` hears warnings a reader can still answer through (a damaged store behind an intact
    saved read side)."""
    if settings.chroma_url:
        from .server import ServerBackend

        return ServerBackend(settings)
    from .embedded import EmbeddedBackend

    return EmbeddedBackend(settings, notify)
