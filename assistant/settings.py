"""One settings object for the whole assistant, read from the environment once at the entry point."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path

from .errors import UserError
from .tuning import TUNINGS, Tuning

DEFAULT_EMBEDDINGS = "e5-small"
# Files above this size are refused at ingest: a news article is a few tens of KB,
# so anything this large is almost certainly not an article (a dump, a binary, a book).
DEFAULT_MAX_FILE_BYTES = 5 * 1024 * 1024
# A question is a sentence or a short paragraph; past this it is a pasted document, which would
# cost seconds of encoder time (and everyone's turn in the UI) for nothing the model can use:
# the encoder reads 512 tokens, about 2,000 characters of Vietnamese.
DEFAULT_MAX_QUESTION_CHARS = 2000


def default_cache_dir(env) -> Path:
    """$XDG_CACHE_HOME/hoidap, or ~/.cache/hoidap: where built engines are kept."""
    base = env.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "hoidap"


@dataclass(frozen=True)
class Settings:
    """Every configurable knob; build it with `Settings.from_env()` and pass it down."""

    corpus_dir: Path = Path("corpus")
    index_dir: Path = Path("index")
    embeddings: str = DEFAULT_EMBEDDINGS
    cache_dir: Path = field(default_factory=lambda: default_cache_dir(os.environ))
    embed_threads: int = 0  # encoder threads; 0 = the cores this process may use, at most 4
    max_question_chars: int = DEFAULT_MAX_QUESTION_CHARS
    chroma_url: str = ""
    collection: str = "passages"
    llm: str = "none"
    llm_base_url: str = ""
    llm_api_key: str = field(default="", repr=False)  # secrets stay out of logs and tracebacks
    llm_timeout: float = 30.0
    ui_host: str = "127.0.0.1"
    ui_port: int = 7860
    ui_auth: str = field(default="", repr=False)
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES
    index_lock_timeout: float = 120.0  # seconds a second writer waits for the index lock
    fetch_timeout: float = 20.0  # seconds allowed for fetching one URL in `assistant add`
    top_k: int = 5
    tuning: Tuning = field(default_factory=Tuning)  # weights, thresholds and switches (tuning.py)
    extra: dict = field(default_factory=dict)

    @classmethod
    def from_env(cls, environ: dict | None = None, **overrides) -> "Settings":
        """Read ASSISTANT_* variables (and OPENAI_API_KEY as a key fallback); overrides win."""
        env = os.environ if environ is None else environ
        values = dict(
            corpus_dir=Path(env.get("ASSISTANT_CORPUS_DIR") or "corpus"),
            index_dir=Path(env.get("ASSISTANT_INDEX_DIR") or "index"),
            embeddings=env.get("ASSISTANT_EMBEDDINGS") or DEFAULT_EMBEDDINGS,
            cache_dir=Path(env.get("ASSISTANT_CACHE_DIR") or default_cache_dir(env)),
            embed_threads=_number(env, "ASSISTANT_EMBED_THREADS", 0, int, minimum=0),
            max_question_chars=_number(env, "ASSISTANT_MAX_QUESTION_CHARS", DEFAULT_MAX_QUESTION_CHARS, int, minimum=1),
            chroma_url=env.get("ASSISTANT_CHROMA_URL") or "",
            llm=env.get("ASSISTANT_LLM") or "none",
            llm_base_url=env.get("ASSISTANT_LLM_BASE_URL") or "",
            llm_api_key=env.get("ASSISTANT_LLM_API_KEY") or env.get("OPENAI_API_KEY") or "",
            llm_timeout=_number(env, "ASSISTANT_LLM_TIMEOUT", 30.0, float),
            ui_host=env.get("ASSISTANT_UI_HOST") or "127.0.0.1",
            ui_port=_number(env, "ASSISTANT_UI_PORT", 7860, int),
            ui_auth=env.get("ASSISTANT_UI_AUTH") or "",
            max_file_bytes=_number(env, "ASSISTANT_MAX_FILE_BYTES", DEFAULT_MAX_FILE_BYTES, int),
            index_lock_timeout=_number(env, "ASSISTANT_INDEX_LOCK_TIMEOUT", 120.0, float),
            fetch_timeout=_number(env, "ASSISTANT_FETCH_TIMEOUT", 20.0, float),
            tuning=_tuning(env.get("ASSISTANT_TUNING") or "default"),
        )
        values.update({k: v for k, v in overrides.items() if v is not None})
        for key in ("corpus_dir", "index_dir", "cache_dir"):
            values[key] = Path(values[key])
        return cls(**values)

    def with_(self, **changes) -> "Settings":
        """A copy with some fields changed."""
        return replace(self, **changes)


def _tuning(name: str) -> Tuning:
    if name not in TUNINGS:
        raise UserError(f"ASSISTANT_TUNING={name!r} is not one of {', '.join(TUNINGS)}")
    return TUNINGS[name]


def _number(env, name: str, default, kind, minimum=None):
    raw = env.get(name)
    if not raw:
        return default
    try:
        value = kind(raw)
    except ValueError:
        raise UserError(f"{name}={raw!r} is not a valid {kind.__name__}") from None
    if minimum is not None and value < minimum:
        raise UserError(f"{name}={raw!r} must be at least {minimum}")
    return value
