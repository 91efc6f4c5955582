"""The console chat: the same pipeline as the bot, one question per line."""

from __future__ import annotations

from typing import TextIO

from bot.answering.pipeline import AnswerPipeline
from bot.render.plain import render_plain

QUIT = {"quit", "exit", "/quit", "/exit", ":q"}


def run_chat(pipeline: AnswerPipeline, stdin: TextIO, stdout: TextIO) -> int:
    """Read questions until end of input or `quit`; `more` shows further passages, `help` the help."""
    texts = pipeline.texts
    print(texts.reply("greeting") + "\n\n" + texts.reply("help") + "\n", file=stdout)
    last_question: str | None = None
    offset = 0
    interactive = stdin.isatty()
    while True:
        if interactive:
            stdout.write("you> ")
            stdout.flush()
        line = stdin.readline()
        if not line:
            return 0
        question = line.strip()
        command = question.casefold()
        if command in QUIT:
            return 0
        if command in {"help", "/help", "?"}:
            print(texts.reply("help") + "\n", file=stdout)
            continue
        if command in {"more", "/more"} and last_question is not None:
            offset += pipeline.max_quotes
            answer = pipeline.answer(last_question, offset=offset)
        else:
            last_question, offset = question, 0
            answer = pipeline.answer(question)
        print(
            render_plain(answer, more_hint=texts.reply("console_more")) + "\n",
            file=stdout,
            flush=True,
        )
