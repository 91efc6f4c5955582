"""Run the Telegram bot: long polling or a webhook server, a heartbeat, and a clean stop on a signal."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from urllib.parse import urlparse

from telegram import Update
from telegram.error import Conflict
from telegram.ext import Application

from bot.ops.health import HEARTBEAT_INTERVAL, clear_heartbeat, write_heartbeat
from bot.settings import Settings
from bot.telegram.app import build_application
from bot.telegram.intake import DurableUpdateQueue
from bot.telegram.services import Services
from bot.telegram.webhook import WebhookServer

logger = logging.getLogger(__name__)
ALLOWED_UPDATES = [Update.MESSAGE, Update.EDITED_MESSAGE, Update.CALLBACK_QUERY]
# Of SHUTDOWN_TIMEOUT_SECONDS, what is kept for closing the clients and the services after the
# answers in progress had their time (docker stop kills at 10 s).
TEARDOWN_SECONDS = 1.5
# Seconds without an answer to getUpdates after which polling is taken for dead (a long poll
# returns every 10 s at most, its read timeout is 30 s).
POLLING_SILENCE = 45.0


def run_bot(settings: Settings, services: Services) -> None:
    """Run until SIGTERM or SIGINT: long polling by default, a webhook server with BOT_MODE=webhook."""
    if settings.metrics_port:
        from prometheus_client import start_http_server

        start_http_server(
            settings.metrics_port, addr=settings.metrics_listen, registry=services.metrics.registry
        )
        logger.info("Prometheus metrics on %s:%d.", settings.metrics_listen, settings.metrics_port)
    asyncio.run(serve(build_application(settings, services), settings))


async def serve(
    application: Application,
    settings: Settings,
    *,
    stop: asyncio.Event | None = None,
    poll_timeout: float = 10,
) -> None:
    """Answer what the last run left unanswered, start receiving updates, wait for ``stop``
    (SIGTERM or SIGINT by default), then stop within SHUTDOWN_TIMEOUT_SECONDS.

    Every update reaches the handlers through the inbox (:mod:`bot.telegram.intake`): stored
    before Telegram is told it arrived. On stop, receiving ends first, then the updates already
    received are answered; what is not answered by the deadline (the Bot API not answering, say)
    stays in the inbox for the next start. Then the post-shutdown hook runs as under
    ``run_polling`` (it closes the services).
    """
    if stop is None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, stop.set)
    webhook: WebhookServer | None = None
    await application.initialize()
    try:
        queue: DurableUpdateQueue = application.update_queue
        queue.replay(application.bot, max_age=settings.inbox_max_age_hours * 3600)
        await application.start()
        if settings.bot_mode == "webhook":
            webhook = await _start_webhook(application, settings)
        else:
            logger.info("Long polling started.")
            await application.updater.start_polling(
                timeout=poll_timeout,
                allowed_updates=ALLOWED_UPDATES,
                error_callback=report_polling_error,
            )
        heartbeat = asyncio.create_task(_beat(application, settings))
        await stop.wait()
        logger.info("Stopping: finishing the updates already received.")
        heartbeat.cancel()
        clear_heartbeat(settings.data_dir)
        answering = max(1.0, settings.shutdown_timeout_seconds - TEARDOWN_SECONDS)
        try:
            await asyncio.wait_for(_stop_receiving_then_answer(application, webhook), answering)
        except TimeoutError:
            cut = application.update_processor.abandon()
            logger.warning(
                "Stopped after %.0f s with %d answers unfinished; %d updates are kept in the inbox "
                "and answered at the next start.",
                answering,
                cut,
                queue.inbox.depth(),
            )
            if application.running:  # the Updater's stop hung (the Bot API not answering)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(application.stop(), TEARDOWN_SECONDS / 3)
    finally:
        # The HTTP clients closed; bounded, since a stalled Bot API can hold even that up.
        try:
            await asyncio.wait_for(application.shutdown(), TEARDOWN_SECONDS / 3)
        except (TimeoutError, RuntimeError) as exc:
            logger.warning("Stopping the Telegram client did not finish (%s).", type(exc).__name__)
        # As run_polling and run_webhook do: shutdown() alone does not call it.
        if application.post_shutdown:
            await application.post_shutdown(application)
    logger.info("Stopped.")


async def _start_webhook(application: Application, settings: Settings) -> WebhookServer:
    """quotebot's webhook server on WEBHOOK_LISTEN:WEBHOOK_PORT, and Telegram told its URL."""
    path = urlparse(settings.webhook_url).path.strip("/") or "telegram"
    server = WebhookServer(
        application.update_queue,
        application.bot,
        path=path,
        secret=settings.webhook_secret.get_secret_value(),
        max_body=settings.webhook_max_body_bytes,
    )
    server.start(settings.webhook_listen, settings.webhook_port)
    logger.info(
        "Webhook server listening on %s:%d.", settings.webhook_listen, settings.webhook_port
    )
    await application.bot.set_webhook(
        settings.webhook_url,
        secret_token=settings.webhook_secret.get_secret_value(),
        allowed_updates=ALLOWED_UPDATES,
    )
    return server


async def _stop_receiving_then_answer(
    application: Application, webhook: WebhookServer | None
) -> None:
    if webhook is not None:
        await webhook.stop()
    if application.updater.running:
        await application.updater.stop()
    await application.stop()


async def _beat(application: Application, settings: Settings) -> None:
    """Refresh the heartbeat while updates are being received (checked by `quotebot health`)."""
    polling = settings.bot_mode == "polling"
    silent = False
    while True:
        alive = application.running
        if polling and alive:
            # Polling stopped, or Telegram has not answered it for a while: no heartbeat, so
            # `quotebot health` (and the container's HEALTHCHECK) says the bot is not serving.
            was_silent = silent
            silent = not application.bot_data["updates_request"].polled_within(POLLING_SILENCE)
            if silent and not was_silent:
                logger.error(
                    "Telegram has not answered polling for %.0f s; the heartbeat stops until it "
                    "does.",
                    POLLING_SILENCE,
                )
            alive = not silent
        if alive:
            try:
                inbox = application.update_queue.inbox
                write_heartbeat(
                    settings.data_dir,
                    settings.bot_mode,
                    waiting=inbox.depth(),
                    durable=inbox.durable,
                )
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
