"""The `assistant` command: a thin layer over the library (index, ask, search, status, eval)."""

from __future__ import annotations

import functools
import json
import sys
from pathlib import Path

import click

from .errors import QuestionError, UserError
from .settings import Settings

EXIT_PARTIAL = 3  # some articles failed, the rest went in


def _common_options(fn):
    """--corpus/--index accepted on the group and on every subcommand."""
    fn = click.option("--corpus", "corpus", type=click.Path(file_okay=False, path_type=Path), default=None,
                      help="Corpus folder [env ASSISTANT_CORPUS_DIR, default ./corpus].")(fn)
    fn = click.option("--index", "index", type=click.Path(file_okay=False, path_type=Path), default=None,
                      help="Index folder [env ASSISTANT_INDEX_DIR, default ./index].")(fn)
    return fn


def _settings(ctx: click.Context, corpus: Path | None, index: Path | None) -> Settings:
    base: Settings = ctx.obj["settings"] if ctx.obj and "settings" in ctx.obj else Settings.from_env()
    return base.with_(**{k: v for k, v in {"corpus_dir": corpus, "index_dir": index}.items() if v is not None})


def _assistant(settings: Settings):
    from .chain import Assistant

    return Assistant(settings, notify=_echo_err)


def _echo_err(message: str) -> None:
    click.echo(message, err=True)


def _fail(message: str, code: int = 1):
    click.echo(f"error: {message}", err=True)
    sys.exit(code)


def _handle_errors(fn):
    """Turn library errors into one clear line on stderr and a non-zero exit."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        from .embeddings import EmbeddingsError
        from .store import IndexError_

        try:
            return fn(*args, **kwargs)
        except QuestionError as exc:  # bad usage, like a missing question
            _fail(str(exc), 2)
        except (UserError, EmbeddingsError, IndexError_) as exc:  # any other exception is a bug: traceback
            _fail(str(exc))
        except OSError as exc:  # a file system refusal the library did not foresee: say which file
            where = f" ({exc.filename})" if exc.filename else ""
            _fail(f"{exc.strerror or exc}{where}")

    return wrapper


def _progress_printer():
    """A progress bar on a terminal, nothing when stderr is redirected."""
    if not sys.stderr.isatty():
        return None, lambda: None
    state = {"bar": None}

    def progress(done: int, total: int, name: str) -> None:
        if state["bar"] is None:
            state["bar"] = click.progressbar(length=total, label="indexing", file=sys.stderr, show_pos=True)
            state["bar"].__enter__()
        state["bar"].update(1)

    def close() -> None:
        if state["bar"] is not None:
            state["bar"].__exit__(None, None, None)

    return progress, close


def _ensure_index(assistant) -> None:
    progress, close = _progress_printer()
    summary = assistant.ensure_index(notify=lambda m: click.echo(m, err=True), progress=progress)
    close()
    if summary is not None:
        click.echo(summary.line(), err=True)
        for err in summary.errors:
            click.echo(f"error: {err}", err=True)
        return
    from .indexer import corpus_drift

    drift = corpus_drift(assistant.settings)
    if drift:
        click.echo(f"notice: {drift}", err=True)


@click.group()
@_common_options
@click.pass_context
def main(ctx: click.Context, corpus: Path | None, index: Path | None) -> None:
    """Ask questions about news articles offline and get answers with cited passages."""
    ctx.ensure_object(dict)
    try:
        ctx.obj["settings"] = Settings.from_env(corpus_dir=corpus, index_dir=index)
    except UserError as exc:  # a malformed ASSISTANT_* number: say which, no traceback
        _fail(str(exc), 2)


@main.command("index")
@_common_options
@click.option("--full", is_flag=True, help="Rebuild everything from scratch.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.pass_context
@_handle_errors
def index_cmd(ctx, corpus, index, full, as_json):
    """Build or update the index from the corpus folder."""
    from .embeddings import get_embeddings
    from .indexer import full_rebuild, index_corpus

    settings = _settings(ctx, corpus, index)
    if not settings.corpus_dir.is_dir():
        _fail(f"corpus folder {settings.corpus_dir} does not exist")
    progress, close = _progress_printer()
    run = full_rebuild if full else index_corpus
    try:
        summary = run(settings, get_embeddings(settings, _echo_err), progress=progress,
                      notify=_echo_err)
    finally:
        close()
    for err in summary.errors:
        click.echo(f"error: {err}", err=True)
    if (summary.changed or full) and summary.total_passages:
        # load the read side now: an embedded index saves it, so the next `assistant ask` starts
        # without chromadb
        _assistant(settings).index
    if as_json:
        click.echo(json.dumps(summary.as_dict(), ensure_ascii=False))
    else:
        click.echo(summary.line())
    # 0 = everything indexed, 3 = some files failed (the rest went in), 1 = nothing readable
    sys.exit(summary.exit_code)


@main.command("add")
@_common_options
@click.argument("sources", nargs=-1, required=True)
@click.option("--no-index", is_flag=True, help="Only copy into the corpus; index later.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.pass_context
@_handle_errors
def add_cmd(ctx, corpus, index, sources, no_index, as_json):
    """Add article files (.txt, .md, .html) or web pages (http/https URLs) to the corpus and index them.

    Files get a safe name in the corpus folder (never overwriting a different article); the same
    content under another name is reported as a duplicate. Exit code 0 = all added, 3 = some
    sources failed (the rest went in), 1 = none could be added.
    """
    from .ingest import add_to_corpus

    settings = _settings(ctx, corpus, index)
    progress, close = _progress_printer()
    try:
        report = add_to_corpus(settings, sources, index=not no_index, progress=progress,
                               notify=lambda m: None if m.startswith("added ") else click.echo(m, err=True))
    finally:
        close()
    if as_json:
        for line in report.lines():
            if line.startswith("error: "):
                click.echo(line, err=True)
        click.echo(json.dumps(report.as_dict(), ensure_ascii=False))
    else:
        for line in report.lines():
            click.echo(line, err=line.startswith("error: "))
    sys.exit(report.exit_code)


@main.command("remove")
@_common_options
@click.argument("names", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.pass_context
@_handle_errors
def remove_cmd(ctx, corpus, index, names, as_json):
    """Delete articles from the corpus folder and their passages from the index.

    NAMES are article paths relative to the corpus folder (as cited: tin-ha-tinh.txt) or paths to
    the files in it; nothing outside the corpus folder is touched. Exit code 0 = all removed,
    3 = some names failed, 1 = none could be removed.
    """
    from .ingest import remove_from_corpus

    settings = _settings(ctx, corpus, index)
    progress, close = _progress_printer()
    try:
        report = remove_from_corpus(settings, names, progress=progress,
                                    notify=lambda m: None if m.startswith("removed ") else click.echo(m, err=True))
    finally:
        close()
    for line in report.lines():
        if not as_json or line.startswith("error: "):
            click.echo(line, err=line.startswith("error: "))
    if as_json:
        click.echo(json.dumps(report.as_dict(), ensure_ascii=False))
    sys.exit(report.exit_code)


@main.command("watch")
@_common_options
@click.option("--debounce", default=2.0, show_default=True, type=click.FloatRange(0.1, 600),
              help="Longest time (seconds) changes are gathered before one reindex.")
@click.pass_context
@_handle_errors
def watch_cmd(ctx, corpus, index, debounce):
    """Watch the corpus folder and reindex after changes, one log line per run (Ctrl-C stops)."""
    import signal

    from .embeddings import get_embeddings
    from .watch import watch_corpus

    settings = _settings(ctx, corpus, index)

    def stop(signum, frame):  # SIGTERM stops as cleanly as Ctrl-C
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    # also when started with SIGINT ignored (a background job, some test runners): Ctrl-C and
    # `kill -INT` must still stop the watcher instead of leaving it running
    signal.signal(signal.SIGINT, stop)
    log = lambda m: (click.echo(m, err=True), sys.stderr.flush())  # noqa: E731
    try:
        watch_corpus(settings, get_embeddings(settings, log), log=log,
                     debounce_ms=int(debounce * 1000), quiet_ms=min(400, int(debounce * 1000)))
    except KeyboardInterrupt:
        log("stopped watching")


@main.command("ask")
@_common_options
@click.argument("question", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print the answer as JSON.")
@click.option("--jsonl", is_flag=True, help="Read one question per stdin line, write one JSON object per line.")
@click.option("--province", default=None, help="Only use passages about this province.")
@click.pass_context
@_handle_errors
def ask_cmd(ctx, corpus, index, question, as_json, jsonl, province):
    """Answer QUESTION from the indexed articles, citing the passages used."""
    from .answer import source_lines

    settings = _settings(ctx, corpus, index)
    if not jsonl and not (question and question.strip()):
        _fail("give a question, e.g. assistant ask \"Nghệ An ký kết hợp tác với TP.HCM từ năm nào?\"", 2)
    assistant = _assistant(settings)
    assistant.prepare_pipeline()
    _ensure_index(assistant)
    if jsonl:
        for line in sys.stdin:
            q = line.strip()
            if not q:
                continue
            try:
                answer = assistant.ask(q, province=province)
            except QuestionError as exc:  # one line per question, so the output stays aligned
                click.echo(f"error: {exc}", err=True)
                click.echo(json.dumps({"question": q, "error": str(exc)}, ensure_ascii=False))
                sys.stdout.flush()
                continue
            _print_warnings(answer)
            click.echo(json.dumps(answer.as_dict(), ensure_ascii=False))
            sys.stdout.flush()
        return
    answer = assistant.ask(question, province=province)
    _print_warnings(answer)
    if as_json:
        click.echo(json.dumps(answer.as_dict(), ensure_ascii=False))
        return
    click.echo(answer.answer)
    for cit in answer.citations:
        click.echo("\n" + "\n".join(source_lines(f"[{cit.n}]", cit.hit)))


def _print_warnings(answer) -> None:
    """Warnings (e.g. the LLM was unreachable) go to stderr so the JSON on stdout keeps its shape."""
    for warning in answer.warnings:
        click.echo(f"warning: {warning}", err=True)


@main.command("chat")
@_common_options
@click.option("--province", default=None, help="Only use passages about this province.")
@click.pass_context
@_handle_errors
def chat_cmd(ctx, corpus, index, province):
    """Interactive session: one question per line, streamed answers, follow-ups understood.

    Reads questions from stdin until end of input or `exit`; earlier questions are the history a
    follow-up ("Còn Hà Tĩnh thì sao?") is read against. Warnings go to stderr.
    """
    from .answer import source_lines

    settings = _settings(ctx, corpus, index)
    assistant = _assistant(settings)
    assistant.prepare_pipeline()
    _ensure_index(assistant)
    assistant.llm  # an invalid ASSISTANT_LLM fails here, before the first question
    interactive = sys.stdin.isatty()
    history: list[str] = []
    while True:
        if interactive:
            click.echo("> ", nl=False, err=True)
        line = sys.stdin.readline()
        if not line:
            break
        question = line.strip()
        if not question:
            continue
        if question.lower() in ("exit", "quit"):
            break
        answer = None
        try:
            for item in assistant.ask_stream(question, province=province, history=history):
                if isinstance(item, str):
                    click.echo(item, nl=False)
                    sys.stdout.flush()
                else:
                    answer = item
        except QuestionError as exc:
            click.echo(f"error: {exc}", err=True)
            continue
        click.echo()
        for cit in answer.citations:
            click.echo(source_lines(f"[{cit.n}]", cit.hit, with_text=False)[0])
        _print_warnings(answer)
        click.echo()
        sys.stdout.flush()
        history.append(answer.standalone_question or question)


def _search_json(assistant, query: str, k: int, province) -> dict:
    hits = assistant.search(query, k=k, province=province)
    return {
        "query": query,
        "results": [
            {
                "rank": rank,
                "article": h.passage.article,
                "title": h.passage.title,
                "section": h.passage.section,
                "text": h.passage.text,
                "start": h.passage.start,
                "end": h.passage.end,
                "score": round(h.score, 4),
            }
            for rank, h in enumerate(hits, 1)
        ],
    }


@main.command("search")
@_common_options
@click.argument("query", required=False)
@click.option("-k", "k", default=5, show_default=True, type=click.IntRange(1, 100), help="Number of passages.")
@click.option("--json", "as_json", is_flag=True, help="Print results as one JSON object.")
@click.option("--jsonl", is_flag=True, help="One JSON object per line; reads queries from stdin when QUERY is omitted.")
@click.option("--province", default=None, help="Only passages about this province.")
@click.pass_context
@_handle_errors
def search_cmd(ctx, corpus, index, query, k, as_json, jsonl, province):
    """Show the passages that best match QUERY."""
    settings = _settings(ctx, corpus, index)
    if not (query and query.strip()) and not jsonl:
        _fail("give a query, e.g. assistant search \"Nghệ An\"", 2)
    assistant = _assistant(settings)
    assistant.prepare_pipeline()
    _ensure_index(assistant)
    if jsonl:
        queries = [query] if query and query.strip() else (line.strip() for line in sys.stdin)
        for q in queries:
            if q:
                try:
                    result = _search_json(assistant, q, k, province)
                except QuestionError as exc:  # one line per query, so the output stays aligned
                    click.echo(f"error: {exc}", err=True)
                    result = {"query": q, "error": str(exc)}
                click.echo(json.dumps(result, ensure_ascii=False))
                sys.stdout.flush()
        return
    result = _search_json(assistant, query.strip(), k, province)
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False))
        return
    for r in result["results"]:
        where = r["title"] + (f" › {r['section']}" if r["section"] else "")
        click.echo(f"{r['rank']}. [{r['score']:.3f}] {where} ({r['article']}:{r['start']}-{r['end']})")
        click.echo("   " + " ".join(r["text"].split()))


@main.command("status")
@_common_options
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@click.pass_context
@_handle_errors
def status_cmd(ctx, corpus, index, as_json):
    """Show what the index holds."""
    settings = _settings(ctx, corpus, index)
    assistant = _assistant(settings)
    info = assistant.status()
    if as_json:
        click.echo(json.dumps(info, ensure_ascii=False))
        return
    for key, value in info.items():
        click.echo(f"{key.replace('_', ' ')}: {value}")
    # shown here, kept out of --json (whose keys other tools rely on)
    if info["chunks"]:
        click.echo(f"embedding engine: {assistant.store().recorded_engine() or 'not recorded'}")
    if assistant.backend.has_manifest:
        from .indexer import index_state

        click.echo(f"index state: {index_state(settings)}")


def _load_ui():
    """The web UI module: ui.py at the project root (the only module that imports gradio)."""
    import importlib
    import importlib.util

    path = Path(__file__).resolve().parent.parent / "ui.py"
    try:
        if not path.is_file():
            return importlib.import_module("ui")
        spec = importlib.util.spec_from_file_location("ui", path)
        module = importlib.util.module_from_spec(spec)
        sys.modules["ui"] = module
        spec.loader.exec_module(module)
        return module
    except ImportError as exc:
        _fail(f"the web UI cannot start: {exc} (pip install 'hoidap[ui]', from a source checkout)")


@main.command("serve")
@_common_options
@click.option("--host", default=None, help="Address to listen on [env ASSISTANT_UI_HOST, default 127.0.0.1].")
@click.option("--port", default=None, type=click.IntRange(1, 65535), help="Port [env ASSISTANT_UI_PORT, default 7860].")
@click.pass_context
@_handle_errors
def serve_cmd(ctx, corpus, index, host, port):
    """Start the web UI (chat, provinces, articles) on the same settings and index."""
    settings = _settings(ctx, corpus, index).with_(
        **{k: v for k, v in {"ui_host": host, "ui_port": port}.items() if v is not None}
    )
    ui = _load_ui()
    ui.parse_auth(settings.ui_auth)  # a malformed login setting fails before any work
    assistant = _assistant(settings)
    # a missing index is built behind a "building" page: the server answers from the first second
    ui.serve(assistant, build=ui.first_build_if_needed(assistant))


@main.command("eval")
@_common_options
@click.option("--qa", "qa_file", type=click.Path(dir_okay=False, exists=True, path_type=Path), default=None,
              help="JSONL question set [default: eval/dev.jsonl].")
@click.option("--baseline/--no-baseline", default=True, help="Also measure the LangChain-default pipeline.")
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
@click.option("--details", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write per-question results (JSONL) here.")
@click.pass_context
@_handle_errors
def eval_cmd(ctx, corpus, index, qa_file, baseline, as_json, details):
    """Measure retrieval and answers on a question set, side by side with the LangChain default."""
    from .evaluation import run_evaluation

    settings = _settings(ctx, corpus, index)
    qa_file = qa_file or Path("eval/dev.jsonl")
    if not qa_file.exists():
        _fail(f"question set {qa_file} not found; pass --qa FILE")
    assistant = _assistant(settings)
    assistant.prepare_pipeline()
    _ensure_index(assistant)
    report = run_evaluation(assistant, qa_file, baseline=baseline, details_path=details,
                            log=lambda m: click.echo(m, err=True))
    click.echo(json.dumps(report.as_dict(), ensure_ascii=False, indent=1) if as_json else report.table())


if __name__ == "__main__":  # pragma: no cover
    main()
