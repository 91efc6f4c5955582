"""The benchmark suites. Each returns a flat dict of figures; limits are measured in the same run."""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
TOKEN = "123456789:AAEhBOweik9ai2o4kjN0_-abcdefghijklmno"  # the fake Bot API accepts any well-formed token
CORPUS = REPO / "corpus"
# The ONNX export the benchmarks use (made on the first run, as `make run` makes it).
MODELS = REPO / "data" / "models"


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 2)


_STATE: dict = {}


def _pipeline():
    """The real pipeline over the real corpus, indexed into a temporary directory (once)."""
    if "pipeline" not in _STATE:
        from bot.settings import Settings
        from bot.system import System

        index_dir = Path(tempfile.mkdtemp(prefix="quotebot-bench-")) / "index"
        settings = Settings(
            _env_file=None, corpus_dir=CORPUS, index_dir=index_dir, model_cache_dir=MODELS
        )
        system = System(settings)
        system.build_index()
        _STATE["pipeline"] = system.pipeline
        _STATE["settings"] = settings
        system.warm_up()
    return _STATE["pipeline"]


def _questions() -> list[str]:
    from bot.evaluation.sets import dev_part

    dev = dev_part()
    return [c.q for c in dev.answered] + dev.out_of_scope + [c.q for c in dev.urgent]


@contextlib.contextmanager
def _time_calls(instance, method: str, spent: list[float]):
    """Every call of ``instance.method`` while inside, its seconds appended to ``spent``."""
    inner = getattr(instance, method)

    def timed(*args, **kwargs):
        started = time.perf_counter()
        try:
            return inner(*args, **kwargs)
        finally:
            spent.append(time.perf_counter() - started)

    setattr(instance, method, timed)
    try:
        yield
    finally:
        delattr(instance, method)


def _second_model(pipeline):
    """The multilingual model triage reads stories and other languages with (None: not loaded)."""
    layer = pipeline.detector.multilingual
    return layer.encoder if layer is not None else None


def latency() -> dict:
    """One question end to end (safety, retrieval, composition, HTML) against encode + FAISS search.

    Under both backends: the work around the model is the same, the model is not. Beside each
    ratio, the same without the time the second model (the multilingual one, which triage reads
    messages of several sentences and other languages with) spent inside the answers: what the
    work around the models costs, as against what the answer costs.
    """
    from bot.embedding.model import resolve_model
    from bot.embedding.torch_encoder import SentenceTransformerEncoder
    from bot.render.telegram_html import render_telegram_html
    from bot.system import System

    onnx = _pipeline()
    settings = _STATE["settings"]
    torch = System(
        settings, encoder=SentenceTransformerEncoder(resolve_model(settings.embedding_model))
    ).pipeline
    torch.answer("warm up")
    questions = _questions() * 3
    figures: dict = {"questions": len(questions)}
    for name, pipeline in (("onnx", onnx), ("torch", torch)):
        encoder = pipeline.encoder  # a thin wrapper: the model call itself
        index = pipeline.retriever.index
        second = _second_model(pipeline)
        raw, full, other = [], [], []
        for question in questions:  # interleaved, so both see the same machine
            started = time.perf_counter()
            vector = encoder.encode([question])
            index.search_rows(vector, 20)
            raw.append(time.perf_counter() - started)
            spent: list[float] = []
            with _time_calls(second, "encode", spent) if second else contextlib.nullcontext():
                started = time.perf_counter()
                render_telegram_html(pipeline.answer(question))
                full.append(time.perf_counter() - started)
            other.append(full[-1] - sum(spent))
        figures |= {
            f"{name}_raw_encode_search_p50_ms": _ms(statistics.median(raw)),
            f"{name}_raw_encode_search_p99_ms": _ms(_percentile(raw, 0.99)),
            f"{name}_pipeline_p50_ms": _ms(statistics.median(full)),
            f"{name}_pipeline_p99_ms": _ms(_percentile(full, 0.99)),
            f"{name}_overhead_p50_ms": _ms(statistics.median(full) - statistics.median(raw)),
            f"{name}_overhead_ratio_p50 (target <= 1.2)": round(
                statistics.median(full) / statistics.median(raw), 3
            ),
            f"{name}_second_model_share_p50": round(
                1 - statistics.median(other) / statistics.median(full), 3
            ),
            f"{name}_ratio_without_second_model_p50": round(
                statistics.median(other) / statistics.median(raw), 3
            ),
        }
        # Batches of 32, as `quotebot ask -` answers them: per question, against the bare model
        # and FAISS search of the same batch.
        raw, full, other, batches_reading_twice = [], [], [], 0
        for start in range(0, len(questions) - 31, 32):
            batch = questions[start : start + 32]
            started = time.perf_counter()
            index.search_rows(encoder.encode(batch), 20)
            raw.append((time.perf_counter() - started) / 32)
            spent = []
            with _time_calls(second, "encode", spent) if second else contextlib.nullcontext():
                started = time.perf_counter()
                pipeline.answer_batch(batch)
                full.append((time.perf_counter() - started) / 32)
            other.append(full[-1] - sum(spent) / 32)
            batches_reading_twice += bool(spent)
        figures |= {
            f"{name}_batch32_raw_per_question_p50_ms": _ms(statistics.median(raw)),
            f"{name}_batch32_pipeline_per_question_p50_ms": _ms(statistics.median(full)),
            f"{name}_batch32_overhead_ratio_p50 (target <= 1.2)": round(
                statistics.median(full) / statistics.median(raw), 3
            ),
            f"{name}_batch32_second_model_per_question_p50_ms": _ms(
                statistics.median(full) - statistics.median(other)
            ),
            f"{name}_batch32_batches_using_second_model": f"{batches_reading_twice}/{len(full)}",
            f"{name}_batch32_ratio_without_second_model_p50": round(
                statistics.median(other) / statistics.median(raw), 3
            ),
        }
    return figures


def triage() -> dict:
    """What red-flag triage adds to an answer: the same pipeline with and without it, interleaved.

    English questions (the dev answers and urgent messages, and the blind stories of eval/dev2),
    one at a time and in batches of 32; and messages in other languages, which the multilingual
    model reads (their answer is the notice in their language, so triage is nearly all of it).
    """
    import tomllib

    from bot.answering.pipeline import AnswerPipeline
    from bot.safety.triage import Triage

    class NoTriage:
        def check_batch(self, texts, vectors=None, languages=(), unsure=(), sentence_vectors=None):
            return [Triage() for _ in texts]

        def sentences_to_encode(self, texts):
            return []

    full = _pipeline()
    bare = AnswerPipeline(
        full.encoder,
        full.retriever,
        NoTriage(),
        full.texts,
        sources=full.sources,
        small_talk=full.small_talk,
        subjects=full.subjects,
        max_quotes=full.max_quotes,
        languages=full.languages,
    )
    sets = REPO / "eval" / "dev2" / "dev"
    stories = [e["q"] for e in tomllib.loads((sets / "triage.toml").read_text())["urgent"]]
    other = tomllib.loads((sets / "triage_languages.toml").read_text())
    foreign = [e["q"] for e in other["urgent"] + other["non_urgent"] if e["lang"] != "en"]
    english = (_questions() + stories) * 2
    figures: dict = {"english_messages": len(english), "other_language_messages": len(foreign)}
    for label, messages in (("english", english), ("other_language", foreign)):
        with_triage, without = [], []
        for message in messages:
            started = time.perf_counter()
            bare.answer(message)
            without.append(time.perf_counter() - started)
            started = time.perf_counter()
            full.answer(message)
            with_triage.append(time.perf_counter() - started)
        figures |= {
            f"{label}_answer_p50_ms": _ms(statistics.median(with_triage)),
            f"{label}_answer_without_triage_p50_ms": _ms(statistics.median(without)),
            f"{label}_triage_share_p50": round(
                1 - statistics.median(without) / statistics.median(with_triage), 3
            ),
        }
    with_triage, without = [], []
    for start in range(0, len(english) - 31, 32):
        batch = english[start : start + 32]
        started = time.perf_counter()
        bare.answer_batch(batch)
        without.append(time.perf_counter() - started)
        started = time.perf_counter()
        full.answer_batch(batch)
        with_triage.append(time.perf_counter() - started)
    figures["english_batch32_triage_share_p50 (target <= 0.2)"] = round(
        1 - statistics.median(without) / statistics.median(with_triage), 3
    )
    figures["english_triage_share_p50 (target <= 0.2)"] = figures.pop("english_triage_share_p50")
    return figures


def concurrency(concurrent: int = 32, rounds: int = 6) -> dict:
    """N questions at once through the micro-batcher against the same questions one after another."""
    from bot.answering.batching import BatchingAnswerer

    pipeline = _pipeline()
    questions = (_questions() * 10)[: concurrent * rounds]

    started = time.perf_counter()
    for question in questions:
        pipeline.answer(question)
    sequential = time.perf_counter() - started

    async def run() -> list[float]:
        answerer = BatchingAnswerer(pipeline)
        latencies: list[float] = []

        async def user(mine: list[str]) -> None:
            for question in mine:
                t = time.perf_counter()
                await answerer.answer(question)
                latencies.append(time.perf_counter() - t)

        await asyncio.gather(*(user(questions[i::concurrent]) for i in range(concurrent)))
        _STATE["batches"] = answerer.batches
        return latencies

    started = time.perf_counter()
    latencies = asyncio.run(run())
    together = time.perf_counter() - started
    # The limit beside it: how much faster the model itself encodes 32 questions at once than one
    # by one. Batching cannot make answering gain more than the model does.
    one_by_one = at_once = 0.0
    for start in range(0, len(questions), concurrent):
        group = questions[start : start + concurrent]
        started = time.perf_counter()
        for question in group:
            pipeline.encoder.encode([question])
        one_by_one += time.perf_counter() - started
        started = time.perf_counter()
        pipeline.encoder.encode(group)
        at_once += time.perf_counter() - started
    return {
        "backend": pipeline.encoder.backend,
        "questions": len(questions),
        "concurrent": concurrent,
        "sequential_answers_per_s": round(len(questions) / sequential, 1),
        "concurrent_answers_per_s": round(len(questions) / together, 1),
        "throughput_ratio (target >= 3)": round(sequential / together, 2),
        "model_alone_batch_gain (the ceiling)": round(one_by_one / at_once, 2),
        "concurrent_p50_ms": _ms(statistics.median(latencies)),
        "concurrent_p99_ms": _ms(_percentile(latencies, 0.99)),
        "model_batches": _STATE["batches"],
    }


def _synthetic_corpus(directory: Path, copies: int) -> None:
    """Copies of the real articles with each paragraph varied, so every passage is distinct."""
    directory.mkdir(parents=True, exist_ok=True)
    sources = [p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("*.md"))]
    for copy in range(copies):
        for i, text in enumerate(sources):
            body = "\n".join(
                f"{line} (Variant {copy}.{n})"
                if line and not line.startswith(("#", "-", "title", "language"))
                else line
                for n, line in enumerate(text.split("\n"))
            )
            (directory / f"copy{copy:03d}-{i}.md").write_text(body, encoding="utf-8")


def index_build(copies: int = 40) -> dict:
    """Build speed against a raw model.encode of the same texts; a rebuild with nothing changed."""
    from bot.ingest.corpus import read_corpus
    from bot.ingest.passages import embedding_text, split_corpus
    from bot.retrieval.index_build import build_index

    encoder = _pipeline().encoder
    work = Path(tempfile.mkdtemp(prefix="quotebot-bench-build-"))
    corpus = work / "corpus"
    _synthetic_corpus(corpus, copies)
    texts = [embedding_text(p) for p in split_corpus(read_corpus(corpus), encoder.count_tokens)]

    # Raw encode and build twice each, alternating, and the faster of each (a noisy machine).
    # Each build into an empty directory: a rebuild would reuse the vectors of the one before.
    raw = build_seconds = float("inf")
    for _ in range(2):
        started = time.perf_counter()
        encoder.encode(texts)
        raw = min(raw, time.perf_counter() - started)
        shutil.rmtree(work / "index", ignore_errors=True)
        result = build_index(corpus, work / "index", encoder)
        assert result.built and not result.reused_vectors
        build_seconds = min(build_seconds, result.seconds)
    started = time.perf_counter()
    again = build_index(corpus, work / "index", encoder)
    noop = time.perf_counter() - started
    env = dict(
        os.environ,
        CORPUS_DIR=str(corpus),
        INDEX_DIR=str(work / "index"),
        MODEL_CACHE_DIR=str(MODELS),
    )
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "bot", "index", "build"], env=env, check=True, capture_output=True
    )
    noop_process = time.perf_counter() - started
    shutil.rmtree(work, ignore_errors=True)
    assert not again.built
    return {
        "backend": encoder.backend,
        "passages": len(texts),
        "raw_encode_passages_per_s": round(len(texts) / raw, 1),
        "build_passages_per_s": round(len(texts) / build_seconds, 1),
        "build_ratio (target >= 0.9)": round(raw / build_seconds, 3),
        "noop_rebuild_in_process_s": round(noop, 3),
        "noop_rebuild_command_s (target < 1)": round(noop_process, 3),
    }


def telegram(users: int = 200, questions_each: int = 5) -> dict:
    """1,000 questions from 200 users through the real Application and the loopback fake Bot API,
    started as `quotebot run` starts it: update arrival to sendMessage, and exactly one answer each.
    """
    sys.path.insert(0, str(REPO))
    from bot.system import System
    from tests.fake_telegram import FakeBotAPI
    from tests.harness import bot_settings, running_bot

    pipeline = _pipeline()
    questions = _questions()
    rng = random.Random(11)

    async def run() -> dict:
        api = FakeBotAPI(TOKEN)
        await api.start()
        data = Path(tempfile.mkdtemp(prefix="quotebot-bench-data-"))
        settings = bot_settings(api, _STATE["settings"].index_dir, data, rate_limit_per_minute=10)
        system = System(settings, pipeline=pipeline)
        sent_at: dict[int, float] = {}
        async with running_bot(system):
            started = time.perf_counter()
            for round_ in range(questions_each):
                for user in range(users):
                    chat = 100_000 + user * 10 + round_
                    api.send_text(rng.choice(questions), chat_id=chat, user_id=100_000 + user)
                    sent_at[chat] = time.perf_counter()
                await asyncio.sleep(1.0)  # waves a second apart: within the per-user limit
            await api.wait_for_messages(users * questions_each, timeout=300)
            elapsed = time.perf_counter() - started
            await asyncio.sleep(1.0)
        system.close()
        received: dict[int, float] = {}
        for message, at in zip(api.sent, api.sent_times):
            received.setdefault(message.chat_id, at)
        counts = {chat: 0 for chat in sent_at}
        for message in api.sent:
            counts[message.chat_id] = counts.get(message.chat_id, 0) + 1
        latencies = sorted(received[c] - sent_at[c] for c in sent_at if c in received)
        await api.stop()
        return {
            "users": users,
            "questions": users * questions_each,
            "answered_exactly_once (target: all)": sum(n == 1 for n in counts.values()),
            "rejected_by_telegram (target 0)": len(api.rejected),
            "answers_per_s (waves 1 s apart)": round(len(latencies) / elapsed, 1),
            "p50_ms": _ms(statistics.median(latencies)),
            "p99_ms": _ms(_percentile(latencies, 0.99)),
        }

    return asyncio.run(run())


class _NoInbox:
    """What came before the inbox: nothing stored, nothing to mark (the A of the A/B)."""

    durable = False

    def add(self, update_id: int, payload: str) -> bool:
        return True

    def done(self, update_ids) -> None:
        pass

    def pending(self) -> list:
        return []

    def expire(self, max_age: float) -> int:
        return 0

    def depth(self) -> int:
        return 0

    def close(self) -> None:
        pass


def inbox(rounds: int = 6, one_by_one: int = 60) -> dict:
    """The durable inbox's cost on the hot path. End to end: questions one at a time through the
    real Application and the fake Bot API, with the SQLite inbox and with none, alternated in one
    run (paced under Telegram's flood limit, which would otherwise set the pace). In process: one
    update stored and marked done, beside one question answered by the pipeline.
    Target: answer time within 10 % (ratio at most 1.10)."""
    sys.path.insert(0, str(REPO))
    from bot.system import System
    from bot.telegram.inbox import SqliteInbox
    from tests.fake_telegram import FakeBotAPI
    from tests.harness import bot_settings, running_bot

    pipeline = _pipeline()
    questions = _questions()

    async def run(durable: bool) -> list[float]:
        api = FakeBotAPI(TOKEN)
        await api.start()
        data = Path(tempfile.mkdtemp(prefix="quotebot-bench-inbox-"))
        settings = bot_settings(api, _STATE["settings"].index_dir, data, rate_limit_per_minute=0)
        system = System(settings, pipeline=pipeline, inbox=None if durable else _NoInbox())
        times = []
        async with running_bot(system):
            for n in range(one_by_one):
                chat = 300_000 + n
                started = time.perf_counter()
                api.send_text(questions[n % len(questions)], chat_id=chat)
                await api.wait_for_messages(1, chat_id=chat, timeout=60)
                times.append(time.perf_counter() - started)
                await asyncio.sleep(0.1)
        system.close()
        await api.stop()
        shutil.rmtree(data, ignore_errors=True)
        return times

    times: dict[bool, list[float]] = {True: [], False: []}
    for round_ in range(rounds):
        for durable in (False, True) if round_ % 2 else (True, False):
            times[durable].extend(asyncio.run(run(durable)))
    p50 = {d: statistics.median(times[d]) for d in times}

    data = Path(tempfile.mkdtemp(prefix="quotebot-bench-inbox-"))
    store = SqliteInbox(data / "inbox.sqlite3")
    payload = '{"update_id": 1, "message": {"text": "%s"}}' % ("x" * 300)
    started = time.perf_counter()
    for n in range(2000):
        store.add(n, payload)
        store.done([n])
    per_update = (time.perf_counter() - started) / 2000
    store.close()
    shutil.rmtree(data, ignore_errors=True)
    started = time.perf_counter()
    for question in questions[:100]:
        pipeline.answer(question)
    per_answer = (time.perf_counter() - started) / len(questions[:100])
    return {
        "p50_ms without inbox (end to end)": _ms(p50[False]),
        "p50_ms with the SQLite inbox (end to end)": _ms(p50[True]),
        "p50 ratio (target <= 1.10)": round(p50[True] / p50[False], 3),
        "inbox store + mark done, ms per update": round(per_update * 1000, 3),
        "pipeline, ms per answer": _ms(per_answer),
        "inbox share of an answer's time": round(per_update / per_answer, 4),
    }


def crash(bursts: int = 3, size: int = 100, seed: int = 14) -> dict:
    """`quotebot run` killed with SIGKILL at a random moment of each burst of ``size`` questions
    (each from its own chat), restarted, in polling and in webhook mode: questions never answered
    (target 0) and answered twice (target at most 2 %)."""
    sys.path.insert(0, str(REPO))
    import aiohttp

    from tests.fake_telegram import FakeBotAPI
    from tests.test_crash import (
        QUESTIONS,
        SECRET,
        BotProcess,
        answers_per_chat,
        bot_env,
        post_until_accepted,
        until,
    )
    from tests.test_telegram import free_port

    _pipeline()
    rng = random.Random(seed)

    async def run(mode: str) -> dict:
        api = FakeBotAPI(TOKEN)
        await api.start()
        work = Path(tempfile.mkdtemp(prefix="quotebot-bench-crash-"))
        port = free_port()
        webhook = {
            "BOT_MODE": "webhook",
            "WEBHOOK_URL": "https://bot.example.org/telegram",
            "WEBHOOK_SECRET": SECRET,
            "WEBHOOK_LISTEN": "127.0.0.1",
            "WEBHOOK_PORT": str(port),
        }
        env = bot_env(
            api, work, _STATE["settings"].index_dir, MODELS, **(webhook if mode == "webhook" else {})
        )
        bot = BotProcess(env, work)
        await bot.start()
        await until(
            lambda: api.webhook_url if mode == "webhook" else api.calls, 90, "no start", bot
        )
        lost = twice = killed_mid_burst = 0
        async with aiohttp.ClientSession() as session:
            for burst in range(bursts):
                chats = range(50_000 + burst * 1000, 50_000 + burst * 1000 + size)
                senders = []
                for n, chat in enumerate(chats):
                    text = QUESTIONS[n % len(QUESTIONS)]
                    if mode == "webhook":
                        update = {
                            "update_id": chat,
                            "message": api.message(chat, chat, text=text),
                        }
                        url = f"http://127.0.0.1:{port}/telegram"
                        senders.append(
                            asyncio.create_task(
                                post_until_accepted(session, url, update, time.monotonic() + 150)
                            )
                        )
                    else:
                        api.send_text(text, chat_id=chat, user_id=chat)
                await asyncio.sleep(rng.uniform(0.0, 2.5))
                answered = sum(1 for n in answers_per_chat(api, chats).values() if n)
                killed_mid_burst += answered < size
                await bot.kill()
                bot = BotProcess(env, work)
                await bot.start()
                await asyncio.gather(*senders)
                with contextlib.suppress(AssertionError):
                    await until(
                        lambda chats=chats: all(answers_per_chat(api, chats).values()), 120, ""
                    )
                await asyncio.sleep(1.0)
                counts = answers_per_chat(api, chats)
                lost += sum(1 for n in counts.values() if n == 0)
                twice += sum(n - 1 for n in counts.values() if n > 1)
        await bot.terminate()
        await api.stop()
        shutil.rmtree(work, ignore_errors=True)
        total = bursts * size
        return {
            f"{mode}: kills that came mid-burst": f"{killed_mid_burst} of {bursts}",
            f"{mode}: questions lost (target 0)": f"{lost} of {total}",
            f"{mode}: answered twice (target <= 2 %)": f"{twice} ({twice / total:.1%})",
        }

    figures: dict = {}
    for mode in ("polling", "webhook"):
        figures |= asyncio.run(run(mode))
    return figures


def memory(questions: int = 5000) -> dict:
    """Peak RSS growth of the real pipeline over 4,000 questions after a 1,000-question warm-up."""
    import resource

    pipeline = _pipeline()
    rng = random.Random(5)
    base = _questions()
    words = [
        "gut",
        "joint",
        "pain",
        "zinc",
        "leaky",
        "fever",
        "swollen",
        "chest",
        "what",
        "how",
        "is",
        "can",
        "my",
        "the",
        "and",
    ]

    def batch() -> list[str]:
        return [rng.choice(base) + " " + " ".join(rng.choices(words, k=3)) for _ in range(50)]

    warm = questions // 5
    for _ in range(warm // 50):
        pipeline.answer_batch(batch())
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    for _ in range((questions - warm) // 50):
        pipeline.answer_batch(batch())
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "questions": questions,
        "peak_rss_growth_mb (target < 50)": round((after - before) / 1024, 1),
    }


def cold_start() -> dict:
    """Process start to ready (polling) and to the first answer; peak RSS of `quotebot run`."""
    sys.path.insert(0, str(REPO))
    from tests.fake_telegram import FakeBotAPI

    _pipeline()
    settings = _STATE["settings"]

    async def run(backend: str) -> dict:
        api = FakeBotAPI(TOKEN)
        await api.start()
        data = Path(tempfile.mkdtemp(prefix="quotebot-bench-data-"))
        env = dict(
            os.environ,
            TELEGRAM_BOT_TOKEN=TOKEN,
            TELEGRAM_API_BASE_URL=api.url,
            CORPUS_DIR=str(CORPUS),
            INDEX_DIR=str(settings.index_dir),
            DATA_DIR=str(data),
            MODEL_CACHE_DIR=str(MODELS),
            EMBEDDING_BACKEND=backend,
        )
        started = time.perf_counter()
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", env=env, stderr=asyncio.subprocess.DEVNULL
        )
        while not any(m == "getUpdates" for m, _ in api.calls):
            await asyncio.sleep(0.05)
        ready = time.perf_counter() - started
        questions = _questions()
        for i, question in enumerate(questions):
            api.send_text(question, chat_id=20_000 + i)
        await api.wait_for_messages(len(questions), timeout=120)
        status = Path(f"/proc/{process.pid}/status").read_text()
        peak_kb = int(
            next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM"))
        )
        process.terminate()
        await process.wait()
        await api.stop()
        return {
            f"{backend}_process_start_to_polling_s": round(ready, 2),
            f"{backend}_peak_rss_mb_after_answers": round(peak_kb / 1024, 1),
            f"{backend}_questions_answered": len(questions),
        }

    figures = {}
    for backend in ("onnx", "torch"):
        figures |= asyncio.run(run(backend))
    figures["cold_start_ratio_onnx_to_torch"] = round(
        figures["onnx_process_start_to_polling_s"] / figures["torch_process_start_to_polling_s"], 3
    )
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import bot.cli"], check=True)
    figures["import_bot_cli_s"] = round(time.perf_counter() - started, 3)
    return figures


def scale(scale: list[int]) -> dict:
    """Synthetic 384-d corpora: search p50 and recall@10 of the automatically chosen index."""
    import faiss

    from bot.retrieval.index_build import _make_faiss_index

    figures = {}
    rng = np.random.default_rng(7)
    for n in scale:
        # Sentence embeddings lie near a low-dimensional manifold: a 48-d latent projected into
        # 384 dimensions plus noise stands in for them (uniform random vectors would not).
        latent = rng.standard_normal((n, 48)).astype(np.float32)
        projection = rng.standard_normal((48, 384)).astype(np.float32)
        vectors = latent @ projection + 0.5 * rng.standard_normal((n, 384)).astype(np.float32)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        picked = rng.integers(0, n, 200)
        queries = (
            latent[picked] + 0.3 * rng.standard_normal((200, 48)).astype(np.float32)
        ) @ projection
        queries /= np.linalg.norm(queries, axis=1, keepdims=True)
        exact = faiss.IndexFlatIP(384)
        exact.add(vectors)
        _, truth = exact.search(queries, 10)
        started = time.perf_counter()
        index, kind = _make_faiss_index(vectors)
        build = time.perf_counter() - started
        times = []
        found = 0
        for i, query in enumerate(queries):
            t = time.perf_counter()
            _, rows = index.search(query.reshape(1, -1), 10)
            times.append(time.perf_counter() - t)
            found += len(set(rows[0]) & set(truth[i]))
        size = faiss.serialize_index(index).nbytes
        figures[f"{n}_index"] = kind
        figures[f"{n}_build_s"] = round(build, 1)
        figures[f"{n}_search_p50_ms (target <= 5 at 1M)"] = _ms(statistics.median(times))
        figures[f"{n}_recall_at_10 (target >= 0.95 at 1M)"] = round(found / (10 * len(queries)), 4)
        figures[f"{n}_bytes_per_passage"] = round(size / n, 1)
        del exact, index, vectors
    return figures


def backends(rounds: int = 3) -> dict:
    """The model under torch, under ONNX (the default) and under int8 ONNX, on the same texts.

    Speed is measured interleaved; agreement is the cosine to torch's vectors and whether the
    answers to the labelled set (quotes, refusals, urgent advice) come out the same.
    """
    from bot.embedding.model import resolve_model
    from bot.embedding.torch_encoder import SentenceTransformerEncoder
    from bot.evaluation.measure import measure_part
    from bot.evaluation.sets import dev_part
    from bot.retrieval.index_store import load_index
    from bot.system import System

    def make_pipeline(settings, encoder):
        return System(settings, encoder=encoder).pipeline

    pipeline = _pipeline()
    settings = _STATE["settings"]
    onnx = pipeline.encoder
    torch = SentenceTransformerEncoder(resolve_model(settings.embedding_model))
    encoders = {"torch": torch, "onnx": onnx, "onnx_int8": _int8_encoder(onnx)}
    questions = _questions()
    index = load_index(settings.index_dir, corpus_dir=None, fingerprint=None)
    passages = [p.text for p in index.passages] * 20
    for encoder in encoders.values():
        encoder.encode(["warm up"])

    single = {name: [] for name in encoders}
    batch = {name: [] for name in encoders}
    build = {name: [] for name in encoders}
    for _ in range(rounds):
        for name, encoder in encoders.items():
            for question in questions:
                started = time.perf_counter()
                encoder.encode([question])
                single[name].append(time.perf_counter() - started)
            for start in range(0, len(questions) - 31, 32):
                started = time.perf_counter()
                encoder.encode(questions[start : start + 32])
                batch[name].append(time.perf_counter() - started)
            started = time.perf_counter()
            encoder.encode(passages)
            build[name].append(len(passages) / (time.perf_counter() - started))

    dev = dev_part()
    everything = dev.messages()
    reference_vectors = torch.encode(passages[: len(index.passages)] + everything)
    reference = _answer_keys(make_pipeline(settings, torch), everything)
    figures: dict = {"questions": len(questions), "passages": len(passages)}
    for name, encoder in encoders.items():
        cosines = np.sum(
            encoder.encode(passages[: len(index.passages)] + everything) * reference_vectors, axis=1
        )
        candidate = make_pipeline(settings, encoder)
        report = measure_part(candidate, dev, with_misses=False)
        same = sum(a == b for a, b in zip(_answer_keys(candidate, everything), reference))
        figures[f"{name}_single_question_p50_ms"] = _ms(statistics.median(single[name]))
        figures[f"{name}_batch_of_32_p50_ms"] = _ms(statistics.median(batch[name]))
        figures[f"{name}_passages_per_s"] = round(statistics.median(build[name]), 1)
        figures[f"{name}_min_cosine_to_torch"] = round(float(cosines.min()), 6)
        figures[f"{name}_same_answers_as_torch"] = f"{same}/{len(everything)}"
        figures[f"{name}_recall_at_3"] = report["paraphrase"]["recall_at_3"]
        figures[f"{name}_red_flag_recall"] = report["triage"]["urgent_recall"]
    base = statistics.median(single["torch"])
    figures["onnx_single_question_speed-up"] = round(base / statistics.median(single["onnx"]), 2)
    figures["onnx_passages_speed-up"] = round(
        statistics.median(build["onnx"]) / statistics.median(build["torch"]), 2
    )
    return figures


def _answer_keys(pipeline, questions: list[str]) -> list[tuple]:
    return [
        (a.status, tuple(q.passage_ids for q in a.quotes), a.urgent_advice)
        for a in pipeline.answer_batch(questions)
    ]


def _int8_encoder(onnx):
    """The export quantised to int8 with onnxruntime's dynamic quantisation (not offered)."""
    import json

    from onnxruntime.quantization import QuantType, quantize_dynamic

    from bot.embedding.onnx_encoder import OnnxEncoder
    from bot.embedding.onnx_record import EXPORT_FILE, MODEL_FILE, TOKENIZER_FILE

    target = Path(tempfile.mkdtemp(prefix="quotebot-bench-int8-"))
    quantize_dynamic(
        str(onnx.directory / MODEL_FILE), str(target / MODEL_FILE), weight_type=QuantType.QInt8
    )
    shutil.copy(onnx.directory / TOKENIZER_FILE, target / TOKENIZER_FILE)
    record = onnx.record.to_json() | {"model_bytes": (target / MODEL_FILE).stat().st_size}
    (target / EXPORT_FILE).write_text(json.dumps(record))
    return OnnxEncoder(target)
