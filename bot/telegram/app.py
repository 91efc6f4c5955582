"""Wire the Telegram Application: handlers, defaults, flood control; run it by polling or webhook."""

from __future__ import annotations

import asyncio
import logging
import signal
from urllib.parse import urlparse

from telegram import LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest, Conflict, NetworkError, RetryAfter, TimedOut
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    Defaults,
    MessageHandler,
    filters,
)

from bot.batching import BatchingAnswerer
from bot.conversation import ChatMemory, RateLimiter
from bot.feedback import FeedbackStore, load_salt
from bot.health import HEARTBEAT_INTERVAL, clear_heartbeat, write_heartbeat
from bot.metrics import Metrics
from bot.pipeline import AnswerPipeline
from bot.settings import Settings
from bot.telegram import handlers
from bot.telegram.handlers import Services

logger = logging.getLogger(__name__)
ALLOWED_UPDATES = [Update.MESSAGE, Update.EDITED_MESSAGE, Update.CALLBACK_QUERY]
# Bot API calls that failed in transit (5xx, dropped connection, timeout) are sent again this many
# times; Telegram's own 429 answers are retried by AIORateLimiter after `retry_after`.
NETWORK_RETRIES = 3


class RetryingRateLimiter(AIORateLimiter):
    """AIORateLimiter (flood limits, retries after 429) that also retries transient network errors."""

    def __init__(self, metrics: Metrics, *, max_retries: int = 5, backoff: float = 0.5) -> None:
        super().__init__(max_retries=max_retries)
        self.metrics = metrics
        self.backoff = backoff

    async def process_request(self, callback, args, kwargs, endpoint, data, rate_limit_args):
        async def counted(*call_args, **call_kwargs):
            try:
                return await callback(*call_args, **call_kwargs)
            except RetryAfter:  # AIORateLimiter waits `retry_after`, then calls again
                self.metrics.telegram_retries.labels(reason="retry_after").inc()
                raise

        attempt = 0
        while True:
            try:
                return await super().process_request(
                    counted, args, kwargs, endpoint, data, rate_limit_args
                )
            except (RetryAfter, BadRequest, Conflict):
                raise
            except (TimedOut, NetworkError) as exc:
                # getUpdates has its own retry loop in the Updater.
                if endpoint == "getUpdates" or attempt >= NETWORK_RETRIES:
                    raise
                attempt += 1
                self.metrics.telegram_retries.labels(reason=type(exc).__name__).inc()
                logger.warning(
                    "Bot API %s failed (%s); retry %d of %d.",
                    endpoint,
                    type(exc).__name__,
                    attempt,
                    NETWORK_RETRIES,
                )
                await asyncio.sleep(self.backoff * attempt)


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


def run_bot(
    settings: Settings, pipeline: AnswerPipeline, *, metrics: Metrics | None = None
) -> None:
    """Run until SIGTERM or SIGINT: long polling by default, a webhook server with BOT_MODE=webhook."""
    metrics = metrics or Metrics()
    if settings.metrics_port:
        from prometheus_client import start_http_server

        start_http_server(settings.metrics_port, registry=metrics.registry)
        logger.info("Prometheus metrics on port %d.", settings.metrics_port)
    application = build_application(settings, pipeline, metrics=metrics)
    asyncio.run(serve(application, settings))


async def serve(application: Application, settings: Settings) -> None:
    """Start receiving updates, wait for a stop signal, then stop: fetched updates are answered first.

    On stop, the Updater stops fetching, and Application.stop() waits for the updates already
    fetched to be handled; an update Telegram sent but we never confirmed is sent again next start.
    """
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    async with application:
        await application.start()
        if settings.bot_mode == "webhook":
            path = urlparse(settings.webhook_url).path.lstrip("/") or "telegram"
            logger.info(
                "Webhook server listening on %s:%d.", settings.webhook_listen, settings.webhook_port
            )
            await application.updater.start_webhook(
                listen=settings.webhook_listen,
                port=settings.webhook_port,
                url_path=path,
                webhook_url=settings.webhook_url,
                secret_token=settings.webhook_secret.get_secret_value(),
                allowed_updates=ALLOWED_UPDATES,
            )
        else:
            logger.info("Long polling started.")
            await application.updater.start_polling(
                allowed_updates=ALLOWED_UPDATES, error_callback=report_polling_error
            )
        heartbeat = asyncio.create_task(_beat(application, settings))
        await stop.wait()
        logger.info("Stopping: finishing the updates already received.")
        heartbeat.cancel()
        clear_heartbeat(settings.data_dir)
        await application.updater.stop()
        await application.stop()
    logger.info("Stopped.")


async def _beat(application: Application, settings: Settings) -> None:
    """Refresh the heartbeat while updates are being received (checked by `quotebot health`)."""
    while True:
        if application.updater.running:
            try:
                write_heartbeat(settings.data_dir, settings.bot_mode)
            except OSError as exc:
                logger.warning(
                    "Cannot write the heartbeat in %s: %s.", settings.data_dir, exc.strerror
                )
        await asyncio.sleep(HEARTBEAT_INTERVAL)


def report_polling_error(error: Exception) -> None:
    if isinstance(error, Conflict):
        logger.error(
            "Telegram reports a conflict: another instance is polling with this token. Run one polling "
            "instance per token, or switch to BOT_MODE=webhook (docs/operations.md)."
        )
    else:
        logger.warning("Fetching updates failed (%s); retrying.", type(error).__name__)
