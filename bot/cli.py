"""The `quotebot` command: parse, call the library, print, exit non-zero on error."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from bot.errors import CorpusError, IndexBuildError, QuotebotError
from bot.settings import Settings, load_settings

if TYPE_CHECKING:  # imported when a command needs it: `quotebot health` stays quick
    from bot.system import System

EXIT_OK, EXIT_ERROR, EXIT_USAGE = 0, 1, 2
EXIT_BROKEN_PIPE = 128 + 13  # what a shell reports for a command ended by SIGPIPE

log = logging.getLogger("bot.cli")

SystemFactory = Callable[[Settings], "System"]


def main(argv: Sequence[str] | None = None, *, make_system: SystemFactory | None = None) -> int:
    """Entry point of the `quotebot` console script and `python -m bot`.

    ``make_system`` builds quotebot's parts from the settings; tests hand in one that puts a fake
    encoder or a slow answerer in.
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help()
        return EXIT_USAGE
    from bot.ops.logs import console_logging

    console_logging()
    if make_system is None:
        from bot.system import System as make_system
    try:
        return args.handler(args, make_system)
    except QuotebotError as exc:
        print(f"quotebot: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # `quotebot ask - < questions | head`: the reader left; end quietly, as `cat` would.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_BROKEN_PIPE


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="quotebot",
        description="Answer health questions by quoting a curated article corpus word for word.",
    )
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")

    index = commands.add_parser("index", help="build or inspect the passage index")
    index_commands = index.add_subparsers(title="index commands", metavar="COMMAND")
    build = index_commands.add_parser(
        "build", help="build the index from the corpus (no work if up to date)"
    )
    _add_location_options(build)
    build.add_argument("--force", action="store_true", help="rebuild even when nothing changed")
    build.set_defaults(handler=cmd_index_build)
    info = index_commands.add_parser("info", help="show what the index was built from")
    _add_location_options(info)
    info.add_argument("--json", action="store_true", help="print the manifest and status as JSON")
    info.set_defaults(handler=cmd_index_info)

    model = commands.add_parser("model", help="export or inspect the embedding model")
    model_commands = model.add_subparsers(title="model commands", metavar="COMMAND")
    export = model_commands.add_parser(
        "export", help="export the model to ONNX for EMBEDDING_BACKEND=onnx (needs torch)"
    )
    export.add_argument("--force", action="store_true", help="export again even if up to date")
    export.set_defaults(handler=cmd_model_export)
    model_info = model_commands.add_parser("info", help="show the configured model and backend")
    model_info.set_defaults(handler=cmd_model_info)

    corpus = commands.add_parser("corpus", help="check the corpus")
    corpus_commands = corpus.add_subparsers(title="corpus commands", metavar="COMMAND")
    lint = corpus_commands.add_parser("lint", help="report what in the corpus would hurt answers")
    lint.add_argument("--corpus", type=Path, help="corpus directory (default: CORPUS_DIR)")
    lint.set_defaults(handler=cmd_corpus_lint)

    ask = commands.add_parser(
        "ask", help="answer a question (or one per line of standard input with '-')"
    )
    ask.add_argument(
        "question", help="the question, or '-' to read one question per line from stdin"
    )
    ask.add_argument(
        "--json", action="store_true", help="print the answer as JSON (one line each with '-')"
    )
    ask.add_argument("--more", type=int, default=0, metavar="N", help="skip the first N passages")
    ask.set_defaults(handler=cmd_ask)

    chat = commands.add_parser("chat", help="talk to quotebot in the console")
    chat.add_argument(
        "--json",
        action="store_true",
        help="read one message per line, print one JSON answer per line (a scripted conversation)",
    )
    chat.set_defaults(handler=cmd_chat)

    evaluate = commands.add_parser(
        "eval", help="measure answers and triage on the labelled sets (dev and held-out)"
    )
    evaluate.add_argument(
        "--sets", type=Path, help="folder of the labelled sets (default: the bundled bot/data/eval)"
    )
    evaluate.add_argument(
        "--part", choices=["dev", "heldout"], help="measure one part only (default: both)"
    )
    evaluate.add_argument(
        "--covidqa",
        type=Path,
        metavar="DIR",
        help="also measure span recall on COVID-QA (DIR holds articles/ and dev-questions.json)",
    )
    evaluate.add_argument("--json", action="store_true", help="print the figures as JSON")
    evaluate.add_argument(
        "--sweep", action="store_true", help="also show dev figures across thresholds"
    )
    evaluate.set_defaults(handler=cmd_eval)

    examples = commands.add_parser(
        "triage-examples",
        help="write the development sets' triage sentences as examples for the semantic layers",
    )
    examples.add_argument(
        "--sets",
        type=Path,
        nargs="*",
        metavar="DIR",
        help="development parts to read (default: bot/data/eval/dev and eval/*/dev)",
    )
    examples.add_argument(
        "--out",
        type=Path,
        help="where to write (default: red_flag_examples.toml beside RED_FLAGS_FILE)",
    )
    examples.set_defaults(handler=cmd_triage_examples)

    known = commands.add_parser(
        "known-questions",
        help="write the development sets' questions as known questions: answered (for ranking) "
        "and unanswered (out of scope)",
    )
    known.add_argument(
        "--sets",
        type=Path,
        nargs="*",
        metavar="DIR",
        help="development parts to read (default: bot/data/eval/dev and eval/*/dev)",
    )
    known.add_argument("--out", type=Path, help="where to write (default: the bundled file)")
    known.add_argument(
        "--judged-now",
        action="store_true",
        help="record the articles of CORPUS_DIR as those the out-of-scope questions were judged "
        "against (after checking the sets against changed articles); otherwise the file's record "
        "is kept",
    )
    known.set_defaults(handler=cmd_known_questions)

    run = commands.add_parser(
        "run", help="run the Telegram bot (polling, or webhook with BOT_MODE=webhook)"
    )
    run.add_argument(
        "--build-index", action="store_true", help="first rebuild the index if the corpus changed"
    )
    run.set_defaults(handler=cmd_run)

    health = commands.add_parser("health", help="exit 0 if the running bot's heartbeat is fresh")
    health.add_argument(
        "--max-age", type=float, default=60.0, help="seconds a heartbeat stays fresh"
    )
    health.set_defaults(handler=cmd_health)

    start = commands.add_parser(
        "start",
        help="build the index if needed, then run the bot (with a token) or the console chat",
    )
    start.set_defaults(handler=cmd_start)

    config = commands.add_parser("config", help="print the effective settings (secrets masked)")
    config.add_argument("--json", action="store_true", help="print them as JSON")
    config.set_defaults(handler=cmd_config)
    return parser


def _add_location_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--corpus", type=Path, help="corpus directory (default: CORPUS_DIR)")
    parser.add_argument("--index", type=Path, help="index directory (default: INDEX_DIR)")


def settings_from(args: argparse.Namespace) -> Settings:
    """Settings from the environment and `.env`, with the command line's --corpus/--index on top."""
    overrides = {}
    if getattr(args, "corpus", None):
        overrides["corpus_dir"] = args.corpus
    if getattr(args, "index", None):
        overrides["index_dir"] = args.index
    return load_settings(**overrides)


def progress_wanted() -> bool:
    """A progress bar only for a person watching a terminal."""
    return sys.stderr.isatty()


def cmd_index_build(args: argparse.Namespace, make_system: SystemFactory) -> int:
    settings = settings_from(args)
    result = make_system(settings).build_index(force=args.force, progress=progress_wanted())
    if not result.built:
        print(
            f"The index in {settings.index_dir} is up to date ({result.passages} passages from "
            f"{result.files} files, built {result.manifest.built_at}); nothing to do "
            "(--force rebuilds it)."
        )
        return EXIT_OK
    reused = f", {result.reused_vectors} vectors reused" if result.reused_vectors else ""
    print(
        f"Built the index in {settings.index_dir}: {result.passages} passages from {result.files} "
        f"files in {result.seconds:.1f} s ({result.passages_per_second:.1f} passages/s{reused}), "
        f"{result.manifest.index_type} search."
    )
    return EXIT_OK


def cmd_index_info(args: argparse.Namespace, make_system: SystemFactory) -> int:
    from bot.retrieval.index_store import index_status

    settings = settings_from(args)
    system = make_system(settings)
    status = index_status(
        settings.index_dir,
        settings.corpus_dir,
        system.fingerprint,
        system.model_name,
        settings.corpus_max_file_bytes,
    )
    manifest = status.manifest
    if args.json:
        print(
            json.dumps(
                {
                    "status": status.state,
                    "message": status.message,
                    "manifest": manifest.to_json() if manifest else None,
                },
                indent=2,
            )
        )
        return EXIT_OK if status.ok else EXIT_ERROR
    print(f"Status:     {status.state}: {status.message}")
    if manifest:
        versions = ", ".join(f"{k} {v}" for k, v in manifest.versions.items())
        print(f"Index:      {settings.index_dir}")
        print(f"Model:      {manifest.model.name} ({manifest.model.fingerprint[:19]}…)")
        print(
            f"Vectors:    {manifest.passage_count} × {manifest.dimension}, "
            f"{manifest.metric}, {manifest.index_type}"
        )
        print(f"Built:      {manifest.built_at} ({versions})")
        print(f"Corpus:     {len(manifest.corpus_files)} files")
        for path, digest in manifest.corpus_files.items():
            print(f"  {path}  sha256:{digest[:12]}…")
    return EXIT_OK if status.ok else EXIT_ERROR


def cmd_model_export(args: argparse.Namespace, make_system: SystemFactory) -> int:
    from bot.embedding.onnx_export import export_model
    from bot.embedding.onnx_record import export_dir, export_state

    settings = settings_from(args)
    system = make_system(settings)
    name = system.model_name
    directory = export_dir(settings.models_dir, name)
    if not args.force and export_state(directory, name) == "current":
        print(f"The ONNX export in {directory} is up to date (--force redoes it).")
    else:
        started = time.perf_counter()
        record = export_model(name, settings.models_dir)
        print(
            f"Exported {record.model} to {directory} in {time.perf_counter() - started:.1f} s "
            f"(checked: min cosine {record.check.min_cosine:.6f} to the torch model's vectors)."
        )
    # The triage examples' vectors, beside the models: a read-only image never embeds them.
    from bot.retrieval.known_questions import question_vectors
    from bot.retrieval.known_unanswered import unanswered_vectors

    started = time.perf_counter()
    system.detector.warm_up(background_after=None)
    question_vectors(system.known_questions, system.encoder, settings.models_dir)
    question_vectors(system.known_follow_ups, system.encoder, settings.models_dir)
    unanswered_vectors(system.unanswered.questions, system.encoder, settings.models_dir)
    print(
        "Embedded the triage examples and the known questions in "
        f"{time.perf_counter() - started:.1f} s."
    )
    return EXIT_OK


def cmd_model_info(args: argparse.Namespace, make_system: SystemFactory) -> int:
    from bot.embedding.model import source_fingerprint
    from bot.embedding.onnx_record import export_dir, read_export

    settings = settings_from(args)
    name = make_system(settings).model_name
    source = source_fingerprint(name)
    print(f"Model:      {name}")
    print(f"Backend:    {settings.embedding_backend}")
    print(f"Files:      {source[:19] + '…' if source else 'not on this machine'}")
    directory = export_dir(settings.models_dir, name)
    record = read_export(directory)
    if record is None:
        print(f"ONNX:       no export in {directory} (`quotebot model export` makes it)")
        return EXIT_OK if settings.embedding_backend == "torch" else EXIT_ERROR
    current = source is None or record.fingerprint == source
    checked = f", checked min cosine {record.check.min_cosine:.6f}" if record.check else ""
    print(
        f"ONNX:       {directory}, {record.model_bytes / 1e6:.0f} MB, "
        f"{'up to date' if current else 'out of date (`quotebot model export` redoes it)'}"
        f"{checked}"
    )
    return EXIT_OK if current or settings.embedding_backend == "torch" else EXIT_ERROR


def cmd_corpus_lint(args: argparse.Namespace, make_system: SystemFactory) -> int:
    from bot.ingest.corpus_lint import lint_corpus

    settings = settings_from(args)
    findings = lint_corpus(
        settings.corpus_dir, make_system(settings).token_counter, settings.corpus_max_file_bytes
    )
    for finding in findings:
        print(finding)
    errors = sum(f.severity == "error" for f in findings)
    warnings = len(findings) - errors
    files = len({f.source_path for f in findings})
    print(
        f"{errors} error(s), {warnings} warning(s) in {files} file(s) of {settings.corpus_dir}."
        if findings
        else f"No problems found in {settings.corpus_dir}."
    )
    return EXIT_ERROR if errors else EXIT_OK


ASK_BATCH = 32  # questions from stdin are encoded this many at a time


def cmd_ask(args: argparse.Namespace, make_system: SystemFactory) -> int:
    from bot.render.json_contract import answer_to_json
    from bot.render.plain import render_plain

    pipeline = make_system(settings_from(args)).pipeline

    def show(answer) -> None:
        if args.json:
            print(json.dumps(answer_to_json(answer), ensure_ascii=False), flush=True)
        else:
            print(render_plain(answer), end="\n\n" if args.question == "-" else "\n", flush=True)

    if args.question != "-":
        show(pipeline.answer(args.question, offset=max(0, args.more)))
        return EXIT_OK
    batch: list[str] = []
    for line in sys.stdin:
        batch.append(line.rstrip("\n"))
        if len(batch) == ASK_BATCH:
            for answer in pipeline.answer_batch(batch):
                show(answer)
            batch = []
    for answer in pipeline.answer_batch(batch) if batch else []:
        show(answer)
    return EXIT_OK


def cmd_chat(args: argparse.Namespace, make_system: SystemFactory) -> int:
    from bot.console import run_chat, run_json_chat

    if getattr(args, "json", False):
        system = make_system(settings_from(args))
        return run_json_chat(system.pipeline, system.conversation, sys.stdin, sys.stdout)
    print("Loading…", file=sys.stderr, flush=True)
    system = make_system(settings_from(args))
    system.watch_index()  # an index rebuilt meanwhile is answered from without a restart
    try:
        return run_chat(system.pipeline, system.conversation, sys.stdin, sys.stdout)
    finally:
        system.close()


def cmd_eval(args: argparse.Namespace, make_system: SystemFactory) -> int:
    from bot.evaluation.report import render_report
    from bot.evaluation.run import evaluate
    from bot.evaluation.sets import EVAL_DIR, PARTS, load_part
    from bot.evaluation.sweep import sweep

    system = make_system(settings_from(args))
    sets = args.sets or EVAL_DIR
    report = evaluate(
        system,
        sets_dir=sets,
        parts=(args.part,) if args.part else PARTS,
        covidqa=args.covidqa,
    )
    print(json.dumps(report, indent=2) if args.json else render_report(report))
    if args.sweep:
        print(sweep(system, load_part(sets / "dev", "dev")))
    return EXIT_OK


def cmd_triage_examples(args: argparse.Namespace, make_system: SystemFactory) -> int:
    from bot.evaluation.sets import read_sets
    from bot.evaluation.triage_examples import development_sets, harvest, render
    from bot.safety.triage import DEFAULT_RED_FLAGS_FILE, LABELLED_SENTENCES_FILE, load_red_flags

    settings = settings_from(args)
    directories = args.sets or development_sets(Path.cwd())
    parts = read_sets(directories)
    # The lexicons alone say which sentence carries the emergency: no model is loaded.
    detector = load_red_flags(
        settings.red_flags_file, languages=make_system(settings).languages.codes
    )
    sentences = harvest(parts, detector)
    out = args.out or (settings.red_flags_file or DEFAULT_RED_FLAGS_FILE).with_name(
        LABELLED_SENTENCES_FILE
    )
    sources = [_shown(directory) for directory in directories]
    out.write_text(render(sentences, sources), encoding="utf-8")
    urgent = sum(len(t) for side in sentences.urgent.values() for t in side.values())
    calm = sum(len(t) for t in sentences.calm.values())
    print(f"Wrote {urgent} urgent and {calm} calm sentences to {out}.", file=sys.stderr)
    return EXIT_OK


def cmd_known_questions(args: argparse.Namespace, make_system: SystemFactory) -> int:
    from bot.evaluation.known_questions import (
        answer_sets,
        corpus_fingerprint,
        harvest,
        harvest_follow_ups,
        harvest_unanswered,
        held_out_questions,
        judged_articles,
        render,
    )
    from bot.evaluation.sets import read_sets
    from bot.retrieval.known_questions import DEFAULT_KNOWN_QUESTIONS_FILE

    directories = args.sets or answer_sets(Path.cwd())
    parts = read_sets(directories)
    held_out = held_out_questions()
    questions = harvest(parts, held_out)
    unanswered = harvest_unanswered(parts, held_out, questions)
    follow_ups = harvest_follow_ups(parts, held_out)
    out = args.out or DEFAULT_KNOWN_QUESTIONS_FILE
    # The out-of-scope questions were judged against the articles the file names: a changed or
    # added article was not read by their writers.
    judged = {} if args.judged_now else judged_articles(out)
    if not judged:
        judged = corpus_fingerprint(settings_from(args).corpus_dir)
        print(
            f"Recorded the {len(judged)} articles of the corpus as those the out-of-scope "
            "questions were judged against.",
            file=sys.stderr,
        )
    rendered = render(questions, [_shown(d) for d in directories], unanswered, judged, follow_ups)
    out.write_text(rendered, encoding="utf-8")
    print(
        f"Wrote {len(questions)} answered and {len(unanswered)} unanswered questions and "
        f"{len(follow_ups)} follow-ups to {out}.",
        file=sys.stderr,
    )
    return EXIT_OK


def _shown(directory: Path) -> str:
    """A folder as the file names it: relative to the working directory or the package."""
    resolved = directory.resolve()
    for base in (Path.cwd(), Path(__file__).resolve().parent.parent):
        if resolved.is_relative_to(base):
            return str(resolved.relative_to(base))
    return directory.name


def _build_if_needed(system: System) -> None:
    """Rebuild the index if the corpus or the model changed. When the corpus cannot be built (a
    bad file) or the index cannot be written, the last good index serves: one warning says why."""
    from bot.retrieval.index_store import MANIFEST

    try:
        result = system.build_index(progress=progress_wanted())
    except (CorpusError, IndexBuildError) as exc:
        if not (system.settings.index_dir / MANIFEST).is_file():
            raise  # nothing to fall back on: the build's own error says what to fix
        log.warning("The index was not rebuilt (%s); the last good index keeps serving.", exc)
        return
    if result.built:
        print(
            f"Built the index: {result.passages} passages in {result.seconds:.1f} s.",
            file=sys.stderr,
        )


def cmd_start(args: argparse.Namespace, make_system: SystemFactory) -> int:
    settings = settings_from(args)
    _build_if_needed(make_system(settings))
    if settings.telegram_bot_token is None:
        print("TELEGRAM_BOT_TOKEN is not set: starting the console chat instead.", file=sys.stderr)
        return cmd_chat(args, make_system)
    args.build_index = False
    return cmd_run(args, make_system)


def cmd_run(args: argparse.Namespace, make_system: SystemFactory) -> int:
    from bot.ops.logs import configure_logging
    from bot.settings import require_telegram
    from bot.telegram.serve import run_bot

    settings = settings_from(args)
    require_telegram(settings)
    secrets = [
        secret.get_secret_value()
        for secret in (settings.telegram_bot_token, settings.webhook_secret, settings.feedback_salt)
        if secret
    ]
    configure_logging(
        settings.log_level, secrets=secrets, json_format=settings.log_format == "json"
    )
    system = make_system(settings)
    if args.build_index or settings.index_build_on_start:
        _build_if_needed(system)
    # Refuses a missing, damaged or mismatched index before connecting to Telegram; a stale one
    # serves, with a warning naming the changed files.
    system.warm_up()
    system.watch_index()
    try:
        run_bot(settings, system.telegram_services())
    finally:
        system.close()
    return EXIT_OK


def cmd_health(args: argparse.Namespace, make_system: SystemFactory) -> int:
    from bot.ops.health import check_heartbeat

    settings = settings_from(args)
    healthy, message = check_heartbeat(settings.data_dir, args.max_age)
    print(message)
    print(_feedback_state(settings))  # optional: it does not change the exit code
    return EXIT_OK if healthy else EXIT_ERROR


def _feedback_state(settings: Settings) -> str:
    """One line: whether ratings can be stored in DATA_DIR now (checked without creating anything)."""
    from bot.telegram.feedback import open_feedback

    salt = settings.feedback_salt.get_secret_value() if settings.feedback_salt else None
    try:
        open_feedback(
            settings.data_dir, salt=salt, salt_file=settings.feedback_salt_file, create=False
        ).close()
    except QuotebotError as exc:
        return f"feedback: disabled: {exc}"
    return "feedback: on"


def cmd_config(args: argparse.Namespace, make_system: SystemFactory) -> int:
    from bot.settings import effective_settings

    values = effective_settings(settings_from(args))
    if args.json:
        print(json.dumps(values, indent=2))
    else:
        width = max(len(name) for name in values)
        for name, value in values.items():
            print(f"{name.ljust(width)}  {value}")
    return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
