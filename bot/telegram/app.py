"""Wire the Telegram Application: handlers, defaults, flood control."""

from __future__ import annotations

import logging

from telegram import LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    Defaults,
    MessageHandler,
    filters,
)

from bot.answering.batching import BatchingAnswerer
from bot.answering.pipeline import AnswerPipeline
from bot.ops.metrics import Metrics
from bot.settings import Settings
from bot.telegram import handlers
from bot.telegram.chat_memory import ChatMemory
from bot.telegram.feedback import FeedbackStore, load_salt
from bot.telegram.flood_control import RetryingRateLimiter
from bot.telegram.handlers import Services
from bot.telegram.rate_limit import RateLimiter

logger = logging.getLogger(__name__)


def build_application(
    settings: Settings, pipeline: AnswerPipeline, *, metrics: Metrics | None = None
) -> Application:
    """The python-telegram-bot Application with every handler registered."""
    metrics = metrics or Metrics()
    api = settings.telegram_api_base_url
    application = (
        ApplicationBuilder()
        .token(settings.telegram_bot_token.get_secret_value())
        .base_url(f"{api}/bot")
        .base_file_url(f"{api}/file/bot")
        .rate_limiter(RetryingRateLimiter(metrics))
        .defaults(
            Defaults(
                parse_mode=ParseMode.HTML, link_preview_options=LinkPreviewOptions(is_disabled=True)
            )
        )
        .concurrent_updates(256)
        .get_updates_read_timeout(30)
        .build()
    )
    feedback = FeedbackStore(
        settings.data_dir / "feedback.sqlite3",
        load_salt(
            settings.data_dir,
            settings.feedback_salt.get_secret_value() if settings.feedback_salt else None,
        ),
    )
    application.bot_data["services"] = Services(
        answerer=BatchingAnswerer(pipeline),
        texts=pipeline.texts,
        memory=ChatMemory(ttl=settings.followup_ttl_seconds),
        limiter=RateLimiter(settings.rate_limit_per_minute, 60.0),
        feedback=feedback,
        sources=pipeline.sources,
        metrics=metrics,
    )
    text = (filters.TEXT & ~filters.COMMAND) | filters.CAPTION
    edited = filters.UpdateType.EDITED_MESSAGE
    application.add_handler(CommandHandler("start", handlers.start))
    application.add_handler(CommandHandler("help", handlers.help_command))
    application.add_handler(CommandHandler("sources", handlers.sources_command))
    application.add_handler(CommandHandler("about", handlers.about))
    application.add_handler(CommandHandler("ask", handlers.ask_command))
    application.add_handler(
        MessageHandler(text & (filters.UpdateType.MESSAGE | edited), handlers.text_message)
    )
    not_text = ~filters.TEXT & ~filters.CAPTION & ~filters.StatusUpdate.ALL
    application.add_handler(
        MessageHandler(not_text & filters.UpdateType.MESSAGE, handlers.non_text_message)
    )
    application.add_handler(CallbackQueryHandler(handlers.button))
    application.add_error_handler(handlers.on_error)
    return application
