"""A corpus change never takes the bot down: a stale or unbuildable corpus leaves the last good index
serving, and an index rebuilt beside the running bot is served without a restart (issue 14, part 3)."""

from __future__ import annotations

import io
import logging
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from bot import cli
from bot.ops.health import write_heartbeat
from bot.retrieval.index_build import build_index
from bot.settings import Settings
from bot.system import System
from tests.conftest import REPO
from tests.fakes import FakeEncoder
from tests.tampering import replace_in_passages

ARTICLE = "joint-pain-autoimmunity-leaky-gut.md"
INDEXED = "using gut-healing nutrients like L-glutamine, zinc, and collagen"
EDITED = "using gut-soothing nutrients like L-glutamine, zinc, and collagen"
ZINC_QUESTION = "gut-healing nutrients like L-glutamine, zinc, collagen"
NEW_ARTICLE = (
    "---\ntitle: Xylophone therapy\n---\n\n"
    "Xylophone therapy is a gentle rhythm practice that some clinics offer for xylophone lovers.\n"
)
NEW_QUESTION = "what is xylophone therapy"


def settings_for(tmp_path: Path, corpus: Path, **overrides) -> Settings:
    return Settings(
        _env_file=None,
        corpus_dir=corpus,
        index_dir=tmp_path / "index",
        data_dir=tmp_path / "data",
        **overrides,
    )


@pytest.fixture
def system(corpus_copy: Path, tmp_path: Path):
    """A bot's parts over its own index of a corpus copy (the fake encoder), closed after."""
    build_index(corpus_copy, tmp_path / "index", FakeEncoder())
    built = System(settings_for(tmp_path, corpus_copy), encoder=FakeEncoder())
    yield built
    built.close()


def quoted_files(system: System, question: str) -> set[str]:
    return {quote.source_path for quote in system.pipeline.answer(question).quotes}


def sample(system: System, name: str, **labels) -> float | None:
    return system.metrics.registry.get_sample_value(name, labels)


def wait_until(condition: Callable[[], bool], timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def build_in_another_process(corpus: Path, index: Path) -> None:
    """`quotebot index build` beside the running bot, as an operator runs it (the fake encoder)."""
    script = (
        "import sys; from pathlib import Path; sys.path.insert(0, sys.argv[3]);"
        "from bot.retrieval.index_build import build_index; from tests.fakes import FakeEncoder;"
        "build_index(Path(sys.argv[1]), Path(sys.argv[2]), FakeEncoder())"
    )
    args = [sys.executable, "-c", script, str(corpus), str(index), str(REPO)]
    subprocess.run(args, check=True, timeout=120)


def test_a_stale_corpus_still_answers_with_what_the_corpus_still_says(system, corpus_copy, caplog):
    """The last good index keeps serving, but never a sentence the article no longer says: a
    passage of the edited article is quoted only where the file still has its text."""
    assert any(INDEXED in quote.text for quote in system.pipeline.answer(ZINC_QUESTION).quotes)
    untouched = "intestinal-barrier-inflammation-joint-discomfort.md"
    assert untouched in quoted_files(system, "intestinal barrier inflammation joint discomfort")
    article = corpus_copy / ARTICLE
    article.write_text(article.read_text().replace(INDEXED, EDITED))
    (corpus_copy / "new.md").write_text(NEW_ARTICLE)
    (corpus_copy / "latin.txt").write_bytes("T\ncaf\xe9\n".encode("latin-1"))
    caplog.set_level(logging.WARNING)
    fresh = System(system.settings, encoder=FakeEncoder())  # as the next start sees it
    answer = fresh.pipeline.answer(ZINC_QUESTION)
    assert all(
        INDEXED not in quote.text and "soothing" not in quote.text for quote in answer.quotes
    )
    # The article nobody edited is quoted as before; the edited one where it still says the same.
    assert untouched in quoted_files(fresh, "intestinal barrier inflammation joint discomfort")
    assert ARTICLE in quoted_files(fresh, "what is leaky gut")
    fresh.close()
    [warning] = [
        r.getMessage()
        for r in caplog.records
        if r.levelno == logging.WARNING and "has changed" in r.getMessage()
    ]
    assert "added: new.md" in warning and f"edited: {ARTICLE}" in warning
    assert "unreadable: latin.txt" in warning and "quotebot index build" in warning
    assert "xylophone" not in warning.lower() and "soothing" not in warning
    assert sample(fresh, "quotebot_index_stale") == 1


def test_index_build_on_start_keeps_the_last_good_index(
    corpus_copy, tmp_path, capsys, caplog, monkeypatch
):
    build_index(corpus_copy, tmp_path / "index", FakeEncoder())
    (corpus_copy / "latin.txt").write_bytes("T\ncaf\xe9\n".encode("latin-1"))
    for name, value in (("CORPUS_DIR", corpus_copy), ("INDEX_DIR", tmp_path / "index")):
        monkeypatch.setenv(name, str(value))
    monkeypatch.setenv("INDEX_BUILD_ON_START", "true")
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))  # the console chat ends at once
    caplog.set_level(logging.WARNING)
    make_system = lambda settings: System(settings, encoder=FakeEncoder())  # noqa: E731
    assert cli.main(["start"], make_system=make_system) == 0
    [warning] = [r.getMessage() for r in caplog.records if "not rebuilt" in r.getMessage()]
    assert warning.startswith("The index was not rebuilt (latin.txt:2: not UTF-8")
    assert warning.endswith("the last good index keeps serving.")
    # Without a last good index there is nothing to serve: the build's own error, one line.
    shutil.rmtree(tmp_path / "index")
    capsys.readouterr()
    assert cli.main(["start"], make_system=make_system) == 1
    err = capsys.readouterr().err
    assert "latin.txt:2: not UTF-8" in err and err.count("\n") == 1


def test_health_reports_a_stale_index_and_stays_healthy(system, corpus_copy, tmp_path, capsys):
    (corpus_copy / "new.md").write_text(NEW_ARTICLE)
    system.watch_index(interval=0)
    write_heartbeat(tmp_path / "data", "polling")
    code = cli.main(["health"], make_system=lambda s: system)
    out = capsys.readouterr().out
    assert code == 0 and out.startswith("healthy: serving (polling)")
    assert "index stale: added: new.md; run `quotebot index build`" in out


def test_a_rebuilt_index_is_served_without_a_restart(system, corpus_copy, tmp_path, caplog):
    caplog.set_level(logging.INFO)
    (corpus_copy / "new.md").write_text(NEW_ARTICLE)
    assert "new.md" not in quoted_files(system, NEW_QUESTION)
    services = system.telegram_services()  # what /sources lists, handed out at start-up
    system.watch_index(interval=0.05)
    wait_until(lambda: sample(system, "quotebot_index_stale") == 1)
    build_in_another_process(corpus_copy, tmp_path / "index")
    wait_until(lambda: "new.md" in quoted_files(system, NEW_QUESTION))
    assert "new.md" in {document.source_path for document in services.sources}
    assert sample(system, "quotebot_index_reloads_total", outcome="loaded") == 1
    assert sample(system, "quotebot_index_stale") == 0
    assert any("Serving the new index" in r.getMessage() for r in caplog.records)
    # Said once per change, not at every look (every 0.05 s here).
    said = [r for r in caplog.records if "corpus has changed" in r.getMessage()]
    assert len(said) == 1 and "added: new.md" in said[0].getMessage()


def test_a_bad_new_index_is_refused_and_the_old_one_keeps_serving(
    system, corpus_copy, tmp_path, caplog
):
    caplog.set_level(logging.WARNING)
    system.watch_index(interval=0.05)
    # A new build, tampered after it was written (checksums made to agree), then put in place
    # the way a build puts its generation in place: the directory, then the manifest, renamed.
    (corpus_copy / "new.md").write_text(NEW_ARTICLE)
    staging = tmp_path / "staging"
    build_index(corpus_copy, staging, FakeEncoder())
    replace_in_passages(staging, "gentle rhythm", "gentle poison")
    [generation] = staging.glob("gen-*")
    generation.rename(tmp_path / "index" / generation.name)
    os.replace(staging / "manifest.json", tmp_path / "index" / "manifest.json")
    wait_until(lambda: sample(system, "quotebot_index_reloads_total", outcome="refused") == 1)
    assert "new.md" not in quoted_files(system, NEW_QUESTION)
    assert ARTICLE in quoted_files(system, ZINC_QUESTION)
    [refused] = [r.getMessage() for r in caplog.records if "refused" in r.getMessage()]
    assert "does not quote its corpus verbatim" in refused and "keeps serving" in refused
    assert "poison" not in refused and "\n" not in refused
    # The watch goes on: a good build is served.
    build_in_another_process(corpus_copy, tmp_path / "index")
    wait_until(lambda: "new.md" in quoted_files(system, NEW_QUESTION))


class SwappingEncoder(FakeEncoder):
    """Swaps the pipeline's index while a batch is in the model, as the watcher's thread may."""

    def __init__(self) -> None:
        super().__init__()
        self.swap = None

    def encode(self, texts, *, progress: bool = False):
        if self.swap is not None:
            self.swap, swap = None, self.swap
            swap()
        return super().encode(texts, progress=progress)


def test_a_batch_in_flight_is_answered_from_one_index(corpus_copy, tmp_path, caplog):
    from bot.retrieval.index_store import load_index

    build_index(corpus_copy, tmp_path / "index", FakeEncoder())
    (corpus_copy / "new.md").write_text(NEW_ARTICLE)
    build_index(corpus_copy, tmp_path / "newer", FakeEncoder())
    encoder = SwappingEncoder()
    system = System(settings_for(tmp_path, corpus_copy), encoder=encoder)
    pipeline = system.pipeline
    newer = system.corpus_view(load_index(tmp_path / "newer", corpus_dir=None, fingerprint=None))
    encoder.swap = lambda: pipeline.swap(newer)
    caplog.set_level(logging.WARNING)
    during = pipeline.answer_batch([NEW_QUESTION, ZINC_QUESTION])
    # The whole batch from the old index: nothing of the new article, nothing half-matched.
    assert pipeline.corpus is newer and encoder.swap is None
    assert all(q.source_path != "new.md" for answer in during for q in answer.quotes)
    assert ARTICLE in {q.source_path for q in during[1].quotes}
    assert not [r for r in caplog.records if "Left out a quote" in r.getMessage()]
    after = pipeline.answer_batch([NEW_QUESTION])
    assert "new.md" in {q.source_path for q in after[0].quotes}


async def test_the_telegram_bot_answers_over_a_stale_corpus_and_follows_a_rebuild(
    corpus_copy, tmp_path
):
    """Through the real Application and the fake Bot API: a bad file and a new article added to
    the corpus of a running bot; it keeps answering, then serves the rebuilt index, no restart."""
    import asyncio

    from tests.fake_telegram import FakeBotAPI
    from tests.harness import TOKEN, running_bot

    api = FakeBotAPI(TOKEN)
    await api.start()
    build_index(corpus_copy, tmp_path / "index", FakeEncoder())
    (corpus_copy / "latin.txt").write_bytes("T\ncaf\xe9\n".encode("latin-1"))
    (corpus_copy / "new.md").write_text(NEW_ARTICLE)
    settings = settings_for(
        tmp_path, corpus_copy, telegram_bot_token=TOKEN, telegram_api_base_url=api.url
    )
    system = System(settings, encoder=FakeEncoder())
    system.watch_index(interval=0.05)
    try:
        async with running_bot(system):
            api.send_text(ZINC_QUESTION, chat_id=801)
            [answer] = await api.wait_for_messages(1, chat_id=801)
            api.send_text("/sources", chat_id=801)
            _, sources = await api.wait_for_messages(2, chat_id=801)
            assert "L-glutamine, zinc, and collagen" in answer.visible_text
            assert "Xylophone" not in sources.visible_text
            (corpus_copy / "latin.txt").unlink()
            await asyncio.to_thread(build_in_another_process, corpus_copy, tmp_path / "index")
            await asyncio.to_thread(wait_until, lambda: sample(system, "quotebot_index_stale") == 0)
            # (the new index served: on a loaded machine the gauge was once read first)
            await asyncio.to_thread(
                wait_until, lambda: any(s.source_path == "new.md" for s in system.pipeline.sources)
            )
            api.send_text("/sources", chat_id=801)
            *_, sources = await api.wait_for_messages(3, chat_id=801)
            api.send_text(NEW_QUESTION, chat_id=801)
            *_, answer = await api.wait_for_messages(4, chat_id=801)
        assert "Xylophone therapy" in sources.visible_text
        assert "gentle rhythm practice" in answer.visible_text
    finally:
        system.close()
        await api.stop()
