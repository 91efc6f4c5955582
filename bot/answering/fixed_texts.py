"""The bot's fixed texts (disclaimer, escalation, urgent advice, replies): ``texts.toml`` in English,
and beside it ``texts.<code>.toml`` for each other language a message may come in (the safety wording
and the notice that the articles are in English)."""

from __future__ import annotations

import dataclasses
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bot.errors import ConfigError

DEFAULT_TEXTS_FILE = Path(__file__).parent.parent / "data" / "texts.toml"
URGENT_KINDS = ("emergency", "crisis", "poisoning", "see_doctor")
REPLIES = (
    "greeting",
    "help",
    "no_answer",
    "answer_intro",
    "empty",
    "no_words",
    "too_long",
    "language",
    "non_text",
    "photo_note",
    "error",
    "rate_limited",
    "no_more",
    "console_more",
    "console_more_first",
    "about",
    "unmentioned",
    "general_intro",
    "rest_intro",
    "in_general",
    "small_talk_greeting",
    "small_talk_thanks",
    "small_talk_ack",
    "small_talk_goodbye",
    "small_talk_identity",
    "small_talk_doubt",
    "small_talk_distress",
    "small_talk_told",
    "small_talk_story",
    "small_talk_diagnosed",
    "small_talk_unknown_command",
    "small_talk_aside",
    "small_talk_off_topic",
    "stood_down",
    "stood_down_crisis",
)
# What a translation must say: every piece of safety wording, and why the answer is not in its language.
TRANSLATED = ("disclaimer", "disclaimer_short", "escalation", "escalation_line")
TRANSLATED_REPLIES = ("language",)


@dataclass(frozen=True)
class EscalationTopic:
    """One escalation line, and the words of a message that choose it."""

    name: str
    text: str
    words: tuple[str, ...]
    # Warning signs the line names ("lost weight", "blood in"): a message telling one gets this
    # line whatever other topic's words it uses too.
    signs: tuple[str, ...] = ()


@dataclass(frozen=True)
class FixedTexts:
    """Every sentence a user reads that is not a corpus quote."""

    disclaimer: str
    escalation: str  # in full: when to see a professional
    urgent: dict[str, str]
    replies: dict[str, str]
    disclaimer_short: str = ""
    # One line each, fitted to what was asked; the last one (general) answers the rest.
    escalation_topics: tuple[EscalationTopic, ...] = ()
    # The line under urgent advice, by its kind: what to do now, not when to see a doctor.
    escalation_urgent: dict[str, str] = dataclasses.field(default_factory=dict)
    # Leads an answer to a question the quotes must not seem to settle (cautions.toml), by id.
    cautions: dict[str, str] = dataclasses.field(default_factory=dict)
    language: str = "en"
    # Other languages' texts, by language code: each a FixedTexts of its own (see in_language).
    translations: dict[str, FixedTexts] = dataclasses.field(default_factory=dict)

    def reply(self, name: str, **values: object) -> str:
        """The reply called ``name``, its {placeholders} filled in."""
        return self.replies[name].format(**values) if values else self.replies[name]

    def escalation_for(self, kinds: Sequence[str]) -> str | None:
        """The line under urgent advice of ``kinds`` (the first that has one), if any."""
        return next((self.escalation_urgent[k] for k in kinds if k in self.escalation_urgent), None)

    def in_language(self, code: str) -> FixedTexts:
        """The texts a message in language ``code`` is answered with (English where none exist)."""
        return self.translations.get(code, self)

    @property
    def languages(self) -> tuple[str, ...]:
        return (self.language, *self.translations)


def load_texts(path: Path | None = None) -> FixedTexts:
    """Read and check the texts file; a missing or malformed entry is a one-line ConfigError."""
    path = path or DEFAULT_TEXTS_FILE
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(
            f"TEXTS_FILE: cannot read {path}: {getattr(exc, 'strerror', exc)}."
        ) from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"TEXTS_FILE: {path} is not valid TOML ({exc}).") from exc
    urgent = data.get("urgent") or {}
    replies = data.get("reply") or {}
    topics = data.get("escalation_by_topic") or {}
    by_kind = data.get("escalation_urgent") or {}
    missing = [
        name
        for name, present in [
            ("disclaimer", data.get("disclaimer")),
            ("disclaimer_short", data.get("disclaimer_short")),
            ("escalation", data.get("escalation")),
            ("escalation_by_topic.general.text", (topics.get("general") or {}).get("text")),
            *(
                (f"escalation_by_topic.{name}.text", (topic or {}).get("text"))
                for name, topic in topics.items()
            ),
            *((f"urgent.{kind}", urgent.get(kind)) for kind in URGENT_KINDS),
            *((f"escalation_urgent.{kind}", by_kind.get(kind)) for kind in URGENT_KINDS),
            *((f"reply.{name}", replies.get(name)) for name in REPLIES),
        ]
        if not isinstance(present, str) or not present.strip()
    ]
    if missing:
        raise ConfigError(f"TEXTS_FILE: {path} lacks the text(s) {', '.join(missing)}.")
    general = topics.pop("general")
    english = FixedTexts(
        disclaimer=data["disclaimer"].strip(),
        escalation=data["escalation"].strip(),
        urgent={kind: urgent[kind].strip() for kind in URGENT_KINDS},
        replies={name: value.strip() for name, value in replies.items() if isinstance(value, str)},
        disclaimer_short=data["disclaimer_short"].strip(),
        escalation_topics=tuple(
            EscalationTopic(
                name,
                topic["text"].strip(),
                tuple(w.casefold() for w in topic.get("words", [])),
                tuple(w.casefold() for w in topic.get("signs", [])),
            )
            for name, topic in [*topics.items(), ("general", general)]
        ),
        escalation_urgent={kind: by_kind[kind].strip() for kind in URGENT_KINDS},
        cautions={
            str(name): text.strip()
            for name, text in (data.get("caution") or {}).items()
            if isinstance(text, str) and text.strip()
        },
    )
    translations = {}
    for translated in sorted(path.parent.glob(f"{path.stem}.*.toml")):
        code = translated.name[len(path.stem) + 1 : -len(".toml")]
        translations[code] = _load_translation(translated, code, english)
    return dataclasses.replace(english, translations=translations)


def _load_translation(path: Path, code: str, english: FixedTexts) -> FixedTexts:
    """One language's texts over the English ones: its safety wording, urgent advice and notice."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"TEXTS_FILE: cannot read {path} ({exc}).") from exc
    urgent = data.get("urgent") or {}
    replies = data.get("reply") or {}
    missing = [
        name
        for name, present in [
            *((name, data.get(name)) for name in TRANSLATED),
            *((f"urgent.{kind}", urgent.get(kind)) for kind in URGENT_KINDS),
            *((f"reply.{name}", replies.get(name)) for name in TRANSLATED_REPLIES),
        ]
        if not isinstance(present, str) or not present.strip()
    ]
    if missing:
        raise ConfigError(f"TEXTS_FILE: {path} lacks the text(s) {', '.join(missing)}.")
    line = data["escalation_line"].strip()
    by_kind = data.get("escalation_urgent") or {}
    return FixedTexts(
        disclaimer=data["disclaimer"].strip(),
        escalation=data["escalation"].strip(),
        urgent={kind: urgent[kind].strip() for kind in URGENT_KINDS},
        replies={
            **english.replies,
            **{name: value.strip() for name, value in replies.items() if isinstance(value, str)},
        },
        disclaimer_short=data["disclaimer_short"].strip(),
        escalation_topics=(EscalationTopic("general", line, ()),),
        escalation_urgent={
            kind: text.strip()
            for kind, text in by_kind.items()
            if kind in URGENT_KINDS and isinstance(text, str) and text.strip()
        },
        language=code,
    )
