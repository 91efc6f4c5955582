"""Telegram handlers for button presses: "More passages", 👍 / 👎, and buttons quotebot does not know.

Every press counts against the per-user rate limit, as a question does. Like the message handlers
they are thin: read the press, check it is one the bot issued for this chat, answer, edit.
"""

from __future__ import annotations

import asyncio

from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest
from telegram.ext import ContextTypes

from bot.telegram import callback_data
from bot.telegram.callback_data import MorePress, RatingPress
from bot.telegram.handlers import CHOSEN, RATING_LABELS, edit_answer, send_answer, services
from bot.telegram.services import Services


async def more_passages(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Show the next passages of the question behind a "More passages" button in place of the
    message that had it (or, when they need more than one message, below it)."""
    query = update.callback_query
    found = services(context)
    if await _over_limit(query, found):
        return
    press = callback_data.parse(query.data)
    chat_id, message_id = query.message.chat.id, query.message.message_id
    claim = (
        found.tokens.claim(press.token, chat_id, press.offset)
        if isinstance(press, MorePress)
        else None
    )
    if claim is None or claim.status == "expired":
        await query.answer(found.texts.reply("expired"), show_alert=True)
        return
    await query.answer()
    if claim.status == "spent":  # a double tap, or a replay: answered once already
        return
    answer = await found.answerer.answer(
        claim.question, offset=press.offset, context=claim.context
    )
    found.metrics.count(answer)
    if not await edit_answer(context, chat_id, message_id, answer, found, offset=press.offset):
        await _drop_button(context, query.message, lambda data: isinstance(data, MorePress))
        await send_answer(context, query.message, answer, found, offset=press.offset)


async def rate_answer(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Record 👍 / 👎 on the quotes of an answer the bot sent in this chat (with a salted hash of
    the user id), and show the choice on the buttons."""
    query = update.callback_query
    found = services(context)
    if await _over_limit(query, found):
        return
    press = callback_data.parse(query.data)
    if found.feedback is None:  # ratings cannot be stored now: say so to a button from before
        await query.answer(found.texts.reply("feedback_off"))
        return
    chat_id = query.message.chat.id if query.message else None
    if not (
        isinstance(press, RatingPress)
        and chat_id is not None
        and callback_data.sealed_for(press, chat_id, found.button_key)
    ):
        await query.answer()  # not a button the bot put under an answer in this chat
        return
    if not await asyncio.to_thread(
        found.feedback.record, query.from_user.id, press.rating, press.passage_ids
    ):
        await query.answer(found.texts.reply("feedback_off"))
        return
    found.metrics.feedback.labels(rating="up" if press.rating > 0 else "down").inc()
    await _show_rating(context, query.message, press)
    await query.answer(found.texts.reply("feedback_thanks"))


async def _over_limit(query: CallbackQuery, found: Services) -> bool:
    """Count a button press against its user's rate limit: one over it gets a short toast, and no
    answer (each press costs an answer or Bot API calls, as a question does)."""
    wait = found.limiter.check(query.from_user.id)
    if not wait:
        return False
    found.metrics.rate_limited.inc()
    await query.answer(found.texts.reply("press_rate_limited", seconds=max(1, round(wait))))
    return True


async def _show_rating(context, message: Message | None, press: RatingPress) -> None:
    """Mark the pressed rating button with a tick (pressing the other one changes the rating)."""
    markup = getattr(message, "reply_markup", None)
    if markup is None:
        return
    rows = [
        [
            InlineKeyboardButton(
                RATING_LABELS[pressed.rating] + (CHOSEN if pressed == press else ""),
                callback_data=button.callback_data,
            )
            if isinstance(pressed := callback_data.parse(button.callback_data), RatingPress)
            else button
            for button in row
        ]
        for row in markup.inline_keyboard
    ]
    await _edit_markup(context, message, InlineKeyboardMarkup(rows))


async def _drop_button(context, message: Message | None, spent) -> None:
    """Take the buttons whose press ``spent`` says is used up off ``message``."""
    markup = getattr(message, "reply_markup", None)
    if markup is None:
        return
    rows = [
        [b for b in row if not spent(callback_data.parse(b.callback_data))]
        for row in markup.inline_keyboard
    ]
    await _edit_markup(context, message, InlineKeyboardMarkup([row for row in rows if row]))


async def _edit_markup(context, message: Message, markup: InlineKeyboardMarkup) -> None:
    try:
        await context.bot.edit_message_reply_markup(
            chat_id=message.chat.id, message_id=message.message_id, reply_markup=markup
        )
    except BadRequest as error:
        if "not modified" not in str(error).lower():
            raise


async def unknown_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Stop the spinner of a button quotebot does not know (an old message's, say)."""
    await update.callback_query.answer()
