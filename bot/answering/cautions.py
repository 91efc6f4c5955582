"""Cautions: a fixed word that leads an answer when a question asks something the quotes must not
seem to settle ("should I stop my methotrexate and try the diet instead?", "can I give my 5 year
old zinc?"). The patterns live in ``data/cautions.toml``, the wording in ``texts.toml``
(``[caution]``); both are reviewed like the red flags.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bot.answering.subjects import Mention, normalise
from bot.errors import ConfigError
from bot.safety.screen import Screen

DEFAULT_CAUTIONS_FILE = Path(__file__).resolve().parent.parent / "data" / "cautions.toml"
# What may follow a caution, narrowest first.
QUOTES = ("none", "care", "all")


@dataclass(frozen=True)
class Caution:
    """One caution: when it applies, by the message's words and the subjects it names."""

    id: str
    # Any of these in the message applies it ...
    any: tuple[re.Pattern, ...] = ()
    # ... or one of these together with a subject of one of ``with_categories`` (subjects.toml's
    # sections: "stop" with a medicine the file names).
    with_subject: tuple[re.Pattern, ...] = ()
    with_categories: frozenset[str] = frozenset()
    # ... and, when given, only if one of these holds as well (a child named).
    only_with: tuple[re.Pattern, ...] = ()
    # Whether it stays with the chat for a few minutes, leading what follows: "chat", all that
    # follows ("I'm pregnant"); "follow_up", only follow-ups ("why not?" after "should I stop my
    # methotrexate?"); "" (the default), nothing.
    remembered: str = ""
    # Which passages may follow it: "all"; "care", only the articles' advice to see a
    # professional ("do not stop it", then the healing steps, reads as the swap endorsed); or
    # "none", when nothing the articles say answers it (a dose).
    quotes: str = "all"
    # Cautions it is said in place of, when both apply ("I stopped it" is not also told "do not
    # stop it").
    replaces: frozenset[str] = frozenset()

    def applies(self, text: str, mentions: Sequence[Mention], context: str = "") -> bool:
        """Whether it applies to the normalised ``text``; ``only_with`` may hold in the question a
        follow-up continues (``context``): "should I give her probiotics?" after "my 6 year old
        …" is about the child."""
        if self.only_with and not any(
            p.search(text) or (context and p.search(context)) for p in self.only_with
        ):
            return False
        if any(p.search(text) for p in self.any):
            return True
        named = any(m.category in self.with_categories for m in mentions)
        return named and any(p.search(text) for p in self.with_subject)


@dataclass(frozen=True)
class Cautions:
    cautions: tuple[Caution, ...] = ()
    # Every pattern that can apply a caution (``any``, ``with_subject``), read in one RE2 pass
    # (bot.safety.screen): most messages call for no caution, and the screen says so in a
    # microsecond where searching each caution's patterns took some 35.
    _screen: Screen = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        patterns = [p.pattern for c in self.cautions for p in (*c.any, *c.with_subject)]
        object.__setattr__(self, "_screen", Screen(patterns))

    def find(
        self, message: str, mentions: Sequence[Mention] = (), context: str = ""
    ) -> tuple[str, ...]:
        """The ids of the cautions ``message`` calls for, in the file's order (``context``: the
        question a follow-up continues)."""
        text = normalise(message)
        if not self._screen.candidates(text):
            return ()  # no pattern that applies a caution can match it
        before = normalise(context) if context else ""
        found = [c for c in self.cautions if c.applies(text, mentions, before)]
        replaced = {name for c in found for name in c.replaces}
        return tuple(c.id for c in found if c.id not in replaced)

    def quotes(self, ids: Sequence[str]) -> str:
        """Which passages may follow the cautions ``ids``: the narrowest any of them allows
        ("none", "care" or "all")."""
        allowed = {c.quotes for c in self.cautions if c.id in ids}
        return next((kind for kind in QUOTES if kind in allowed), "all")

    def remembered(self, ids: Sequence[str]) -> tuple[str, ...]:
        """Those of ``ids`` that stay with the chat for a few minutes."""
        kept = {c.id for c in self.cautions if c.remembered}
        return tuple(name for name in ids if name in kept)

    def carried(self, ids: Sequence[str], *, follow_up: bool) -> tuple[str, ...]:
        """Those of the chat's remembered ``ids`` that lead this message: all that stay with the
        chat, and those kept for follow-ups when it is one."""
        kinds = {"chat", "follow_up"} if follow_up else {"chat"}
        kept = {c.id for c in self.cautions if c.remembered in kinds}
        return tuple(name for name in ids if name in kept)


def load_cautions(path: Path | None = None, known_ids: Sequence[str] | None = None) -> Cautions:
    """Read the cautions file; a malformed one, or a caution with no wording in the texts
    (``known_ids``), is a one-line ConfigError naming it."""
    path = path or DEFAULT_CAUTIONS_FILE
    if not path.exists():
        return Cautions()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"CAUTIONS_FILE: cannot read {path} ({exc}).") from exc
    cautions = []
    for entry in data.get("caution", []):
        name = str(entry.get("id", "?"))
        if known_ids is not None and name not in known_ids:
            raise ConfigError(
                f"CAUTIONS_FILE: caution {name!r} in {path.name} has no text: add it to "
                "texts.toml under [caution]."
            )
        where = f"caution {name!r} in {path.name}"
        cautions.append(
            Caution(
                name,
                _compiled(entry.get("any", []), where),
                _compiled(entry.get("with_subject", []), where),
                frozenset(str(c) for c in entry.get("with_categories", [])),
                _compiled(entry.get("only_with", []), where),
                _remembered(entry.get("remembered", False), where),
                _quotes(entry.get("quotes", "all"), where),
                frozenset(str(name) for name in entry.get("replaces", [])),
            )
        )
    return Cautions(tuple(cautions))


def _remembered(value: object, where: str) -> str:
    if value is True or value == "chat":
        return "chat"
    if value is False or value == "":
        return ""
    if value == "follow_up":
        return "follow_up"
    raise ConfigError(
        f"CAUTIONS_FILE: {where} has remembered = {value!r}; use true, false or 'follow_up'."
    )


def _quotes(value: object, where: str) -> str:
    if value not in QUOTES:
        raise ConfigError(
            f"CAUTIONS_FILE: {where} has quotes = {value!r}; use 'all', 'care' or 'none'."
        )
    return str(value)


def _compiled(patterns: Sequence[str], where: str) -> tuple[re.Pattern, ...]:
    try:
        return tuple(re.compile(str(p)) for p in patterns)
    except re.error as exc:
        raise ConfigError(f"CAUTIONS_FILE: {where} has a bad pattern ({exc}).") from exc
