"""The Telegram Application: defaults, flood control, and every handler registered in one place.

It builds nothing of quotebot: the composition root (:mod:`bot.system`) hands it the services, and
the Application closes them when it shuts down.
"""

from __future__ import annotations

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

from bot.settings import Settings
from bot.telegram import button_handlers, handlers
from bot.telegram.callback_data import MORE_PATTERN, RATING_PATTERN
from bot.telegram.flood_control import RetryingRateLimiter
from bot.telegram.intake import DurableUpdateQueue, InboxProcessor
from bot.telegram.services import Services
from bot.telegram.update_reading import UpdateReadingRequest

# Concurrent updates in flight: questions arriving together are answered in one model batch.
CONCURRENT_UPDATES = 256


def build_application(settings: Settings, services: Services) -> Application:
    """The python-telegram-bot Application for ``settings``, with every handler registered."""
    api = settings.telegram_api_base_url
    # Every update goes through the inbox: stored before Telegram is told, marked done once answered.
    queue = DurableUpdateQueue(
        services.inbox, services.metrics, max_pending=settings.inbox_max_pending
    )
    services.metrics.watch_inbox(services.inbox.depth)
    # Two connections: at a stop, the Updater's last getUpdates (which confirms what was fetched)
    # must not wait for the long poll it just cancelled to give its connection back.
    updates_request = UpdateReadingRequest(connection_pool_size=2, read_timeout=30)
    application = (
        ApplicationBuilder()
        .token(settings.telegram_bot_token.get_secret_value())
        .base_url(f"{api}/bot")
        .base_file_url(f"{api}/file/bot")
        .rate_limiter(RetryingRateLimiter(services.metrics))
        .defaults(
            Defaults(
                parse_mode=ParseMode.HTML, link_preview_options=LinkPreviewOptions(is_disabled=True)
            )
        )
        .update_queue(queue)
        .concurrent_updates(InboxProcessor(queue, CONCURRENT_UPDATES))
        .get_updates_request(updates_request)
        # Twice PTB's 5 s: a slow Telegram that still delivers is not asked twice (a timed-out
        # send may have arrived, and sending it again repeats the answer).
        .read_timeout(10)
        .post_shutdown(_close_services)
        .build()
    )
    application.bot_data["services"] = services
    application.bot_data["updates_request"] = updates_request  # the heartbeat asks it

    text = (filters.TEXT & ~filters.COMMAND) | filters.CAPTION
    edited = filters.UpdateType.EDITED_MESSAGE
    not_text = ~filters.TEXT & ~filters.CAPTION & ~filters.StatusUpdate.ALL
    application.add_handlers(
        [
            CommandHandler("start", handlers.start),
            CommandHandler("help", handlers.help_command),
            CommandHandler("sources", handlers.sources_command),
            CommandHandler("about", handlers.about),
            CommandHandler("ask", handlers.ask_command),
            MessageHandler(text & (filters.UpdateType.MESSAGE | edited), handlers.text_message),
            # A command quotebot does not have, in a private chat, gets the help line.
            MessageHandler(
                filters.COMMAND & filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE,
                handlers.text_message,
            ),
            MessageHandler(not_text & filters.UpdateType.MESSAGE, handlers.non_text_message),
            CallbackQueryHandler(button_handlers.more_passages, pattern=MORE_PATTERN),
            CallbackQueryHandler(button_handlers.rate_answer, pattern=RATING_PATTERN),
            CallbackQueryHandler(button_handlers.unknown_button),
        ]
    )
    application.add_error_handler(handlers.on_error)
    return application


async def _close_services(application: Application) -> None:
    services: Services | None = application.bot_data.get("services")
    if services is not None:
        services.close()
