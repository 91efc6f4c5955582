"""Container smoke test (`make container-test`): build the image, run it against a loopback fake
Bot API, and check that a question gets its answer, that the bot runs as a non-root user, that the
health check passes, that it serves the ONNX export without torch, and that SIGTERM stops it
within 10 seconds.

Uses `docker` unless CONTAINER_CLI names another command with docker's build/run arguments.
The container shares the host's network, so it reaches the fake Bot API on 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import json
import os
import shlex
import sys
import time
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from tests.fake_telegram import FakeBotAPI  # noqa: E402

TOKEN = "123456789:AAEhBOweik9ai2o4kjN0_-abcdefghijklmno"
IMAGE = os.environ.get("QUOTEBOT_IMAGE", "quotebot:smoke-test")
CLI = shlex.split(os.environ.get("CONTAINER_CLI") or "docker")


async def cli(*args: str, timeout: float = 1800, check: bool = True) -> tuple[int, str]:
    process = await asyncio.create_subprocess_exec(
        *CLI, *args, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT
    )
    output, _ = await asyncio.wait_for(process.communicate(), timeout)
    text = output.decode(errors="replace")
    if check and process.returncode != 0:
        raise SystemExit(
            f"container-test: `{' '.join([*CLI, *args][:4])} …` failed:\n{text[-3000:]}"
        )
    return process.returncode, text


def step(message: str) -> None:
    print(f"container-test: {message}", flush=True)


async def main() -> int:
    build_args = []
    if "TORCH_INDEX_URL" in os.environ:
        build_args = ["--build-arg", f"TORCH_INDEX_URL={os.environ['TORCH_INDEX_URL']}"]
    step(f"building {IMAGE} with {' '.join(CLI)}")
    started = time.monotonic()
    await cli("build", *build_args, "-t", IMAGE, str(REPO))
    step(f"built in {time.monotonic() - started:.0f} s")

    api = FakeBotAPI(TOKEN)
    await api.start()
    name = f"quotebot-smoke-{uuid.uuid4().hex[:8]}"
    try:
        await cli(
            "run", "-d", "--name", name, "--network", "host",
            "-e", f"TELEGRAM_BOT_TOKEN={TOKEN}", "-e", f"TELEGRAM_API_BASE_URL={api.url}",
            IMAGE,
        )  # fmt: skip
        step("container started; waiting for it to poll the fake Bot API")
        deadline = time.monotonic() + 180
        while not any(method == "getUpdates" for method, _ in api.calls):
            if time.monotonic() > deadline:
                _, logs = await cli("logs", name, check=False)
                raise SystemExit(f"container-test: the bot never polled.\n{logs[-3000:]}")
            await asyncio.sleep(0.5)

        api.send_text("Can leaky gut cause joint pain?", chat_id=4242)
        [reply] = await api.wait_for_messages(1, chat_id=4242, timeout=60)
        assert "<blockquote>" in reply.text, reply.text
        assert "It can contribute significantly" in reply.visible_text, reply.visible_text
        assert "not medical advice" in reply.visible_text
        step("a question got its quoted answer with the disclaimer")

        api.send_text(
            "is glutamine worth it? honestly i dont see the point in carrying on anymore. "
            "anyway which brand",
            chat_id=4343,
        )
        [reply] = await api.wait_for_messages(1, chat_id=4343, timeout=60)
        assert "crisis line" in reply.visible_text, reply.visible_text
        step("a crisis told in passing got the crisis line first")

        _, models = await cli("exec", name, "ls", "/opt/models")
        assert "triage-examples-" in models and "known-questions-" in models, models
        _, logs = await cli("logs", name, check=False)
        assert "Could not keep the" not in logs, logs[-3000:]
        step("the triage examples' and known questions' vectors were made at build time")

        _, uid = await cli("exec", name, "id", "-u")
        assert uid.strip() != "0", "the bot runs as root"
        _, user = await cli("exec", name, "id", "-un")
        step(f"the bot runs as {user.strip()} (uid {uid.strip()})")

        await asyncio.sleep(1)
        code, health = await cli("exec", name, "quotebot", "health", check=False)
        assert code == 0, health
        step(f"health check: {health.strip()}")

        code, _ = await cli("exec", name, "python", "-c", "import torch", check=False)
        assert code != 0, "torch is in the image: serving should need only onnxruntime"
        _, info = await cli("exec", name, "quotebot", "model", "info")
        assert "up to date" in info, info
        step("it serves the ONNX export, without torch in the image")

        _, report = await cli("exec", name, "quotebot", "eval", "--json")
        figures = json.loads(report)
        dev, heldout = (figures[part]["paraphrase"]["recall_at_3"] for part in ("dev", "heldout"))
        step(
            f"`quotebot eval` runs in the image on the shipped sets: paraphrase recall@3 {dev} (dev), {heldout} (held-out)"
        )

        stopped = time.monotonic()
        await cli("stop", "-t", "10", name)
        seconds = time.monotonic() - stopped
        _, exit_code = await cli("inspect", "--format", "{{.State.ExitCode}}", name)
        assert seconds < 10, f"SIGTERM took {seconds:.1f} s"
        assert exit_code.strip() == "0", f"exit code {exit_code.strip()} after SIGTERM"
        step(f"SIGTERM stopped it in {seconds:.1f} s with exit code 0")

        _, size = await cli("image", "inspect", "--format", "{{.Size}}", IMAGE)
        step(f"image size: {int(size.strip()) / 1e6:.0f} MB")
    finally:
        await cli("rm", "-f", name, check=False)
        await api.stop()
    step("passed")
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
