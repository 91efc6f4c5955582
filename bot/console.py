"""The console chat: the same pipeline and conversation rules as the bot, one message per line."""

from __future__ import annotations

import json
from typing import TextIO

from bot.answering.conversation import Conversation
from bot.answering.pipeline import AnswerPipeline, Request
from bot.render.json_contract import answer_to_json
from bot.render.plain import render_footer_in_full, render_plain, render_sources

QUIT = {"quit", "exit", "/quit", "/exit", ":q"}
# What asks for the next passages of the last answer, as typed ("can you say more?", trial 16).
MORE = {
    "more", "/more", "more please", "say more", "can you say more", "could you say more",
    "show more", "show me more", "any more", "more passages", "next",
}  # fmt: skip
CHAT = "console"  # the one chat of a console session, as the conversation remembers it


def run_chat(
    pipeline: AnswerPipeline, conversation: Conversation, stdin: TextIO, stdout: TextIO
) -> int:
    """Read messages until end of input or `quit`; `more` shows further passages, `help` the help."""
    texts = pipeline.texts
    print(texts.reply("greeting") + "\n\n" + texts.reply("help") + "\n", file=stdout)
    last_question: tuple[str, str | None] | None = None  # the last question and its context
    offset = 0
    interactive = stdin.isatty()
    while True:
        if interactive:
            stdout.write("you> ")
            stdout.flush()
        line = stdin.readline()
        if not line:
            return 0
        message = line.strip()
        command = message.casefold().strip(" ?!.")
        if command in QUIT:
            return 0
        if command in {"help", "/help", "?"}:
            print(texts.reply("help") + "\n", file=stdout)
            continue
        if command in {"about", "/about"}:
            print(f"{texts.reply('about')}\n\n{render_footer_in_full(texts)}\n", file=stdout)
            continue
        if command in {"sources", "/sources"}:  # as in Telegram: the articles quoted
            print(render_sources(texts, pipeline.sources) + "\n", file=stdout)
            continue
        if command in MORE and last_question is None:
            print(texts.reply("console_more_first") + "\n", file=stdout)
            continue
        if command in MORE:  # the same reading again, its next page
            offset += pipeline.max_quotes
            asked, read_with = last_question
            answer = pipeline.answer_batch([Request(asked, offset, read_with)])[0]
        else:
            answer = conversation.answer(CHAT, message, lambda r: pipeline.answer_batch([r])[0])
            if answer.status in {"answered", "no_answer", "unmentioned"}:
                last_question, offset = (answer.asked, answer.context), 0
        print(
            render_plain(answer, more_hint=texts.reply("console_more")) + "\n",
            file=stdout,
            flush=True,
        )


def run_json_chat(
    pipeline: AnswerPipeline, conversation: Conversation, stdin: TextIO, stdout: TextIO
) -> int:
    """One message per line in, one JSON answer per line out (``ask --json``'s contract), with the
    conversation remembered as in a chat: scripted conversations, for tests and evaluation."""
    for line in stdin:
        answer = conversation.answer(
            CHAT, line.rstrip("\n"), lambda r: pipeline.answer_batch([r])[0]
        )
        print(json.dumps(answer_to_json(answer), ensure_ascii=False), file=stdout, flush=True)
    return 0
