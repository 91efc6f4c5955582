"""Messages in other languages: told in their language that the articles are English, and given
urgent advice in their language when they describe an emergency."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from bot.answering.fixed_texts import DEFAULT_TEXTS_FILE, load_texts
from bot.errors import ConfigError
from bot.safety.language import load_languages

LANGUAGES = ("es", "pt", "fr", "de", "it", "ru", "uk", "pl", "tr", "ar")


@pytest.fixture(scope="module")
def languages():
    return load_languages()


@pytest.mark.parametrize(
    ("message", "language"),
    [
        ("¿El intestino permeable causa dolor en las articulaciones?", "es"),
        ("a minha barriga está sempre inchada depois de comer", "pt"),
        ("j'ai mal aux genoux depuis des semaines, est-ce lié à l'intestin ?", "fr"),
        ("Ich habe seit Wochen Schmerzen im Knie, kann das vom Darm kommen?", "de"),
        ("ho sempre la pancia gonfia dopo mangiato, cosa posso fare?", "it"),
        ("у меня болят суставы, может ли это быть из-за кишечника?", "ru"),
        ("у мене болять суглоби, чи може це бути через кишечник?", "uk"),
        ("od tygodni boli mnie kolano, czy to może być od jelit?", "pl"),
        ("haftalardır dizim ağrıyor, bağırsakla ilgisi olabilir mi?", "tr"),
        ("عندي ألم في المفاصل، هل له علاقة بالأمعاء؟", "ar"),
        # One word of a language and not one of English is enough.
        ("Lippen dick geworden", "de"),
        # Letters and words other languages share do not decide: "de", "ç" and "ê" are
        # Portuguese as much as French.
        ("ela comeu quase tudo e agora vomitou. Vocês recomendam vitamina sem açúcar?", "pt"),
        ("il dolore è più forte di sera, è normale?", "it"),
        ("Can leaky gut cause joint pain?", "en"),
        ("What about la dieta paleo for my joints?", "en"),
        ("is turmeric good for my knees", "en"),
        # A short chatty remark is English, whatever one of its words means elsewhere (blind
        # dev62: "ha" read it as Italian).
        ("Ha, fair enough. You're pretty limited huh", "en"),
    ],
)
def test_the_text_tells_the_language(languages, message, language):
    assert languages.detect(message) == language


def test_the_app_language_only_breaks_a_tie(languages):
    # "dolor" alone could be Spanish or English spelling; the hint decides a near tie ...
    assert languages.detect("dolor de rodilla", hint="es-ES") == "es"
    # ... but never overrides a message the text says is English.
    assert languages.detect("Can leaky gut cause joint pain?", hint="de") == "en"


def test_every_language_has_its_safety_texts():
    texts = load_texts()
    assert set(texts.translations) == set(LANGUAGES)
    for code in LANGUAGES:
        own = texts.in_language(code)
        assert own.language == code
        for kind in ("emergency", "crisis", "poisoning"):
            assert own.urgent[kind] != texts.urgent[kind], (code, kind)
            # ... and the line under it, what to do now, in the language too.
            assert own.escalation_for([kind]) != texts.escalation_for([kind]), (code, kind)
        assert own.disclaimer != texts.disclaimer and own.reply("language") != texts.reply(
            "language"
        )


def test_a_translation_missing_a_safety_text_names_the_file(tmp_path: Path):
    (tmp_path / "texts.toml").write_text(
        DEFAULT_TEXTS_FILE.read_text(encoding="utf-8"), encoding="utf-8"
    )
    (tmp_path / "texts.xx.toml").write_text('disclaimer = "x"\n', encoding="utf-8")
    with pytest.raises(
        ConfigError, match=r"^TEXTS_FILE: .*texts\.xx\.toml lacks the text\(s\) disclaimer_short"
    ):
        load_texts(tmp_path / "texts.toml")


def test_a_question_in_another_language_is_told_so_in_that_language(real_pipeline):
    answer = real_pipeline.answer("¿El intestino permeable causa dolor en las articulaciones?")
    spanish = real_pipeline.texts.in_language("es")
    assert answer.status == "language" and answer.language == "es" and not answer.quotes
    assert answer.notice == spanish.reply("language")
    assert answer.disclaimer == spanish.disclaimer and not answer.urgent


@pytest.mark.parametrize(
    ("message", "language"),
    [("festa da rua no sábado, quem traz o bolo?", "pt"), ("galera, a reunião mudou pra 15h", "pt"),
     ("Alguém viu o meu gato? laranja, chama-se Tico 🐈", "pt")],
)  # fmt: skip
def test_chatter_in_another_language_is_acknowledged_in_it(real_pipeline, message, language):
    """Blind dev105: group chatter in Portuguese was told, message after message, that only
    English is answered."""
    answer = real_pipeline.answer(message)
    own = real_pipeline.texts.in_language(language)
    assert answer.status == "small_talk" and answer.language == language and not answer.quotes
    assert answer.notice == own.reply("small_talk_ack") and answer.disclaimer == own.disclaimer


def test_a_question_of_health_in_another_language_is_no_chatter(real_pipeline):
    for message in ("Me duele la rodilla desde hace semanas", "Est-ce grave ?", "Bolą mnie stawy"):
        assert real_pipeline.answer(message).status == "language", message
    # ... nor is one that follows a question: it may ask about it ("e o sono?").
    from bot.answering.pipeline import Request

    answer = real_pipeline.answer_batch(
        [Request("festa da rua no sábado?", context="can stress affect the gut?")]
    )[0]
    assert answer.status == "language"


def test_the_passages_are_read_by_the_multilingual_model_once_per_index():
    from bot.answering.off_topic import OffTopic

    class Counting:
        def __init__(self):
            self.calls = []

        def encode(self, texts):
            self.calls.append(list(texts))
            return np.eye(4, dtype=np.float32)[[hash(t) % 4 for t in texts]]

    encoder = Counting()
    off_topic, passages = OffTopic(encoder), ("a", "b")
    off_topic.far_from(["x?"], passages)
    off_topic.far_from(["y"], passages)
    assert [call for call in encoder.calls if call == ["a", "b"]] == [["a", "b"]]
    off_topic.far_from(["z"], ("c",))  # another index: its passages are read
    assert encoder.calls[-2] == ["c"]


@pytest.mark.parametrize(
    ("message", "language", "kind"),
    [("muchas gracias", "es", "thanks"), ("спасибо", "ru", "thanks"), ("merci beaucoup", "fr", "thanks"),
     ("hola", "es", "greeting"), ("tschüss", "de", "goodbye")],
)  # fmt: skip
def test_small_talk_in_another_language_is_answered_in_it(real_pipeline, message, language, kind):
    # Not "I can only answer in English" to a thank-you, nor an English "You're welcome".
    answer = real_pipeline.answer(message)
    own = real_pipeline.texts.in_language(language)
    assert answer.status == "small_talk" and answer.language == language
    assert answer.notice == own.reply(f"small_talk_{kind}") != real_pipeline.texts.reply(
        f"small_talk_{kind}"
    )
    assert answer.disclaimer == own.disclaimer and not answer.quotes


@pytest.mark.parametrize(
    ("message", "language", "kind"),
    [
        ("Ich habe starke Schmerzen in der Brust, die in den linken Arm ziehen", "de", "emergency"),
        ("vomito sangue da stamattina", "it", "emergency"),
        ("я больше не хочу жить", "ru", "crisis"),
        ("mi hijo se ha tragado unas pastillas mías", "es", "poisoning"),
    ],
)
def test_an_emergency_in_another_language_gets_urgent_advice_in_it(
    real_pipeline, message, language, kind
):
    answer = real_pipeline.answer(message)
    own = real_pipeline.texts.in_language(language)
    assert answer.urgent and answer.urgent_advice[0] == own.urgent[kind]
    assert answer.language == language and answer.disclaimer == own.disclaimer
    # Under urgent advice, no "I can only answer questions in English": it is noise, and under a
    # crisis line it reads as a door closed. The line under it says what to do now, in the language.
    assert answer.notice is None and answer.escalation == own.escalation_urgent[kind]


def test_the_multilingual_model_catches_what_no_lexicon_lists(real_pipeline):
    """An indirect crisis message in Italian, in words the Italian lexicon does not have."""
    message = "a volte penso che sarebbe tutto più semplice se io non ci fossi"
    detector = real_pipeline.detector
    assert not detector.lexicons["it"].find(message)
    answer = real_pipeline.answer(message)
    assert answer.urgent and answer.language == "it"
