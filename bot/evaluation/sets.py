"""The labelled sets, typed: what a person asked, and what they should get.

Two parts live in ``bot/data/eval/``: ``dev/`` (tuned on) and ``heldout/`` (written blind, never
tuned on). Each part has ``answers.toml`` (questions by category, and scripted conversations) and
``triage.toml`` (urgent and everyday messages), and may add ``answers_*.toml`` and ``triage_*.toml``
files (one per writer). Every file is optional within a part.
"""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bot.errors import ConfigError

EVAL_DIR = Path(__file__).resolve().parent.parent / "data" / "eval"
PARTS = ("dev", "heldout")
# Question categories whose cases name the passage that answers them.
ANSWERED_CATEGORIES = ("paraphrase", "vague", "opposite_intent")


@dataclass(frozen=True)
class AnswerCase:
    """A question and the verbatim snippets, any one of which marks a right quote."""

    q: str
    expect: tuple[str, ...]
    category: str
    answerable: bool = True


@dataclass(frozen=True)
class UnmentionedCase:
    """A question about a subject the articles never mention: it should be named, not answered."""

    q: str
    subject: str


@dataclass(frozen=True)
class Turn:
    """One message of a scripted conversation and what a person expects of the reply."""

    text: str
    expect: str  # small_talk, follow_up, new_topic or unmentioned
    snippets: tuple[str, ...] = ()
    subject: str | None = None


@dataclass(frozen=True)
class UrgentCase:
    q: str
    kind: str  # emergency, crisis or poisoning
    topic: str = ""
    lang: str = "en"
    style: str = "direct"


@dataclass(frozen=True)
class CalmCase:
    q: str
    category: str = "everyday"
    lang: str = "en"


@dataclass
class Part:
    """One part of the labelled sets (dev or heldout)."""

    name: str
    answered: list[AnswerCase] = field(default_factory=list)
    unmentioned: list[UnmentionedCase] = field(default_factory=list)
    out_of_scope: list[str] = field(default_factory=list)
    conversations: list[list[Turn]] = field(default_factory=list)
    urgent: list[UrgentCase] = field(default_factory=list)
    calm: list[CalmCase] = field(default_factory=list)

    def messages(self) -> list[str]:
        """Every single message of the part (conversations aside), for benchmarks and checks."""
        return (
            [c.q for c in self.answered]
            + [c.q for c in self.unmentioned]
            + self.out_of_scope
            + [c.q for c in self.urgent]
            + [c.q for c in self.calm]
        )


def load_part(directory: Path, name: str | None = None) -> Part:
    """Read ``answers.toml`` and ``triage.toml`` of one part; a part without them is empty."""
    part = Part(name or directory.name)
    answers = _merged(directory, "answers")
    for category in ANSWERED_CATEGORIES:
        for entry in answers.get(category, []):
            part.answered.append(
                AnswerCase(
                    entry["q"],
                    tuple(entry.get("expect", ())),
                    category,
                    bool(entry.get("answerable", bool(entry.get("expect")))),
                )
            )
    part.unmentioned = [
        UnmentionedCase(e["q"], e["subject"]) for e in answers.get("unmentioned", [])
    ]
    part.out_of_scope = [e["q"] for e in answers.get("out_of_scope", [])]
    part.conversations = [
        [
            Turn(
                t["text"],
                t["expect"],
                tuple(t.get("snippets", ())),
                t.get("subject"),
            )
            for t in entry["turns"]
        ]
        for entry in answers.get("conversation", [])
    ]
    triage = _merged(directory, "triage")
    part.urgent = [
        UrgentCase(
            e["q"], e["kind"], e.get("topic", ""), e.get("lang", "en"), e.get("style", "direct")
        )
        for e in triage.get("urgent", [])
    ]
    part.calm = [
        CalmCase(e["q"], e.get("category", "everyday"), e.get("lang", "en"))
        for e in triage.get("non_urgent", [])
    ]
    return part


def load_parts(directory: Path = EVAL_DIR, names: tuple[str, ...] = PARTS) -> list[Part]:
    return [load_part(directory / name, name) for name in names]


def dev_part() -> Part:
    """The bundled development part: what tests hold floors on and benchmarks ask."""
    return load_part(EVAL_DIR / "dev", "dev")


def read_sets(directories: Sequence[Path]) -> list[Part]:
    """Development parts, named after their set; a held-out part is refused: what it measures
    must stay unseen, so its messages never become examples or known questions."""
    parts = []
    for directory in directories:
        if "heldout" in directory.resolve().parts:
            raise ConfigError(
                f"{directory} is a held-out part: its messages must never become examples."
            )
        parts.append(load_part(directory, directory.parent.name))
    return parts


def _merged(directory: Path, stem: str) -> dict[str, list]:
    """``<stem>.toml`` and any ``<stem>_*.toml`` beside it (a set per writer), their lists joined
    section by section."""
    merged: dict[str, list] = {}
    for path in sorted(directory.glob(f"{stem}*.toml")):
        for key, entries in _read(path).items():
            merged.setdefault(key, []).extend(entries if isinstance(entries, list) else [])
    return merged


def _read(path: Path) -> dict:
    if not path.exists():
        return {}
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(
            f"Cannot read the labelled set {path} ({exc}); fix it or pass --sets DIR."
        ) from exc
