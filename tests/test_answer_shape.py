"""What a person reads, model aside: subjects the articles never mention named, subjects they
mention required of quotes, escalation fitted to the question, short titles, links, marks."""

from __future__ import annotations

import pytest

from bot.answering.escalation import choose_escalation
from bot.answering.fixed_texts import load_texts
from bot.answering.quoting import leans_back, text_fragment_url
from bot.answering.subjects import load_subjects
from bot.ingest.corpus import short_title
from bot.render.json_contract import answer_to_json
from bot.render.telegram_html import render_telegram_html
from tests.conftest import REAL_CORPUS
from tests.fake_telegram import parse_telegram_html

TEXTS = load_texts()
SUBJECTS = load_subjects([p.read_text(encoding="utf-8") for p in REAL_CORPUS.glob("*.md")])


@pytest.mark.parametrize(
    ("question", "subject"),
    [("is turmeric good for leaky gut?", "turmeric"), ("Should I take Ibuprofen for my knees?", "Ibuprofen"),
     ("does Omega-3 help joint pain", "Omega-3"), ("can celiac disease cause joint pain", "celiac disease"),
     ("will a covid vaccine affect my lupus", "covid vaccine"), ("can tofacitinib help", "tofacitinib"),
     # Blind dev128: icing was answered with the gut's passages.
     ("should I be icing my knees?", "icing")],
)  # fmt: skip
def test_subjects_the_articles_never_mention_are_named_as_written(question, subject):
    assert SUBJECTS.unmentioned(question) == subject


@pytest.mark.parametrize(
    "question",
    ["is zinc good for the gut", "does gluten make it worse", "what is leaky gut", "does lupus affect joints",
     "I feel alone with this pain"],
)  # fmt: skip
def test_subjects_the_articles_mention_are_not_named(question):
    assert SUBJECTS.unmentioned(question) is None


def test_the_pipeline_names_the_subject_and_quotes_nothing_as_an_answer(fake_pipeline):
    answer = fake_pipeline.answer("is turmeric good for leaky gut?")
    assert answer.status == "unmentioned" and answer.subject == "turmeric"
    assert "do not mention turmeric" in answer.notice
    assert len(answer.quotes) <= 1 and (
        not answer.quotes or answer.intro == TEXTS.reply("general_intro")
    )


def test_a_subject_people_take_is_named_by_every_quote(fake_pipeline):
    answer = fake_pipeline.answer("is zinc good for leaky gut?")
    assert answer.quotes and all("zinc" in quote.text.lower() for quote in answer.quotes)


@pytest.mark.parametrize(
    ("message", "topic"),
    [("how many vitamin D tablets a day", "medicines"), ("can I take turmeric with my meds", "medicines"),
     ("is fish oil good", "medicines"), ("my knees ache every morning", "joints"),
     ("why am I so bloated after meals", "gut"), ("what does this article say", "general"),
     # An ache is not a joint's: "tummy aches" are the gut's.
     ("my 6 year old gets tummy aches sometimes", "gut"), ("how do I stop my dog barking", "animals"),
     # "how long does it take" takes nothing: no pharmacist under a question about time.
     ("how long does it take to heal leaky gut", "gut"), ("how long does it take?", "general"),
     ("what should i take for my gut", "medicines")],
)  # fmt: skip
def test_escalation_fits_the_question(message, topic):
    categories = [m.category for m in SUBJECTS.mentions(message)]
    assert choose_escalation(message, TEXTS.escalation_topics, categories).name == topic


def test_every_escalation_line_names_the_emergency_numbers():
    for topic in TEXTS.escalation_topics:
        assert all(number in topic.text for number in ("112", "911", "999")), topic.name


def test_titles_are_short_enough_for_a_phone():
    title = "Understanding How Intestinal Barrier Health Influences Inflammation, Immunity & Chronic Joint Discomfort"
    assert len(short_title(title)) <= 48 and title.startswith(short_title(title).rstrip("…"))
    assert (
        short_title("Leaky gut: what it is, what it is not, and what the research says")
        == "Leaky gut"
    )


def test_a_link_opens_the_page_at_the_quoted_sentence():
    url = text_fragment_url(
        "https://example.org/a#top",
        "Steps may include removing inflammatory foods such as gluten, refined sugar, and processed foods.",
    )
    assert url == (
        "https://example.org/a#:~:text=Steps%20may%20include%20removing,sugar%2C%20and%20processed%20foods."
    )
    assert text_fragment_url("https://e.org/x", "A well-known fact.").endswith(
        "#:~:text=A%20well%2Dknown%20fact."
    )


@pytest.mark.parametrize(
    ("sentence", "leans"),
    [("It can contribute significantly.", True), ("These steps take weeks.", True), ("However, not all.", True),
     ("Leaky gut allows fragments in.", False), ("Joint pain can arise from stress.", False)],
)  # fmt: skip
def test_sentences_that_lean_back(sentence, leans):
    assert leans_back(sentence) is leans


def test_a_reply_marks_the_answer_and_keeps_the_footer_short(fake_pipeline):
    answer = fake_pipeline.answer("Can leaky gut cause joint pain?")
    [message] = render_telegram_html(answer)
    visible = parse_telegram_html(message)
    footer = message[message.index("<blockquote expandable>") :]
    assert footer.endswith("</blockquote>") and TEXTS.disclaimer in parse_telegram_html(footer)
    # What shows before the tap: the quotes, their short titles and one line of escalation.
    shown = visible[: visible.index(TEXTS.disclaimer_short)]
    assert answer.escalation in shown and TEXTS.escalation not in shown
    for quote in answer_to_json(answer)["quotes"]:
        assert quote["marks"] and all(
            quote["start"] <= m["start"] < m["end"] <= quote["end"] for m in quote["marks"]
        )


def test_everyday_words_match_the_articles_words():
    from bot.retrieval.lexical import LexicalIndex, load_synonyms

    lexical = LexicalIndex(["The intestinal lining is recognized as a barrier."], load_synonyms())
    assert set(lexical.tokens("my tummy lining")) == set(lexical.tokens("intestinal lining"))
    assert lexical.tokens("recognised") == lexical.tokens("recognized")
    assert lexical.tokens("diarrhoea") == lexical.tokens("diarrhea")
    assert lexical.top("is the tummy lining recognised", 1)  # shares every word, as written apart


def test_a_word_slipped_by_a_letter_or_inside_a_compound_still_matches():
    from bot.retrieval.lexical import LexicalIndex, load_synonyms

    lexical = LexicalIndex(
        ["Permeability of the gut lining, with L-glutamine.", "Rheumatoid arthritis and weight."],
        load_synonyms(),
    )
    # a letter left out, a letter too many, two letters swapped
    assert lexical.tokens("permeabilty") == lexical.tokens("permeability")
    assert lexical.tokens("glutamiine") == lexical.tokens("glutamine")
    assert lexical.tokens("rhuematoid") == lexical.tokens("rheumatoid")
    # ... but a letter changed may be another word
    assert lexical.tokens("height") != lexical.tokens("weight")
    # the part of a compound the corpus writes with a hyphen
    assert [row for row, _ in lexical.top("glutamine", 2)] == [0]


def test_a_slipped_word_is_mended_in_what_the_model_reads_but_a_real_word_is_not():
    from bot.retrieval.lexical import LexicalIndex, load_synonyms

    known = {"driving", "worth", "renew"}  # as the model's vocabulary would say
    lexical = LexicalIndex(
        ["Probiotics and diving.", "Permeability of the gut lining."],
        load_synonyms(),
        is_word=lambda word: word in known,
    )
    # Only the slip changes, in place; punctuation, case elsewhere and other words as written.
    assert (
        lexical.respelled("Probiotcs worth it? Permeabilty!")
        == "probiotics worth it? permeability!"
    )
    # "driving" is one letter away from the corpus's "diving", and a word of its own.
    assert lexical.respelled("renew my driving licence") == "renew my driving licence"
    assert "driv" in " ".join(lexical.tokens("driving"))


def test_a_question_with_a_slipped_word_is_answered_as_if_spelt_right(real_pipeline):
    # The model reads "probiotcs" poorly; the articles' word is one letter away.
    right, slipped = real_pipeline.answer_batch(
        ["are probiotics worth it", "are probiotcs worth it"]
    )
    assert slipped.quotes and [q.text for q in slipped.quotes] == [q.text for q in right.quotes]


@pytest.mark.parametrize("value", ['"ten"', "0", "true"])
def test_a_subjects_file_with_a_bad_child_age_is_a_one_line_error(tmp_path, value):
    from bot.errors import ConfigError

    path = tmp_path / "subjects.toml"
    path.write_text(f'[people]\nchild_age_below = {value}\nnames = ["kids"]\n', encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_subjects(["some text"], path)
    message = str(caught.value)
    assert message.startswith("SUBJECTS_FILE:") and "child_age_below" in message
    assert "\n" not in message


def test_a_subjects_file_with_an_aspect_missing_its_wording_is_a_one_line_error(tmp_path):
    from bot.errors import ConfigError

    path = tmp_path / "subjects.toml"
    path.write_text(
        '[medicines]\nnames = ["ibuprofen"]\n[aspects.contagion]\nnames = ["contagious"]\n',
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as caught:
        load_subjects(["some text"], path)
    message = str(caught.value)
    assert message.startswith("SUBJECTS_FILE:") and "[aspects.contagion]" in message
    assert "said" in message and "\n" not in message


def test_an_aspect_the_corpus_speaks_of_is_not_reported_unsaid():
    """Whether the articles say it is read from the corpus: one on genetics answers "is it
    genetic?" as any other question."""
    from bot.answering.subjects import normalise

    silent = load_subjects(["Leaky gut and joint pain."])
    speaking = load_subjects(["Leaky gut may have a genetic component in some families."])
    words = f" {normalise('is leaky gut genetic')} "
    assert [aspect.said for *_, aspect in silent.unsaid_aspects(words)] == [
        "whether it runs in families or is in the genes"
    ]
    assert speaking.unsaid_aspects(words) == []


def test_an_aspect_whose_told_with_is_not_a_list_is_a_one_line_error(tmp_path):
    from bot.errors import ConfigError

    path = tmp_path / "subjects.toml"
    path.write_text(
        '[medicines]\nnames = ["ibuprofen"]\n[aspects.result]\nsaid = "what it means"\n'
        'names = ["do i have ra"]\ntold_with = "crp"\n',
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as caught:
        load_subjects(["some text"], path)
    message = str(caught.value)
    assert message.startswith("SUBJECTS_FILE:") and "[aspects.result]" in message
    assert "told_with" in message and "\n" not in message


@pytest.mark.parametrize(
    ("question", "read"),
    [("my son is 9 and keeps getting stomach aches and sore ankles, is that linked?",
      "keeps getting stomach aches and sore ankles, is that linked?"),
     ("my daughter, 12, gets sore knees. could it be her gut?",
      "gets sore knees. could it be her gut?"),
     ("is leaky gut real?", "is leaky gut real?")],
)  # fmt: skip
def test_a_question_is_read_without_the_people_it_names(question, read):
    assert SUBJECTS.without_people(question) == read
