"""Render what a phone shows of three quotebot replies, as PNG files beside this script.

The real bot (real model, real index of corpus/) answers through python-telegram-bot against the
loopback fake Bot API; each reply's Telegram HTML and buttons are laid out the way Telegram's
mobile app draws them (bubbles, quote bars, a collapsed expandable quote, inline buttons) and
photographed with headless Chromium:

    .venv/bin/python docs/screenshots/make_screenshots.py [--chromium /usr/bin/chromium]
"""

from __future__ import annotations

import argparse
import asyncio
import html
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
sys.path.insert(0, str(REPO))

# name: (messages, the picture's height in pixels)
CONVERSATIONS = {
    "answer": (["Can leaky gut cause joint pain?"], 1070),
    "unmentioned": (["is turmeric good for my achy knees?"], 370),
    "conversation": (
        ["hi", "can leaky gut make my knees hurt?", "and how long till it gets better?", "thanks!"],
        2200,
    ),
    "urgent": (["my knee is suddenly hot and swollen and I have a fever"], 820),
    "caution": (
        [
            "I have rheumatoid arthritis and take methotrexate. Should I stop it and try a gut "
            "healing diet instead?"
        ],
        880,
    ),
    "never-say": (["Is my joint pain genetic or could it be from my gut?"], 870),
    "urgent-story": (
        [
            "I have been taking turmeric for my knees. This morning I threw up and there was "
            "blood in it. Should I stop the turmeric?"
        ],
        640,
    ),
    "urgent-de": (
        ["Ich habe seit einer Stunde starke Schmerzen in der Brust, es zieht in den linken Arm"],
        620,
    ),
}

PAGE = """<!doctype html><html><head><meta charset="utf-8"><style>
body {{ margin: 0; width: 390px; background: #c8d7e3; font: 15px/1.38 -apple-system, Roboto,
  "Segoe UI", "Noto Sans", sans-serif; color: #000; }}
.top {{ background: #517da2; color: #fff; padding: 12px 16px; font-weight: 600; }}
.top small {{ display: block; font-weight: 400; opacity: .8; font-size: 12px; }}
.chat {{ padding: 10px 8px 16px; }}
.me {{ margin: 6px 0 6px auto; max-width: 78%; background: #effdde; border-radius: 12px 12px 4px 12px;
  padding: 7px 10px; white-space: pre-wrap; box-shadow: 0 1px 1px rgba(0,0,0,.12); }}
.bot {{ margin: 6px auto 2px 0; max-width: 92%; background: #fff; border-radius: 12px 12px 12px 4px;
  padding: 7px 10px 8px; white-space: pre-wrap; box-shadow: 0 1px 1px rgba(0,0,0,.12);
  overflow-wrap: anywhere; }}
.bot blockquote {{ margin: 4px 0; padding: 3px 8px; border-left: 3px solid #3390ec;
  background: rgba(51,144,236,.08); border-radius: 4px; }}
.bot blockquote[expandable] {{ max-height: 3.9em; overflow: hidden; position: relative;
  font-size: 14px; color: #333; }}
.bot blockquote[expandable]::after {{ content: "⌄"; position: absolute; right: 6px; bottom: 0;
  color: #3390ec; font-weight: 700; }}
.bot a {{ color: #168acd; text-decoration: none; }}
.keys {{ display: grid; gap: 4px; max-width: 92%; margin: 0 0 8px; }}
.row {{ display: flex; gap: 4px; }}
.key {{ flex: 1; background: rgba(80,110,140,.45); color: #fff; text-align: center; border-radius: 8px;
  padding: 8px 4px; font-weight: 500; font-size: 14px; }}
</style></head><body><div class="top">quotebot<small>bot</small></div><div class="chat">{body}</div></body></html>"""


async def conversation(messages: list[str], system, api) -> list:
    from tests.harness import running_bot

    async with running_bot(system):
        for count, text in enumerate(messages, start=1):
            api.send_text(text, chat_id=4242)
            await api.wait_for_messages(count, chat_id=4242)
    return [m for m in api.sent if m.chat_id == 4242]


def page(messages: list[str], replies: list) -> str:
    # Each message waits for its reply: one reply each, drawn under it as the chat shows them.
    parts = []
    if len(messages) == len(replies):
        pairs = list(zip(messages, replies))
    else:
        pairs = [(text, None) for text in messages] + [(None, reply) for reply in replies]
    for text, reply in pairs:
        if text is not None:
            parts.append(f'<div class="me">{html.escape(text)}</div>')
        if reply is None:
            continue
        # Telegram ends a quote block with its own line break: one newline after it is drawn once.
        text = reply.text.replace("</blockquote>\n", "</blockquote>")
        parts.append(f'<div class="bot">{text}</div>')
        rows = (reply.reply_markup or {}).get("inline_keyboard", [])
        if rows:
            keys = "".join(
                '<div class="row">'
                + "".join(f'<div class="key">{html.escape(b["text"])}</div>' for b in row)
                + "</div>"
                for row in rows
            )
            parts.append(f'<div class="keys">{keys}</div>')
    return PAGE.format(body="\n".join(parts))


def photograph(chromium: str, source: Path, target: Path, height: int) -> None:
    profile = tempfile.mkdtemp(prefix="quotebot-chromium-")
    try:
        subprocess.run(
            [
                chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--hide-scrollbars", f"--user-data-dir={profile}",
                f"--window-size=390,{height}", f"--screenshot={target}", source.as_uri(),
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )  # fmt: skip
    finally:
        shutil.rmtree(profile, ignore_errors=True)


async def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--chromium", default=shutil.which("chromium") or "/usr/bin/chromium")
    parser.add_argument("--height", type=int, help="one height for every picture")
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from bot.settings import Settings
    from bot.system import System
    from tests.fake_telegram import FakeBotAPI
    from tests.harness import TOKEN, bot_system

    work = Path(tempfile.mkdtemp(prefix="quotebot-screens-"))
    built = System(
        Settings(_env_file=None, corpus_dir=REPO / "corpus", index_dir=work / "index",
                 model_cache_dir=REPO / "data" / "models")
    )  # fmt: skip
    built.build_index()
    for name, (messages, height) in CONVERSATIONS.items():
        api = FakeBotAPI(TOKEN)
        await api.start()
        try:
            system = bot_system(api, work / "index", work / name, encoder=built.encoder)
            replies = await conversation(messages, system, api)
            system.close()
        finally:
            await api.stop()
        source = work / f"{name}.html"
        source.write_text(page(messages, replies), encoding="utf-8")
        photograph(args.chromium, source, HERE / f"{name}.png", args.height or height)
        print(f"wrote {(HERE / f'{name}.png').relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
