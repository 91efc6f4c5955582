"""`quotebot ask` and `quotebot chat` with the real model, in process and from a fresh process."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys

import pytest

from bot import cli
from bot.answering.answer import Quote
from bot.answering.conversation import Conversation
from bot.console import run_chat
from bot.system import System
from tests.conftest import REAL_CORPUS, assert_verbatim

pytestmark = pytest.mark.model


@pytest.fixture
def configured(monkeypatch, real_settings, real_encoder):
    """The CLI reading the real index through the environment; hand it ``make_system`` to use the
    model this run already loaded."""
    monkeypatch.setenv("CORPUS_DIR", str(REAL_CORPUS))
    monkeypatch.setenv("INDEX_DIR", str(real_settings.index_dir))
    return lambda settings: System(settings, encoder=real_encoder)


def test_ask_json(capsys, configured):
    assert (
        cli.main(["ask", "--json", "can leaky gut cause joint pain"], make_system=configured) == 0
    )
    data = json.loads(capsys.readouterr().out)
    assert data["answered"] and data["quotes"]


def test_ask_reads_one_question_per_line_from_stdin(capsys, configured, monkeypatch):
    questions = ["what is leaky gut", "", "capital of France?", "I have chest pain"]
    monkeypatch.setattr(sys, "stdin", io.StringIO("\n".join(questions) + "\n"))
    assert cli.main(["ask", "-", "--json"], make_system=configured) == 0
    lines = capsys.readouterr().out.splitlines()
    answers = [json.loads(line) for line in lines]
    assert [a["question"] for a in answers] == [
        "what is leaky gut",
        "",
        "capital of France?",
        "I have chest pain",
    ]
    assert [a["answered"] for a in answers][:3] == [True, False, False]
    assert answers[3]["urgent"] and answers[3]["urgent_advice"]


def test_chat_answers_and_shows_more(real_pipeline):
    stdin = io.StringIO(
        "how does the gut affect joint pain\nmore\ncan you say more?\nhelp\nquit\nnot reached\n"
    )
    stdout = io.StringIO()
    assert run_chat(real_pipeline, Conversation(), stdin, stdout) == 0
    out = stdout.getvalue()
    assert out.startswith(real_pipeline.texts.reply("greeting")[:40])
    # "more", typed or asked ("can you say more?"), shows the next passages each time.
    assert out.count("Here is what the articles say:") == 3
    assert "Type “more”" in out
    assert "not reached" not in out


def test_the_console_lists_the_articles_it_quotes_as_the_bot_does(real_pipeline):
    # The identity reply points at /sources: it has to work in the console too.
    stdin = io.StringIO("are you a doctor?\n/sources\n")
    stdout = io.StringIO()
    run_chat(real_pipeline, Conversation(), stdin, stdout)
    out = stdout.getvalue()
    assert "/sources" in out and real_pipeline.texts.reply("sources") in out
    for document in real_pipeline.sources:
        assert f"• {document.title}" in out
    assert "I don't know that command" not in out


def test_ask_from_a_fresh_process(real_settings, tmp_path):
    """What a user runs: the installed command, its own model load, plain text out."""
    env = dict(
        os.environ,
        CORPUS_DIR=str(REAL_CORPUS),
        INDEX_DIR=str(real_settings.index_dir),
        MODEL_CACHE_DIR=str(real_settings.models_dir),
    )
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "bot",
            "ask",
            "--json",
            "what supplements help repair the gut lining?",
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["answered"]
    assert data["quotes"] and data["disclaimer"] and data["escalation"]
    for quote in data["quotes"]:
        assert_verbatim(Quote(**quote))


def test_ask_with_a_stale_index_answers_and_names_the_fix(
    capsys, caplog, configured, monkeypatch, tmp_path, real_settings
):
    """A corpus changed since the build does not stop `ask`: the last good index answers, and a
    warning names the changed files and the command (issue 14)."""
    import shutil

    corpus = tmp_path / "corpus"
    shutil.copytree(REAL_CORPUS, corpus)
    (corpus / "new.md").write_text("---\ntitle: New\n---\n\nA brand new article paragraph.\n")
    (corpus / "latin.txt").write_bytes("T\ncaf\xe9\n".encode("latin-1"))
    monkeypatch.setenv("CORPUS_DIR", str(corpus))
    assert cli.main(["ask", "what is leaky gut"], make_system=configured) == 0
    captured = capsys.readouterr()
    assert "Here is what the articles say" in captured.out
    warning = [r.getMessage() for r in caplog.records if "added: new.md" in r.getMessage()]
    assert len(warning) == 1 and "unreadable: latin.txt" in warning[0]
    assert "quotebot index build" in warning[0] and "\n" not in warning[0]


def test_the_console_chat_follows_up_as_telegram_does(real_pipeline):
    """The same conversation rule in every channel: a follow-up is read after the last question."""
    assert not real_pipeline.answer("how?").answered  # nothing on its own
    stdin = io.StringIO("does leaky gut cause joint pain\nthanks\nhow?\n")
    stdout = io.StringIO()
    assert run_chat(real_pipeline, Conversation(), stdin, stdout) == 0
    text = " ".join(line.lstrip("│ ") for line in stdout.getvalue().splitlines())
    first, follow_up = text.split("Here is what the articles say:")[1:]
    assert "You're welcome" in first  # small talk between them does not change the subject
    assert "It can contribute significantly by driving immune activation" in follow_up
