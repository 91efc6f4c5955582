"""Telegram handlers: thin, each one reads the update, calls the answerer and a renderer, replies.

Privacy: nothing here logs message text or raw user ids; the error handler logs the exception's
type and traceback only.
"""

from __future__ import annotations

import asyncio
import html
import logging
import re
import time
from typing import TYPE_CHECKING

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ChatAction, ChatType
from telegram.error import BadRequest, NetworkError, TelegramError
from telegram.ext import ContextTypes

from bot.answering.answer import Answer
from bot.render.telegram_html import pack_blocks, render_notice, render_telegram_html
from bot.telegram import callback_data
from bot.telegram.callback_data import MorePress
from bot.telegram.flood_control import never_arrived
from bot.telegram.intake import InboxProcessor
from bot.telegram.services import Services

if TYPE_CHECKING:
    from bot.answering.pipeline import Request

logger = logging.getLogger(__name__)
# A message older than this on arrival was held while the bot was down (not a burst from a user).
BACKLOG_SECONDS = 60.0
# Seconds an answer may take before the chat shows "typing…".
TYPING_AFTER = 0.5
RATING_LABELS = {1: "👍", -1: "👎"}
CHOSEN = " ✓"  # after the rating a user chose


def services(context: ContextTypes.DEFAULT_TYPE) -> Services:
    return context.application.bot_data["services"]


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Say what the bot is, that it is not a doctor, and how to ask."""
    texts = services(context).texts
    await update.effective_message.reply_text(
        _escape(texts.reply("greeting")) + "\n\n" + _escape(texts.reply("help"))
    )


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Explain how to ask."""
    await update.effective_message.reply_text(_escape(services(context).texts.reply("help")))


async def sources_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """List the articles the bot quotes."""
    found = services(context)
    lines = [_escape(found.texts.reply("sources"))]
    for document in found.sources:
        line = f"• <b>{_escape(document.title)}</b>"
        if document.source:
            line += f" — {_escape(document.source)}"
        lines.append(line)
    for message in pack_blocks(lines):
        await update.effective_message.reply_text(message)


async def about(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Tell what is stored and what is not, and give the safety wording in full."""
    texts = services(context).texts
    parts = (texts.reply("about"), texts.escalation, texts.disclaimer)
    await update.effective_message.reply_text("\n\n".join(_escape(part) for part in parts))


async def ask_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer `/ask question` (the way to ask in a group)."""
    text = " ".join(context.args or [])
    if not text:
        await help_command(update, context)
        return
    await answer_question(update, context, text)


async def text_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer a text message (or photo caption) in a private chat, or in a group when addressed."""
    message = update.effective_message
    text = message.text or message.caption or ""
    if message.chat.type != ChatType.PRIVATE:
        question = addressed_question(message, context.bot.username, context.bot.id)
        if question is None:
            return
        text = question
    note = services(context).texts.reply("photo_note") if message.photo else None
    await answer_question(update, context, text, lead=note)


async def non_text_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Tell the user that only text questions are answered (in groups, only when addressed)."""
    message = update.effective_message
    if (
        message.chat.type != ChatType.PRIVATE
        and addressed_question(message, context.bot.username, context.bot.id) is None
    ):
        return
    found = services(context)
    await message.reply_text(render_notice(found.texts.reply("non_text"), found.texts))


def addressed_question(message: Message, username: str, bot_id: int) -> str | None:
    """The question in a group message addressed to the bot (mention or reply), else None."""
    text = message.text or message.caption or ""
    mention = f"@{username}".casefold()
    if mention in text.casefold():
        return re.sub(re.escape(f"@{username}"), " ", text, flags=re.IGNORECASE).strip()
    replied = message.reply_to_message
    if replied is not None and replied.from_user is not None and replied.from_user.id == bot_id:
        return text
    return None


async def answer_question(
    update: Update, context: ContextTypes.DEFAULT_TYPE, question: str, *, lead: str | None = None
) -> None:
    """Rate-limit, show typing if slow, answer in the chat's conversation, reply (an edited
    question's answer is edited in place); one chat's replies in the order asked."""
    found = services(context)
    message = update.effective_message
    user_id = update.effective_user.id if update.effective_user else message.chat.id
    # A question that waited while the bot was down (Telegram, or the inbox, held it) is not
    # counted against the limit: asked minutes apart, it is answered, not refused for arriving
    # together with the others.
    waited = time.time() - message.date.timestamp() > BACKLOG_SECONDS
    wait = 0.0 if waited else found.limiter.check(user_id)
    if wait:
        found.metrics.rate_limited.inc()
        if found.limiter.first_warning(user_id):
            text = found.texts.reply("rate_limited", seconds=max(1, round(wait)))
            await message.reply_text(render_notice(text, found.texts))
        return
    async with found.order.turn(message.chat.id):
        typing = asyncio.create_task(_typing(context, message.chat.id))
        try:
            with found.metrics.latency.time():
                turn = found.conversation.plan(message.chat.id, question)
                # The app's language is a hint for telling the message's language; the text decides.
                hint = update.effective_user.language_code if update.effective_user else None

                async def ask(request: Request) -> Answer:
                    return await found.answerer.answer(
                        request.text,
                        context=request.context,
                        language_hint=hint,
                        urgent=request.urgent,
                        cautions=request.cautions,
                        after_question=request.after_question,
                    )

                first = await ask(turn.request)
                # Alone, nothing answered a question asked right after another: read after it
                # (Conversation.answer, the same rule as every channel's).
                again = found.conversation.reread(turn, first)
                if again is not None:
                    second = await ask(again.request)
                    if found.conversation.takes_second(second):
                        turn, first = again, second
                answer = found.conversation.settle(turn, first)
        finally:
            typing.cancel()
        found.metrics.count(answer)
        earlier = found.replies.reply_to(message.chat.id, message.message_id)
        edited = update.edited_message is not None and earlier is not None
        if edited and await edit_answer(
            context, message.chat.id, earlier, answer, found, lead=lead
        ):
            return
        sent = await send_answer(context, message, answer, found, lead=lead)
        if sent:
            found.replies.remember(message.chat.id, message.message_id, sent[0].message_id)


async def _typing(context: ContextTypes.DEFAULT_TYPE, chat_id: int) -> None:
    """Keep the typing indicator on while a slow answer is computed (Telegram shows it for 5 s).

    Only after TYPING_AFTER seconds: most answers take milliseconds, and every API call counts
    against Telegram's flood limit, so an indicator for them would halve the answers per second.
    """
    try:
        await asyncio.sleep(TYPING_AFTER)
        while True:
            await context.bot.send_chat_action(chat_id, ChatAction.TYPING)
            await asyncio.sleep(4.5)
    except (TelegramError, asyncio.CancelledError):
        return


async def send_answer(
    context: ContextTypes.DEFAULT_TYPE,
    message: Message,
    answer: Answer,
    found: Services,
    *,
    offset: int = 0,
    lead: str | None = None,
) -> list[Message]:
    """Send the rendered parts; the buttons go under the last part. Returns the messages sent."""
    parts = render_telegram_html(answer, lead=lead)
    markup = _buttons(answer, found, offset, message.chat.id)
    is_group = message.chat.type != ChatType.PRIVATE
    sent = []
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        sent.append(
            await context.bot.send_message(
                message.chat.id,
                part,
                reply_markup=markup if last else None,
                reply_to_message_id=message.message_id if is_group and i == 0 else None,
                allow_sending_without_reply=True,
            )
        )
    return sent


async def edit_answer(
    context: ContextTypes.DEFAULT_TYPE,
    chat_id: int,
    message_id: int,
    answer: Answer,
    found: Services,
    *,
    offset: int = 0,
    lead: str | None = None,
) -> bool:
    """Put ``answer`` in place of the bot's message ``message_id``; False when it does not fit in
    one message (it is then sent anew)."""
    parts = render_telegram_html(answer, lead=lead)
    if len(parts) != 1:
        return False
    try:
        await context.bot.edit_message_text(
            parts[0],
            chat_id=chat_id,
            message_id=message_id,
            reply_markup=_buttons(answer, found, offset, chat_id),
        )
    except BadRequest as error:
        if "not modified" not in str(error).lower():
            raise
    return True


def _buttons(
    answer: Answer, found: Services, offset: int, chat_id: int
) -> InlineKeyboardMarkup | None:
    rows = []
    if answer.has_more:
        following = offset + len(answer.quotes)
        token = found.tokens.issue(
            answer.asked or answer.question, chat_id, following, answer.context
        )
        more = callback_data.encode(MorePress(token, following))
        rows.append([InlineKeyboardButton(found.texts.reply("more_button"), callback_data=more)])
    if answer.quotes and found.feedback is not None:  # no buttons for ratings that cannot be kept
        up, down = callback_data.rating_buttons(
            [pid for quote in answer.quotes for pid in quote.passage_ids[:1]],
            chat_id,
            found.button_key,
        )
        rows.append(
            [
                InlineKeyboardButton(RATING_LABELS[1], callback_data=up),
                InlineKeyboardButton(RATING_LABELS[-1], callback_data=down),
            ]
        )
    return InlineKeyboardMarkup(rows) if rows else None


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log the failure (never the message text) and apologise to the user; the bot keeps running."""
    error = context.error
    logger.error("Handling an update failed: %s", type(error).__name__, exc_info=error)
    found = context.application.bot_data.get("services")
    if found is not None:
        found.metrics.errors.inc()
    processor = context.application.update_processor
    if isinstance(error, NetworkError) and not isinstance(error, BadRequest):
        # The Bot API could not be reached through every retry: the update stays in the inbox
        # and is handled again later (an apology would not get through either); fewer times
        # when the answer may have arrived after all (a reply cut off), as each try may repeat it.
        if isinstance(processor, InboxProcessor):
            processor.undelivered(update, surely=never_arrived(error))
        return
    if not isinstance(update, Update) or update.effective_chat is None or found is None:
        return
    if update.callback_query is not None and _too_old(error):
        # A press answered after a restart (it waited in the inbox): Telegram no longer takes
        # an answer to it, and an apology for a press the user has forgotten would only confuse.
        return
    try:
        await context.bot.send_message(
            update.effective_chat.id,
            render_notice(found.texts.reply("error"), found.texts),
        )
    except TelegramError:
        logger.warning("Could not send the apology either.")


def _too_old(error: object) -> bool:
    return isinstance(error, BadRequest) and "query is too old" in str(error).lower()


def _escape(text: str) -> str:
    return html.escape(text, quote=False)
