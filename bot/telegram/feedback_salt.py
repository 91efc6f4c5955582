"""The secret salt of the user-id hashes in the feedback database: never empty, never short.

It comes from FEEDBACK_SALT, from a secrets file (FEEDBACK_SALT_FILE, such as a Docker secret in
/run/secrets), or from ``DATA_DIR/feedback.salt``, made at first start. That file is written whole
or not at all (a temporary file, fsync, then a link to the final name), because a salt cut short
by a full disk would let anyone turn the hashes back into user ids by trying them all.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path

from bot.errors import ConfigError, FeedbackError

SALT_FILE = "feedback.salt"
SALT_BYTES = 32  # of a generated salt
MIN_SALT_BYTES = 16  # below this, a salt is refused


def load_salt(
    data_dir: Path,
    configured: str | None = None,
    salt_file: Path | None = None,
    *,
    create: bool = True,
) -> bytes:
    """FEEDBACK_SALT if set, else the FEEDBACK_SALT_FILE's content, else ``data_dir/feedback.salt``
    (made now if missing and ``create``). A secrets file that cannot be used is a ConfigError;
    a salt file in ``data_dir`` that cannot be used or made is a FeedbackError."""
    if configured:
        return configured.encode()
    if salt_file is not None:
        try:
            salt = salt_file.read_bytes().rstrip(b"\r\n")  # as `echo` and editors leave it
        except OSError as exc:
            raise ConfigError(
                f"FEEDBACK_SALT_FILE: cannot read {salt_file} ({exc.strerror}); point it at a "
                f"readable file of at least {MIN_SALT_BYTES} secret bytes, or unset it."
            ) from exc
        if len(salt) < MIN_SALT_BYTES:
            raise ConfigError(
                f"FEEDBACK_SALT_FILE: {salt_file} holds {len(salt)} bytes, fewer than "
                f"{MIN_SALT_BYTES}; write a longer secret into it (such as `openssl rand -hex 32`)."
            )
        return salt
    if data_dir.exists() and not data_dir.is_dir():
        raise FeedbackError(f"DATA_DIR {data_dir} is not a folder; point DATA_DIR at a folder.")
    path = data_dir / SALT_FILE
    if not path.exists():
        if not create:
            why = (
                "the bot makes it when it starts"
                if os.access(data_dir, os.W_OK)
                else f"{data_dir} cannot be written: give the bot write access to it"
            )
            raise FeedbackError(f"there is no salt {path}; {why}.")
        _create_salt(path)
    return _read_salt(path)


def _read_salt(path: Path) -> bytes:
    fix = (
        f"delete {path} to have a new one made (earlier ratings then count as another user's), "
        "or set FEEDBACK_SALT or FEEDBACK_SALT_FILE"
    )
    try:
        salt = path.read_bytes()
    except OSError as exc:
        raise FeedbackError(f"cannot read the salt {path} ({exc.strerror}); {fix}.") from exc
    if len(salt) < MIN_SALT_BYTES:
        raise FeedbackError(
            f"the salt {path} holds {len(salt)} bytes, fewer than {MIN_SALT_BYTES} "
            f"(a full disk when it was made?); {fix}."
        )
    return salt


def _create_salt(path: Path) -> None:
    """Write a new random salt to ``path`` whole, or leave no file there."""
    staged = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(staged, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(secrets.token_bytes(SALT_BYTES))
            handle.flush()
            os.fsync(handle.fileno())
        with contextlib.suppress(FileExistsError):  # another process made one first: keep it
            os.link(staged, path)
        _sync_directory(path.parent)
    except OSError as exc:
        raise FeedbackError(
            f"cannot write the salt {path} ({exc.strerror}); free space in or give write access "
            "to DATA_DIR, or set FEEDBACK_SALT or FEEDBACK_SALT_FILE."
        ) from exc
    finally:
        with contextlib.suppress(OSError):
            staged.unlink()


def _sync_directory(directory: Path) -> None:
    """Make the new name durable too (a crash after the link must not lose the file)."""
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
