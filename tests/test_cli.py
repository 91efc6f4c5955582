"""The `quotebot` command in process: exit codes and what it prints."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot import cli
from bot.system import System
from tests.fakes import FakeEncoder
from tests.harness import TOKEN


@pytest.fixture
def fake_model() -> FakeEncoder:
    """The encoder the CLI is handed in place of the configured model (see `run`)."""
    return FakeEncoder()


def run(capsys, *argv: str, encoder: FakeEncoder | None = None) -> tuple[int, str, str]:
    """`quotebot ARGV` in process, with ``encoder`` in place of the model when one is given."""
    make_system = (lambda settings: System(settings, encoder=encoder)) if encoder else None
    code = cli.main(list(argv), make_system=make_system)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_index_build_then_no_work_then_info(capsys, corpus_copy: Path, tmp_path: Path, fake_model):
    where = ["--corpus", str(corpus_copy), "--index", str(tmp_path / "idx")]
    code, out, _ = run(capsys, "index", "build", *where, encoder=fake_model)
    assert code == 0 and "23 passages from 2 files" in out and "passages/s" in out
    code, out, _ = run(capsys, "index", "build", *where, encoder=fake_model)
    assert code == 0 and "is up to date" in out and "nothing to do" in out
    code, out, _ = run(capsys, "index", "info", "--json", *where, encoder=fake_model)
    info = json.loads(out)
    assert code == 0 and info["status"] == "ok" and info["manifest"]["passage_count"] == 23
    code, out, _ = run(capsys, "index", "info", *where, encoder=fake_model)
    assert code == 0 and "23 × 1024" in out


def test_index_info_without_an_index_says_how_to_build(capsys, corpus_copy, tmp_path, fake_model):
    code, out, _ = run(
        capsys,
        "index",
        "info",
        "--corpus",
        str(corpus_copy),
        "--index",
        str(tmp_path / "none"),
        encoder=fake_model,
    )
    assert code == 1 and "missing" in out and "quotebot index build" in out


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        (lambda c: None, "does not exist"),
        (lambda c: c.mkdir(), "has no .md or .txt files"),
        (
            lambda c: (c.mkdir(), (c / "bad.md").write_bytes(b"---\ntitle: x\n---\n\n\xff\xfe\n")),
            "bad.md:5: not UTF-8",
        ),
    ],
)
def test_index_build_bad_corpus_is_one_line_and_exit_1(
    capsys, tmp_path, fake_model, setup, message
):
    corpus = tmp_path / "c"
    setup(corpus)
    code, out, err = run(
        capsys,
        "index",
        "build",
        "--corpus",
        str(corpus),
        "--index",
        str(tmp_path / "i"),
        encoder=fake_model,
    )
    assert code == 1 and out == ""
    assert err.startswith("quotebot: error: ") and message in err and err.count("\n") == 1


def test_corpus_lint_reports_navigation_duplicates_fragments(capsys, tmp_path):
    corpus = tmp_path / "c"
    corpus.mkdir()
    shared = "Leaky gut allows bacterial fragments and food antigens into circulation, triggering responses."
    (corpus / "a.md").write_text(
        f"---\ntitle: A\n---\n\n{shared}\n\nToo short.\n\nRead More →Other article\n"
    )
    (corpus / "b.txt").write_text(f"B title\n{shared}\n")
    (corpus / "empty.md").write_text("")
    (corpus / "latin.txt").write_bytes("T\ncaf\xe9\n".encode("latin-1"))
    code, out, _ = run(capsys, "corpus", "lint", "--corpus", str(corpus))
    assert code == 1
    assert "a.md:9: error: navigation or boilerplate line: 'Read More →Other article'" in out
    assert "a.md:5: warning: paragraph duplicated in b.txt:2" in out
    assert "a.md:7: warning: fragment too short to stand alone" in out
    assert "empty.md:1: error: empty file" in out
    assert "latin.txt:2: error: not UTF-8 (byte 0xe9 at offset 5); save the file as UTF-8" in out
    assert out.rstrip().endswith("3 error(s), 3 warning(s) in 4 file(s) of " + str(corpus) + ".")


def test_corpus_lint_of_the_real_corpus_has_no_errors(capsys):
    from tests.conftest import REAL_CORPUS

    code, out, _ = run(capsys, "corpus", "lint", "--corpus", str(REAL_CORPUS))
    assert code == 0, out
    assert "error:" not in out


def test_bad_setting_stops_with_one_line(capsys, monkeypatch):
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "oops")
    code, _, err = run(capsys, "config")
    assert code == 1 and err.startswith("quotebot: error: TELEGRAM_BOT_TOKEN: expected")
    assert "oops" not in err and err.count("\n") == 1


def test_config_masks_the_token(capsys, monkeypatch):
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    code, out, _ = run(capsys, "config", "--json")
    assert code == 0 and TOKEN not in out and TOKEN.split(":")[1] not in out
    assert json.loads(out)["TELEGRAM_BOT_TOKEN"] == "123456789:****** (set)"


def test_no_command_prints_help(capsys):
    code, out, _ = run(capsys)
    assert code == 2 and "index" in out and "corpus" in out


@pytest.mark.parametrize("command", [["ask", "-", "--json"], ["index", "info"]])
def test_output_into_a_closed_pipe_ends_quietly(command, fake_index_dir, tmp_path):
    """`quotebot ask - … | head -1`: no BrokenPipeError traceback when the reader leaves."""
    import os
    import subprocess
    import sys

    from tests.conftest import REAL_CORPUS, REPO

    script = (
        "import sys\n"
        "from bot.cli import main\n"
        "from bot.system import System\n"
        "from tests.fakes import FakeEncoder\n"
        "sys.exit(main(sys.argv[1:], make_system=lambda s: System(s, encoder=FakeEncoder())))\n"
    )
    env = dict(os.environ, CORPUS_DIR=str(REAL_CORPUS), INDEX_DIR=str(fake_index_dir))
    env["PYTHONPATH"] = str(REPO)
    questions = "".join(f"what is leaky gut {i}\n" for i in range(200))
    pipeline = subprocess.run(
        [
            "bash",
            "-c",
            f'"{sys.executable}" -c "$SCRIPT" "$@" | head -c 10; echo " ${{PIPESTATUS[0]}}"',
            "quotebot",
            *command,
        ],
        input=questions,
        capture_output=True,
        text=True,
        env=env | {"SCRIPT": script},
        cwd=tmp_path,
        timeout=120,
    )
    assert "Traceback" not in pipeline.stderr and "BrokenPipeError" not in pipeline.stderr
    assert pipeline.stderr == ""
    assert pipeline.stdout.split()[-1] in {"0", "141"}


def test_chat_json_is_a_scripted_conversation(capsys, monkeypatch, fake_index_dir):
    """`quotebot chat --json`: one message per line in, one JSON answer per line out, remembered
    as a Telegram chat remembers."""
    import io
    import sys

    from tests.conftest import REAL_CORPUS

    monkeypatch.setenv("CORPUS_DIR", str(REAL_CORPUS))
    monkeypatch.setenv("INDEX_DIR", str(fake_index_dir))
    messages = ["hi", "Can leaky gut cause joint pain?", "how?", "thanks", "is turmeric ok?"]
    monkeypatch.setattr(sys, "stdin", io.StringIO("\n".join(messages) + "\n"))
    code, out, _ = run(capsys, "chat", "--json", encoder=FakeEncoder())
    answers = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and len(answers) == len(messages)
    assert [a["status"] for a in answers] == [
        "small_talk", "answered", "answered", "small_talk", "unmentioned"
    ]  # fmt: skip
    assert answers[2]["question"] == "Can leaky gut cause joint pain? how?"  # borrowed, read after
    assert answers[4]["subject"] == "turmeric" and answers[4]["disclaimer"]
