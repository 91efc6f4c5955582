"""Answering with the real model and index: quotes, safety texts, no answer, bad input, JSON."""

from __future__ import annotations

import dataclasses
import json

import pytest

from bot.answering.cautions import load_cautions
from bot.answering.conversation import Conversation
from bot.answering.pipeline import Request
from bot.errors import ConfigError
from bot.render.json_contract import answer_to_json
from bot.render.plain import render_plain
from tests.conftest import assert_verbatim

pytestmark = pytest.mark.model
TITLES = {
    "The Connection Between Joint Pain, Autoimmunity, and Leaky Gut",
    "Understanding How Intestinal Barrier Health Influences Inflammation, Immunity & Chronic "
    "Joint Discomfort",
}


def assert_safety_texts(answer, pipeline) -> None:
    """Every answer ends with an escalation line (one of texts.toml's, or of the message's
    language's texts file) and the disclaimer, and carries the full escalation advice one tap away."""
    texts = pipeline.texts.in_language(answer.language)
    urgent_line = texts.escalation_for(answer.urgent_kinds)  # under urgent advice: what to do now
    lines = {urgent_line} if urgent_line else {topic.text for topic in texts.escalation_topics}
    assert answer.escalation in lines
    assert answer.escalation_full == texts.escalation and answer.disclaimer == texts.disclaimer
    rendered = render_plain(answer)
    assert rendered.replace("\n", " ").endswith(" ".join(texts.disclaimer.split()))
    assert " ".join(answer.escalation.split()) in rendered.replace("\n", " ")


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Can leaky gut cause joint pain?", "It can contribute significantly"),
        ("is zinc good for leaky gut", "L-glutamine, zinc, and collagen"),
        ("how long until my joints feel better", "Some people notice changes within weeks"),
    ],
)
def test_a_question_gets_verbatim_quotes_with_their_article(real_pipeline, question, expected):
    answer = real_pipeline.answer(question)
    assert answer.answered and not answer.urgent and 1 <= len(answer.quotes) <= 3
    assert any(expected in quote.text for quote in answer.quotes)
    for quote in answer.quotes:
        assert_verbatim(quote)
        assert quote.title in TITLES
        assert quote.score >= real_pipeline.retriever.min_score
    assert_safety_texts(answer, real_pipeline)


@pytest.mark.parametrize(
    ("question", "expected"),
    [("zinc?", "L-glutamine, zinc, and collagen"), ("research?", "supported by research"),
     ("mimicry", "cross-react with joint tissues"),
     # a part of a compound the articles write with a hyphen ("L-glutamine")
     ("glutamine", "L-glutamine, zinc, and collagen")],
)  # fmt: skip
def test_one_word_the_articles_use_is_answered_with_the_sentence_that_uses_it(
    real_pipeline, question, expected
):
    """The model reads one word poorly (its cosine to the sentence is far below the threshold);
    the sentence holding the word answers it all the same. Read without the known questions,
    which hold these very questions."""
    from bot.retrieval.retrieve import Retriever

    shipped = real_pipeline.retriever
    bare = Retriever(shipped.index, shipped.lexical, min_score=shipped.min_score)
    hits = bare.rank_batch([question], real_pipeline.encoder.encode([question]))[0]
    assert max(hit.cosine for hit in hits) < shipped.min_score
    assert any(expected in hit.passage.text for hit in bare.select(hits)[:3])
    answer = real_pipeline.answer(question)
    assert any(expected in quote.text for quote in answer.quotes[:3])


@pytest.mark.parametrize(
    "question",
    ["explain molecular mimicry", "ok different q, whats molecular mimicry", "cool. what is molecular mimicry"],
)  # fmt: skip
def test_words_of_asking_do_not_count_against_a_question(real_pipeline, question):
    """ "explain", "cool", "different q": words the articles never use, which once made the section
    named by the question's other words unanswerable."""
    answer = real_pipeline.answer(question)
    assert any("cross-react with joint tissues" in quote.text for quote in answer.quotes)
    for quote in answer.quotes:
        assert_verbatim(quote)


@pytest.mark.parametrize("follow_up", ["and how long does it take to heal?", "and for how long?"])
def test_a_follow_up_gets_what_it_asks_not_the_previous_answer(real_pipeline, follow_up):
    """Read after "what causes leaky gut?", the previous question's passages score higher than the
    follow-up's own answer; each reading is judged against its own best, so it is still quoted."""
    from bot.answering.pipeline import Request

    answer = real_pipeline.answer_batch([Request(follow_up, context="what causes leaky gut?")])[0]
    assert any("notice changes within weeks" in quote.text for quote in answer.quotes[:3])
    for quote in answer.quotes:
        assert_verbatim(quote)


def test_a_follow_up_that_says_nothing_of_its_own_is_led_by_its_subject(real_pipeline):
    # "really?" alone is nearest "Not exactly. Gut-related joint pain may …": that answers nothing.
    from bot.answering.pipeline import Request

    context = "can improving my gut help my joint pain how long does it take?"
    answer = real_pipeline.answer_batch([Request("really?", context=context)])[0]
    assert answer.quotes and not any("Not exactly" in q.text for q in answer.quotes)


def test_no_two_quotes_overlap_or_repeat(real_pipeline):
    for question in [
        "what is leaky gut",
        "gut and joint inflammation",
        "autoimmunity and the joints",
    ]:
        quotes = real_pipeline.answer(question).quotes
        spans = sorted((q.source_path, q.start, q.end) for q in quotes)
        for (path_a, _, end_a), (path_b, start_b, _) in zip(spans, spans[1:]):
            assert path_a != path_b or end_a < start_b


@pytest.mark.parametrize(
    ("question", "status"),
    # Words the articles use ("capital", "fix") leave it a question nothing answers; none at all
    # make it the off-topic reply.
    [("what's the capital of australia", "no_answer"), ("how do I fix my car's brakes", "no_answer"),
     ("write me a poem", "small_talk")],
)  # fmt: skip
def test_off_topic_gets_no_quotes_but_the_topics_and_safety_texts(real_pipeline, question, status):
    answer = real_pipeline.answer(question)
    assert not answer.answered and answer.quotes == () and answer.status == status
    assert "Joint pain, autoimmunity and leaky gut" in answer.notice  # the articles, by short title
    assert_safety_texts(answer, real_pipeline)


def test_urgent_message_leads_with_urgent_advice(real_pipeline):
    answer = real_pipeline.answer("my knee is hot and swollen and I have a feaver")
    assert answer.urgent and "hot_swollen_joint_fever" in answer.flags
    rendered = render_plain(answer)
    assert rendered.startswith("⚠️ What you describe can be a medical emergency")
    assert_safety_texts(answer, real_pipeline)


@pytest.mark.parametrize(
    ("message", "cpr"),
    [("my dad collapsed and isn't breathing", "CPR"), ("mi padre se desmayó y no respira", "RCP")],
)
def test_a_bystander_is_told_to_stay_and_that_the_call_handler_guides_cpr(
    real_pipeline, message, cpr
):
    # The person writing is often not the one in danger: "do not drive yourself" alone does not
    # tell them what to do while help comes.
    answer = real_pipeline.answer(message)
    assert answer.urgent and "emergency" in answer.urgent_kinds
    assert cpr in answer.urgent_advice[0] and "112" in answer.urgent_advice[0]


def test_under_urgent_advice_only_the_articles_advice_to_see_a_professional_is_quoted(
    real_pipeline,
):
    # "It can contribute significantly" under crushing chest pain would read as "yes, maybe it is
    # your gut"; the line under the advice says what to do now, not when belly pain needs a doctor.
    chest, knee = real_pipeline.answer_batch(
        [
            "I have crushing chest pain spreading to my left arm, could it be leaky gut?",
            "my knee is hot and swollen and I have a fever, what can I do?",
        ]
    )
    emergency_line = real_pipeline.texts.escalation_urgent["emergency"]
    assert chest.urgent and chest.escalation == emergency_line
    assert all(real_pipeline.detector.advises_care(q.text) for q in chest.quotes)
    assert "It can contribute" not in render_plain(chest)
    assert knee.urgent and knee.escalation == emergency_line
    assert knee.quotes and all("professional" in quote.text for quote in knee.quotes)
    assert "professional evaluation is essential" in knee.quotes[0].text


def test_self_harm_gets_crisis_advice_and_no_article_quotes(real_pipeline):
    answer = real_pipeline.answer("my joint pain is so bad I want to kill myself")
    assert answer.urgent and answer.quotes == ()
    assert answer.urgent_advice[0] == real_pipeline.texts.urgent["crisis"]
    assert "findahelpline.com" in render_plain(answer)
    assert_safety_texts(answer, real_pipeline)


@pytest.mark.parametrize(
    "message",
    ["ok i will say goodbye to everyone now", "thanks, I'm going to give away my things",
     "ok. i will drive to the bridge later"],
)  # fmt: skip
def test_small_talk_that_says_more_is_read_for_red_flags_too(real_pipeline, message):
    # Thanks followed by what the person will do is small talk, so the lexicon alone would read
    # it; these the model finds.
    answer = real_pipeline.answer(message)
    assert answer.urgent and answer.urgent_advice[0] == real_pipeline.texts.urgent["crisis"]
    assert answer.quotes == () and answer.status != "small_talk"


@pytest.mark.parametrize(
    "message",
    # A newcomer's trial: a grateful goodbye raised the crisis advice.
    ["thanks so much, goodbye!", "Thank you very much dear, you have been a great help. Goodbye"],
)
def test_thanks_and_goodbye_and_nothing_more_raise_no_crisis(real_pipeline, message):
    answer = real_pipeline.answer(message)
    assert not answer.urgent and answer.status == "small_talk", message
    # ... while a farewell that says more still does.
    for farewell in ("Thank you ever so much, dear. Goodbye forever.",
                     "thank you for everything. goodbye", "ok i will say goodbye to everyone now"):
        assert real_pipeline.answer(farewell).urgent, farewell


def test_a_message_after_urgent_advice_leads_with_it_again_but_thanks_is_thanked(real_pipeline):
    downplayed, thanks, calmer, later = real_pipeline.answer_batch(
        [
            Request("he says its fine, it goes away", urgent=("emergency",)),
            Request("ok thanks", urgent=("emergency",)),
            # Blind dev84: thanks that says more, after the advice, had the whole advice again.
            Request("ok thank you, I am more calm now 🙏", urgent=("emergency",)),
            Request("which foods should I avoid for leaky gut?", urgent=("emergency",)),
        ]
    )
    assert downplayed.urgent
    assert downplayed.urgent_advice[0] == real_pipeline.texts.urgent["emergency"]
    for answer in (thanks, calmer):
        assert answer.status == "small_talk" and not answer.urgent
        # ... under the urgent line, not the everyday one.
        assert answer.escalation == real_pipeline.texts.escalation_for(("emergency",))
    # A question of its own is still answered under the repeated advice.
    assert later.urgent and later.quotes and "gluten" in later.quotes[0].text


def test_a_message_only_near_an_urgent_example_keeps_its_answer_under_the_advice(real_pipeline):
    # The semantic layer errs towards flagging; only what the lexicon reads as an emergency
    # loses its quotes to the articles' advice to see someone.
    answer = real_pipeline.answer("why would my own defences go after my knee tissue")
    assert answer.quotes and any("professional" not in q.text for q in answer.quotes)


def test_a_question_about_someone_the_articles_do_not_single_out_is_answered_in_general(
    real_pipeline,
):
    answer = real_pipeline.answer(
        "my daughter is 14 and her knees ache all the time, what can cause that?"
    )
    assert answer.status == "answered" and answer.quotes
    # ... said back to the person: "your daughter".
    assert answer.notice == real_pipeline.texts.reply("in_general", subject="your daughter")
    assert "joint" in " ".join(q.text for q in answer.quotes).lower()
    # A follow-up that only adds someone is told the articles do not mention them, and a pet
    # is not a person the articles speak of.
    follow = real_pipeline.answer_batch(
        [Request("does that work for kids too?", context="how do i heal my gut")]
    )[0]
    assert follow.status == "unmentioned" and follow.subject == "kids"
    # ... and whom a follow-up borrows is not its subject.
    about = real_pipeline.answer_batch(
        [Request("she has tummy trouble a lot too, could it be from that", context=answer.question)]
    )[0]
    assert about.status == "answered" and about.quotes
    # A follow-up that names a thing of its own in place of the previous subject is about it.
    instead = real_pipeline.answer_batch(
        [Request("and supplements?", context="is coffee bad for leaky gut")]
    )[0]
    assert instead.status != "unmentioned"
    inherits = real_pipeline.answer_batch(
        [Request("how much should i take a day?", context="is turmeric good for leaky gut")]
    )[0]
    assert inherits.status == "unmentioned" and inherits.subject == "turmeric"
    # Someone who only did something for the one asking is not whom the question is about.
    bought = real_pipeline.answer("my daughter bought me probiotics, will they help my hip?")
    assert bought.status == "answered" and bought.notice is None
    assert "probiotics" in bought.quotes[0].text
    says = real_pipeline.answer("my daughter says her knees ache all the time, what causes that?")
    assert says.notice == real_pipeline.texts.reply("in_general", subject="your daughter")
    again = real_pipeline.answer(
        "my daughter bought me collagen, she says it will fix my gut. will it help my knees?"
    )
    assert again.notice is None and again.quotes
    # An animal the person walks or lifts is what they cannot do, not whom the question is about.
    walk = real_pipeline.answer(
        "my knees hurt so bad i cant even walk the dog anymore, is that normal for joint pain"
    )
    assert walk.status == "answered" and walk.quotes
    # Idioms are no therapy the articles never mention (dev29): a temperature run, a stretch.
    for idiom in (
        "my mum keeps running a temperature and her knuckles ache, could her gut be involved?",
        "Is the gut really behind joint pain for some people, or is that a stretch?",
        "I always had a stomach like a cast-iron pot, but now I get wind and stiff knees. Could "
        "the two be connected?",
    ):
        assert real_pipeline.answer(idiom).status == "answered", idiom
    assert real_pipeline.answer("I go running every day, is it bad for my knees?").status == (
        "unmentioned"
    )
    dog = real_pipeline.answer("my dog has joint pain, can he take probiotics?")
    assert dog.status == "unmentioned" and dog.subject == "my dog"
    # A thing the articles never mention is named before a person they do not single out.
    son = real_pipeline.answer(
        "my son is 15 and has juvenile arthritis, he's on methotrexate. can diet fix it so he "
        "can stop?"
    )
    assert son.status == "unmentioned" and son.subject == "juvenile arthritis or methotrexate"
    # The articles speak of psoriatic arthritis: psoriasis is not a subject they never mention.
    skin = real_pipeline.answer(
        "my 14 yo daughter has psoriasis and now sore fingers. is it related to her gut?"
    )
    assert skin.status == "answered" and "psoriatic arthritis" in render_plain(skin)
    # A child told by their age is a child (trial 12); a grown-up told by theirs is not.
    aged = real_pipeline.answer(
        "my 7 year old keeps complaining that her knees hurt at night. could it be leaky gut?"
    )
    assert aged.notice == real_pipeline.texts.reply("in_general", subject="your 7 year old")
    grown = real_pipeline.answer("my 45 year old husband has sore knees, is it his gut?")
    assert grown.notice is None and grown.quotes


def test_chat_spellings_are_read_as_the_words_they_stand_for(real_pipeline):
    # (Not asked in these words by any development set: their known questions would answer them.)
    told, slang, spelled, aching, doc = real_pipeline.answer_batch(
        [
            # (A story that asks nothing: asked what they would like to know.)
            "my hips r killin me lol",
            "my hips r killin me lol, wat can cause that",
            "my hips are killing me, what can cause that",
            "ngl my knees r achin all the time, y tho",
            "wen shud i go to a doc for my joint pain tho",
        ]
    )
    assert told.status == "small_talk" and told.keeps_subject and not told.quotes
    assert slang.status == "answered"
    assert [q.text for q in slang.quotes] == [q.text for q in spelled.quotes]
    # ... "y tho" is "why though": what causes it.
    assert any("Joint pain can arise from" in quote.text for quote in aching.quotes)
    assert "professional evaluation is essential" in doc.quotes[0].text
    assert doc.question == "wen shud i go to a doc for my joint pain tho"  # shown as written


def test_dropped_letters_and_a_trailing_or_nah_are_read_as_meant(real_pipeline):
    # Blind dev140: "n food? anythin i shud stop eatin" and "... could that be a stomach thing or
    # nah" got "I could not find a passage"; spelled out, they are answered as the words read.
    dropped, plain = real_pipeline.answer_batch(
        ["n food? anythin i shud stop eatin", "and food? anything i should stop eating"]
    )
    assert dropped.quotes and [q.text for q in dropped.quotes] == [q.text for q in plain.quotes]
    nah = real_pipeline.answer("my ankles always ache, could that be a stomach thing or nah")
    assert nah.status == "answered" and nah.quotes


def test_doubt_gets_a_fair_reply_and_a_demand_for_evidence_the_research(real_pipeline):
    doubt, says_who, prove = real_pipeline.answer_batch(
        [
            "sounds like snake oil to me",
            Request("says who?", context="can leaky gut cause joint pain"),
            Request("prove it", context="can leaky gut cause joint pain"),
        ]
    )
    for answer in (doubt, says_who):
        assert answer.status == "small_talk" and answer.quotes == ()
        assert answer.notice == real_pipeline.texts.reply("small_talk_doubt")
    assert prove.status == "answered"


def test_a_caution_leads_what_the_quotes_must_not_seem_to_settle(real_pipeline):
    stop, doctor, child, everyday, bought, crisis, doubt = real_pipeline.answer_batch(
        [
            "I have rheumatoid arthritis and take methotrexate. Should I stop it and try a gut "
            "healing diet instead?",
            "can't i just fix my gut instead of going to the doctor",
            "my kid is 5, can I give her L-glutamine and zinc for her tummy aches?",
            "which foods should I avoid for leaky gut?",
            "my daughter bought me probiotics, will they help my hip?",
            "I want to stop all my medication and just die",
            "leaky gut isn't even a real diagnosis. sounds like snake oil to sell supplements",
        ]
    )
    cautions = real_pipeline.texts.cautions
    assert stop.cautions == (cautions["stopping_treatment"],)
    assert doctor.cautions == (cautions["stopping_doctor"],)
    # ... and after "do not stop it" only the articles' own advice to see someone: the healing
    # steps would read as the swap endorsed.
    assert doctor.quotes and "does not replace medical advice" in doctor.quotes[0].text
    # ... and after "do not stop your medicine", nothing: the articles never say whether it can
    # go, and their disclaimer under the question would read as the answer.
    assert stop.quotes == ()
    for answer in (stop, doctor):
        assert all(real_pipeline.detector.advises_care(q.text) for q in answer.quotes)
        assert "Steps may include" not in render_plain(answer)
    assert child.cautions == (cautions["child_medicine"],)
    # ... first, before any notice or quote, on a phone as in the console.
    assert render_plain(child).startswith(" ".join(cautions["child_medicine"].split()[:6]))
    assert everyday.cautions == () and bought.cautions == ()
    assert crisis.urgent and crisis.cautions == ()  # under a crisis line, that line alone
    # Doubt told with a question: what the articles say, not a verdict on the evidence.
    assert doubt.cautions == (cautions["doubt"],) and doubt.quotes
    # "lasting relief" under a question about a cure is no promise of one.
    cure = real_pipeline.answer("So if I heal my gut my RA will go away?")
    assert cure.cautions == (cautions["cure"],) and cure.quotes
    assert real_pipeline.answer("can my lupus actually wreck my joints for good").cautions == ()
    # A rubbish week is no doubt of the articles; "who's right?" between a physio and the gut is
    # (trial 15).
    week = real_pipeline.answer(
        "bit of a rubbish week, feeling pretty down. is there anything that calms the immune system?"
    )
    assert week.cautions == () and week.quotes
    physio = real_pipeline.answer(
        "My physio reckons joint pain is mostly mechanical, my friend says it's the gut. Who's right?"
    )
    assert physio.cautions == (cautions["doubt"],)
    see = real_pipeline.answer(
        "who is right for me to see about my joints, a GP or a rheumatologist?"
    )
    assert see.cautions == ()


def test_a_dose_question_is_told_the_articles_give_none_and_gets_no_quote(real_pipeline):
    # "Some people notice changes within weeks" under "how much should I take?" reads as a dose.
    conversation = Conversation(ttl=300)

    def ask(message):
        turn = conversation.plan("c", message)
        return conversation.settle(turn, real_pipeline.answer_batch([turn.request])[0])

    dose = real_pipeline.texts.cautions["dose"]
    assert ask("is glutamine good for the gut").quotes
    follow_up = ask("how much should i take")
    assert follow_up.cautions == (dose,) and follow_up.quotes == ()
    assert not follow_up.answered and render_plain(follow_up).startswith(
        "The articles give no doses"
    )
    assert_safety_texts(follow_up, real_pipeline)
    for question in ("how much collagen per day", "what's the right dose of zinc for leaky gut?"):
        answer = real_pipeline.answer(question)
        assert answer.cautions == (dose,) and answer.quotes == (), question
    # ... but "how much" that asks no amount to take is answered.
    for question in ("how much can a leaky gut add to achy joints", "which supplements help"):
        answer = real_pipeline.answer(question)
        assert answer.cautions == () and answer.quotes, question


@pytest.mark.parametrize(
    "question",
    [
        "is glutamine safe",
        "what are the side effects of zinc?",
        "can I take collagen with my methotrexate?",
        "are there supplements I should steer clear of?",
        "who shouldn't take probiotics?",
    ],
)
def test_whether_a_supplement_is_safe_is_for_a_pharmacist_and_nothing_is_quoted(
    real_pipeline, question
):
    # "Steps may include … L-glutamine, zinc, and collagen" under "is it safe?" reads as "yes".
    answer = real_pipeline.answer(question)
    assert real_pipeline.texts.cautions["side_effects"] in answer.cautions
    assert answer.quotes == () and not answer.answered
    assert_safety_texts(answer, real_pipeline)


def test_safety_words_about_no_supplement_leave_the_answer_alone(real_pipeline):
    from bot.answering.pipeline import Request

    plain, positive = real_pipeline.answer_batch(
        ["is zinc good for leaky gut?", "who should take probiotics?"]
    )
    leaky = real_pipeline.answer_batch(
        [Request("is it dangerous??", context="what even is leaky gut")]
    )[0]
    for answer in (plain, positive, leaky):
        assert answer.cautions == () and answer.quotes


def test_a_pregnancy_said_once_stays_with_the_chat_for_a_few_minutes(real_pipeline):
    clock = [0.0]
    conversation = Conversation(ttl=300, clock=lambda: clock[0])

    def ask(chat, message):
        turn = conversation.plan(chat, message)
        return conversation.settle(turn, real_pipeline.answer_batch([turn.request])[0])

    pregnancy = real_pipeline.texts.cautions["pregnancy"]
    said = ask("a", "I'm 20 weeks pregnant, can I take probiotics?")
    # The message that says it gets the notice in full, not the caution as well.
    assert said.status == "unmentioned" and said.cautions == ()
    eat = ask("a", "what should i eat")
    assert eat.cautions == (pregnancy,) and eat.quotes  # still answered, the caution first
    assert render_plain(eat).startswith(" ".join(pregnancy.split()[:5]))
    assert ask("a", "thanks").cautions == ()  # small talk is only thanked
    assert ask("b", "what should i eat").cautions == ()  # another chat is not told
    clock[0] += 301
    assert ask("a", "what should i eat").cautions == ()  # … and a few minutes later, neither


def test_a_fear_of_cancer_is_not_followed_by_passages_about_the_gut(real_pipeline):
    """A newcomer's trial: "do not mention cancer", then "deeper underlying causes—particularly
    autoimmunity and leaky gut" in bold, read as false comfort."""
    from bot.answering.conversation import Conversation

    chat = Conversation()
    for message in (
        "I've lost about 8 kilos in two months without trying, I have diarrhoea most days and my "
        "joints ache. Is this leaky gut?",
        "could it be something serious like cancer?",
    ):
        turn = chat.plan(1, message)
        answer = chat.settle(turn, real_pipeline.answer_batch([turn.request])[0])
    assert answer.status == "unmentioned" and answer.subject == "cancer" and answer.quotes == ()


def test_a_parent_asking_whether_to_worry_is_told_when_to_see_a_professional(real_pipeline):
    """A newcomer's trial: near a known unanswered question, a worried parent got only "I could
    not find a passage"."""
    answer = real_pipeline.answer(
        "my 6 year old keeps getting tummy aches and now says her knees hurt. should I be worried?"
    )
    assert answer.quotes
    assert all(real_pipeline.detector.advises_care(quote.text) for quote in answer.quotes)


def test_weight_lost_without_trying_is_told_when_to_see_a_doctor_about_it(real_pipeline):
    """A newcomer's trial: under "I've lost about 8 kilos …" came the line about hot joints."""
    answer = real_pipeline.answer(
        "I've lost about 8 kilos in two months without trying, I have diarrhoea most days and my "
        "joints ache. Is this leaky gut?"
    )
    assert "lose weight without trying" in answer.escalation


def test_stopping_a_treatment_leads_the_follow_ups_but_not_a_new_question(real_pipeline):
    # "why not?" after "do not stop it" once got "It may reduce pain and inflammation" alone.
    conversation = Conversation(ttl=300)

    def ask(message):
        turn = conversation.plan("c", message)
        return conversation.settle(turn, real_pipeline.answer_batch([turn.request])[0])

    stopping = real_pipeline.texts.cautions["stopping_treatment"]
    assert ask("can i stop my methotrexate and just fix my gut instead").cautions == (stopping,)
    why = ask("why not?")
    assert why.cautions == (stopping,)
    assert all(real_pipeline.detector.advises_care(q.text) for q in why.quotes)
    new_topic = ask("what foods help leaky gut")
    assert new_topic.cautions == () and new_topic.quotes
    assert ask("and for how long?").cautions == ()  # the new topic's follow-up is not told
    # A newcomer's trial: "what about lupus, my sister has it" names a subject of its own, and
    # got the caution alone; "instead" still puts something in the treatment's place.
    assert ask("can i stop my methotrexate and just fix my gut instead").cautions == (stopping,)
    lupus = ask("what about lupus, my sister has it")
    assert lupus.cautions == () and lupus.quotes
    assert ask("can i stop my methotrexate and just fix my gut instead").cautions == (stopping,)
    assert ask("and gluten free instead?").cautions == (stopping,)
    # ... and a supplement put in the place of a medicine the last question named (a newcomer's
    # trial), while the same words after no medicine call for no caution.
    ask("I take ibuprofen every day for my joint pain. Is that hurting my gut?")
    assert ask("what about fish oil instead?").cautions == (stopping,)
    assert ask("what foods help leaky gut").cautions == ()
    assert ask("what about fish oil instead?").cautions == ()


def test_cautions_for_a_treatment_already_stopped_or_put_off_and_for_a_doctor_contradicted(
    real_pipeline,
):
    stopped, put_off, contradicted, not_contradicted = real_pipeline.answer_batch(
        [
            "i stopped my methotrexate 2 weeks ago and started a gut protocol, my joints are a "
            "bit worse, is that the gut healing?",
            "her rheumatologist wants to start methotrexate, can we try diet first instead?",
            "My doctor says it is simply wear and tear. Is she wrong?",
            "my doctor told me to see a physio, will gut healing help too?",
        ]
    )
    cautions = real_pipeline.texts.cautions
    # Stopped already: tell the doctor now, not "do not stop it" as well; then only the
    # articles' advice to see a professional, no healing protocol.
    assert stopped.cautions == (cautions["stopped_treatment"],)
    assert all(real_pipeline.detector.advises_care(q.text) for q in stopped.quotes)
    assert put_off.cautions == (cautions["stopping_treatment"],)
    assert contradicted.cautions == (cautions["doubt"],)
    assert not_contradicted.cautions == ()


def test_warning_signs_on_a_weekly_medicine_go_to_the_prescriber_today_not_poison_control(
    real_pipeline,
):
    conversation = Conversation(ttl=300)

    def ask(message):
        turn = conversation.plan("c", message)
        return conversation.settle(turn, real_pipeline.answer_batch([turn.request])[0])

    warning = real_pipeline.texts.cautions["treatment_warning_signs"]
    sores = ask("Im on methotrexate and its giving me nausea and mouth sores. is my gut leaking?")
    assert sores.cautions == (warning,) and not sores.urgent_advice
    assert all(real_pipeline.detector.advises_care(q.text) for q in sores.quotes)
    # ... and it leads the follow-up about the dose, instead of "the articles give no doses".
    assert ask("should i skip this weeks dose").cautions == (warning,)
    # An overdose told with the same signs is still one.
    overdose = real_pipeline.answer(
        "I took my weekly methotrexate every day this week by mistake and now I have mouth sores"
    )
    assert "poison" in " ".join(overdose.urgent_advice)


def test_a_childs_medicine_and_a_bare_how_much_stay_with_the_follow_up(real_pipeline):
    conversation = Conversation(ttl=300)

    def ask(message):
        turn = conversation.plan("c", message)
        return conversation.settle(turn, real_pipeline.answer_batch([turn.request])[0])

    cautions = real_pipeline.texts.cautions
    assert ask("can i give my 4 year old probiotics for tummy aches").cautions == (
        cautions["child_medicine"],
    )
    how_much = ask("how much?")
    assert set(how_much.cautions) == {cautions["dose"], cautions["child_medicine"]}
    assert how_much.quotes == ()


def test_a_caution_said_in_place_of_another_leaves_it_out(tmp_path):
    edited = tmp_path / "cautions.toml"
    edited.write_text(
        '[[caution]]\nid = "stopped_treatment"\nreplaces = ["stopping_treatment"]\n'
        'any = ["quit"]\n\n[[caution]]\nid = "stopping_treatment"\nany = ["quit"]\n\n'
        '[[caution]]\nid = "doubt"\nany = ["nonsense"]\n',
        encoding="utf-8",
    )
    cautions = load_cautions(edited)
    assert cautions.find("I quit my tablets") == ("stopped_treatment",)
    assert cautions.find("I quit my tablets, nonsense") == ("stopped_treatment", "doubt")


def test_a_cautions_file_naming_a_caution_without_wording_is_a_one_line_error(tmp_path):
    edited = tmp_path / "cautions.toml"
    edited.write_text('[[caution]]\nid = "new_one"\nany = ["x"]\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"^CAUTIONS_FILE: caution 'new_one' .* texts\.toml"):
        load_cautions(edited, known_ids=("stopping_treatment",))
    edited.write_text('[[caution]]\nid = "stopping_treatment"\nany = ["("]\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"^CAUTIONS_FILE: .* bad pattern"):
        load_cautions(edited, known_ids=("stopping_treatment",))
    edited.write_text('[[caution]]\nid = "stopping_treatment"\nquotes = "some"\n', "utf-8")
    with pytest.raises(ConfigError, match=r"^CAUTIONS_FILE: .* use 'all', 'care' or 'none'"):
        load_cautions(edited, known_ids=("stopping_treatment",))
    edited.write_text('[[caution]]\nid = "stopping_treatment"\nremembered = "always"\n', "utf-8")
    with pytest.raises(ConfigError, match=r"^CAUTIONS_FILE: .* use true, false or 'follow_up'"):
        load_cautions(edited, known_ids=("stopping_treatment",))


def test_a_pet_is_for_a_vet_and_a_pregnancy_for_a_midwife(real_pipeline):
    dog, rabbit, pregnant, breastfeeding, probiotics = real_pipeline.answer_batch(
        [
            "how do I stop my dog barking",
            "my rabbit stopped hopping and won't eat, could it be inflammation?",
            "I am pregnant, is zinc safe?",
            "I'm breastfeeding, can I take L-glutamine?",
            "pregnant with sore knees, will probiotics help?",
        ]
    )
    texts = real_pipeline.texts
    assert dog.status == "unmentioned" and dog.quotes == ()
    assert dog.notice == texts.reply("unmentioned_animals", subject="your dog")
    assert "vet" in dog.escalation and "doctor" not in dog.notice
    # ... and no passage about people follows as if it were about the animal.
    assert rabbit.status == "unmentioned" and rabbit.quotes == () and "vet" in rabbit.notice
    for answer in (pregnant, breastfeeding, probiotics):
        assert answer.status == "unmentioned"
        assert answer.notice == texts.reply("unmentioned_pregnancy")
        assert "midwife" in answer.notice
        # ... and nothing is quoted as if it said what is safe in pregnancy, not even "in
        # general" (the healing steps name probiotics).
        assert answer.quotes == ()
    # Prices, brands and insurance are said to be beyond the articles, with nothing quoted
    # (dev30: "which brand of probiotic" got what probiotics do).
    for question in (
        "Which brand of probiotic is best for leaky gut?",
        "How much does a leaky gut test cost?",
        "Does health insurance cover a gut microbiome test?",
        "Which probiotic brand is better, Culturelle or Align?",
    ):
        costs = real_pipeline.answer(question)
        assert costs.status == "unmentioned" and costs.quotes == (), question
        assert costs.notice == texts.reply("unmentioned_costs_and_brands", subject=costs.subject)
    # ... but a brand new diagnosis, missing work one cannot afford, or "the cost of" are no
    # prices (review 11).
    for question in (
        "I've got a brand new diagnosis of RA, can gut health help?",
        "I can't afford to keep missing work with these joints, can improving gut health reduce "
        "joint pain?",
        "Is leaky gut the cost of eating too much sugar?",
    ):
        assert real_pipeline.answer(question).status == "answered", question


@pytest.mark.parametrize(
    ("message", "status"),
    [
        ("", "empty"),
        ("   \n\t  ", "empty"),
        ("🧪🧬🧫", "no_words"),
        ("?!", "no_words"),
        ("leaky gut " * 1000, "too_long"),
        ("¿El intestino permeable causa dolor en las articulaciones?", "language"),
        ("Что такое дырявый кишечник?", "language"),
    ],
)
def test_strange_input_gets_a_short_reply_and_never_a_quote(real_pipeline, message, status):
    answer = real_pipeline.answer(message)
    assert answer.status == status and answer.quotes == () and not answer.urgent
    assert answer.notice and len(answer.notice) < 200
    assert_safety_texts(answer, real_pipeline)


def test_urgency_is_checked_even_in_a_message_too_long_to_answer(real_pipeline):
    answer = real_pipeline.answer("blah " * 2000 + " I have crushing chest pain")
    assert answer.status == "too_long" and answer.urgent


def test_html_markdown_and_control_characters_are_just_text(real_pipeline):
    answer = real_pipeline.answer(
        "<b>can</b> **leaky gut**\x00\x1b[31m cause `joint pain`?</script>"
    )
    assert answer.answered
    assert "\x00" not in answer.question and "\x1b" not in answer.question
    for quote in answer.quotes:
        assert_verbatim(quote)


def test_more_passages_continue_where_the_answer_stopped(real_pipeline):
    first = real_pipeline.answer("how does the gut affect joint pain")
    assert first.has_more
    more = real_pipeline.answer("how does the gut affect joint pain", offset=3)
    assert more.answered
    shown = {(q.source_path, q.start) for q in first.quotes}
    assert not shown & {(q.source_path, q.start) for q in more.quotes}
    exhausted = real_pipeline.answer("how does the gut affect joint pain", offset=300)
    assert exhausted.status == "no_more" and exhausted.notice == real_pipeline.texts.reply(
        "no_more"
    )


def test_json_follows_the_contract(real_pipeline):
    data = answer_to_json(real_pipeline.answer("what supplements help the gut lining?"))
    assert {"question", "answered", "urgent", "quotes", "escalation", "disclaimer"} <= set(data)
    assert data["answered"] is True and data["urgent"] is False
    for quote in data["quotes"]:
        assert set(quote) == {
            "text",
            "doc_id",
            "title",
            "section",
            "source_path",
            "start",
            "end",
            "score",
            "marks",
        }
        for mark in quote["marks"]:  # the answering sentences, inside the quote
            assert quote["start"] <= mark["start"] < mark["end"] <= quote["end"]
        assert not quote["source_path"].startswith("/")
    json.dumps(data)  # serialisable as it is


def test_asking_in_other_words_or_whether_i_have_it_is_answered_by_what_quotebot_can_do(
    real_pipeline,
):
    cautions = real_pipeline.texts.cautions
    simpler, have, how, checked, means = real_pipeline.answer_batch(
        [
            "what is leaky gut? i dont understand, can you explain it simpler",
            "have i got leaky gut?",
            "how do i know if i have leaky gut",
            "could i have it checked by my GP",
            "what does it mean for my knees",
        ]
    )
    # Quotebot cannot reword the articles nor diagnose: it says so, and still quotes them.
    assert simpler.cautions == (cautions["own_words"],) and simpler.quotes
    assert have.cautions == (cautions["diagnosis"],) and have.quotes
    assert how.cautions == (cautions["diagnosis"],)
    assert checked.cautions == () and means.cautions == ()


def test_a_trade_named_by_a_subject_is_no_subject(real_pipeline):
    """Blind dev91: "yoga teacher here" was told the articles do not mention yoga."""
    answer = real_pipeline.answer(
        "yoga teacher here — does this mean a whole-body approach is the way to get lasting relief?"
    )
    assert answer.status == "answered" and "holistic approach" in answer.quotes[0].text
    assert real_pipeline.answer("is yoga good for my knees?").subject == "yoga"


def test_a_question_asked_on_a_condition_after_a_story_is_answered_whole(real_pipeline):
    """Blind dev91: "if I get my gut sorted out, will the joint pain go down?" after IBS was read
    as "will the joint pain go down?", and quoted what causes joint pain."""
    answer = real_pipeline.answer(
        "I have IBS and achy joints. if I get my gut sorted out, will the joint pain go down?"
    )
    assert "IBS" in answer.notice
    assert answer.quotes and answer.quotes[0].text.startswith("It may reduce pain")


def test_the_other_part_of_a_two_part_question_is_answered_after_the_notice(real_pipeline):
    texts = real_pipeline.texts
    both = real_pipeline.answer(
        "how long does it take to heal leaky gut and can i drink alcohol while doing it"
    )
    # The articles never mention alcohol: said first; then what answers the rest, introduced so.
    assert both.status == "unmentioned" and both.subject == "alcohol"
    assert both.intro == texts.reply("rest_intro")
    assert any("changes within weeks" in quote.text for quote in both.quotes)
    # One question about it alone keeps the general wording and at most one general passage.
    alone = real_pipeline.answer("is turmeric good for leaky gut? does it take long to work")
    assert alone.intro != texts.reply("rest_intro") and len(alone.quotes) <= 1


@pytest.mark.parametrize(
    ("message", "rest"),
    [
        ("what foods help leaky gut and is coffee ok", "what foods help leaky gut"),
        ("can i take turmeric? and how long does healing take", "and how long does healing take"),
        # A story before it, a part that only tells, or one that points back: no other part.
        ("I took a lot of antibiotics last year and my gut flora is probably off. Could that be "
         "why my elbows ache?", None),
        ("is soy bad for men? my mate says it messes with your hormones", None),
        ("is turmeric good for leaky gut? does it take long to work", None),
        ("is turmeric good for leaky gut", None),
        # Blind dev43: a part that chooses between what the other names, asks what it means,
        # how to do it or what it affects leans on it.
        ("kefir or kombucha, which one is better for gut bacteria", None),
        ("My CRP came back at 12 on my last blood test. Is that high, and what does it mean for "
         "my joints?", None),
        ("what works better for stress with autoimmune disease, yoga or meditation? and how "
         "often should i do it", None),
        ("does crohns disease cause joint pain and which joints does it usually affect", None),
        ("My doctor offered a cortisone injection in my knee. Does it work and how often can you "
         "have them?", None),
        # Review 14: a pronoun inside a condition leans on nothing; a part that leans back is left
        # out, and one that stands alone is still read.
        ("can i drink coffee with leaky gut and what foods should i avoid if i have it",
         "what foods should i avoid if i have it"),
        ("my CRP is high, what does it mean and can leaky gut cause inflammation?",
         "can leaky gut cause inflammation?"),
        # Blind dev91: a condition and the question asked on it are one part.
        ("I have IBS and achy joints. if I get my gut sorted out, will the joint pain go down?",
         None),
    ],
)  # fmt: skip
def test_a_question_is_split_only_where_its_parts_ask_on_their_own(real_pipeline, message, rest):
    from bot.answering.question_parts import other_part

    assert other_part(message, real_pipeline.corpus.subjects) == rest


@pytest.mark.parametrize(
    ("message", "asking"),
    [
        ("Sceptical. My physio said my gut might have something to do with my sore ankles. How "
         "would your stomach even talk to your ankles??",
         "How would your stomach even talk to your ankles??"),
        # One sentence, one too short to say anything alone, one that asks about the story.
        ("how would my stomach talk to my ankles?", None),
        ("My knees are bad and I eat a lot of bread. Could it?", None),
        ("I live on ready meals and crisps. Could that be hurting my gut and joints?", None),
        # What follows a condition is what is asked, unless it points back into it.
        ("Right. And if I cut out the bread, how long before I'd notice anything?",
         "how long before I'd notice anything?"),
        ("if leaky gut is real, why do doctors ignore it?", None),
        # ... but "is it normal" asks in general.
        ("I cut out gluten three weeks ago. Is it normal for this to take longer?",
         "Is it normal for this to take longer?"),
        # A question told, not asked (blind dev67).
        ("My son is 16, plays football and takes Ritalin for ADHD. He's doing a school project "
         "and wants to know what the gut lining actually does.",
         "He's doing a school project and wants to know what the gut lining actually does."),
    ],
)  # fmt: skip
def test_a_story_told_first_has_its_asking_sentence_read_alone(message, asking):
    from bot.answering.stories import asking_sentence

    assert asking_sentence(message) == asking


@pytest.mark.parametrize(
    ("message", "name", "asked"),
    [
        ("Is turmeric good for joint inflammation?", "turmeric", True),
        ("Should I be taking glucosamine and chondroitin for my knees?", "glucosamine", True),
        ("What are the early warning signs of Crohn's disease?", "Crohn's disease", True),
        # The last clause that asks, after a story told in the same sentence.
        ("been constipated 4 days now, is senna ok or does it make your bowels lazy??", "senna",
         True),
        ("I'm doing 16:8 intermittent fasting and my friend says it fixes inflammation. Does "
         "fasting actually lower inflammation?", "fasting", True),
        # "just" after it says something else; a choice between what the story named; what
        # follows "whether" (dev33).
        ("is turmeric actually good for joint pain or is it just hype", "turmeric", True),
        ("My rheumatologist wants to start me on methotrexate but I read hydroxychloroquine is "
         "gentler. Which one is better for rheumatoid arthritis?", "methotrexate", True),
        ("Hello, I would like to ask whether the keto diet is a good idea for autoimmune joint "
         "pain. Thank you.", "keto", True),
        # "does it actually work?" about what the message named.
        ("My friend swears by turmeric for her arthritis. Does it actually work?", "turmeric",
         True),
        ("Turmeric - does it help joint pain?", "Turmeric", True),
        # What is asked of it after examples of it, or how it is treated (blind dev41).
        ("Do nightshades like tomatoes and peppers make arthritis flare?", "nightshades", True),
        ("I have Crohn's and my ankles swell during flares. How is joint pain from Crohn's "
         "treated?", "Crohn's", True),
        # "the difference between X and Y" weighs nothing against the articles (dev35).
        ("What's the difference between SIBO and leaky gut?", "SIBO", True),
        # Told as the story's, not asked about.
        ("I took a lot of antibiotics last year. Could that be why my elbows ache?",
         "antibiotics", False),
        ("after antibiotics my gut bugs are messed up and my joints ache, connected?",
         "antibiotics", False),
        ("i have hashimotos and my gut is a mess too, is that common in autoimmune people?",
         "hashimotos", False),
        # Weighed against what the articles answer in general.
        ("is just popping painkillers for my sore joints enough", "painkillers", False),
        ("whats the point of looking after my gut instead of just popping painkillers",
         "painkillers", False),
        ("why not just take painkillers for joint pain", "painkillers", False),
    ],
)  # fmt: skip
def test_what_a_question_asks_about_is_told_from_its_story(message, name, asked):
    from bot.answering.stories import asks_about

    assert asks_about(message, name) is asked


def test_a_question_about_what_the_articles_never_mention_gets_no_general_passage(
    real_pipeline,
):
    """Blind sets dev30 and dev32: "Is turmeric good for joint inflammation?" was told the
    articles do not mention turmeric, then quoted the summary on relief from joint pain (8 of 20
    out-of-scope questions were so "answered"). Nothing the articles say answers it."""
    for question in (
        "Is turmeric good for joint inflammation?",
        "Does glucosamine rebuild cartilage?",
        "should i try the keto diet for my arthritis",
        "Can Crohn's disease cause arthritis?",
        "Is there a blood or urine test that shows whether I have leaky gut?",
        "does cracking my knuckles give you arthritis",
        "My rheumatologist wants to start me on methotrexate but I read hydroxychloroquine is "
        "gentler. Which one is better for rheumatoid arthritis?",
        # A part of the body asked about; a treatment "it" stands for; a second part that asks
        # what only the treatment has (blind dev36, dev37).
        "does lupus damage the kidneys",
        "I was diagnosed with RA last year and my rheumatologist put me on methotrexate. Does it "
        "damage the gut lining?",
        "My hip is completely worn out. What are the surgery options and how long is recovery?",
        # Blind dev38: a condition, an exercise, a treatment "it" stands for, an aid, weight,
        # permits.
        "my 6yo has a swollen knee for 2 weeks, how do i know if its juvenile arthritis",
        "can i keep running during an RA flare or should i rest",
        "My orthopedist suggested a knee replacement. At 58, is it too early?",
        "heat or ice for a swollen joint?",
        "how long does it take to recover after a hip replacement",
        "I'm 40 pounds overweight, would losing weight help my knee osteoarthritis?",
        # Review 13: a part of the body asked as people put it.
        "does leaky gut mess with your liver?",
        # Blind dev39: a second sentence naming the tests, after one asking how to be tested; an
        # exercise weighed only against stopping it.
        "how do i get tested for leaky gut? is there a blood or urine test?",
        "Is it okay to work out during a rheumatoid arthritis flare, or should I rest completely?",
        "can i keep running marathons with psoriatic arthritis or should i stop",
        # Blind dev40: a water fast, what a test result means, gaining weight.
        "Would a 3 day water fast help reset my gut?",
        "I tested positive for HLA-B27, what does that mean?",
        "Can a leaky gut make you gain weight?",
        # Blind dev43 and dev44: what a medicine changes, what a test costs, one weighed against
        # another, a choice between two, a part that leans on the other.
        "does hydroxychloroquine change your gut bacteria",
        "does humira mess with the gut microbiome",
        "how much does a microbiome stool test cost and does insurance cover it",
        "kefir or kombucha, which one is better for gut bacteria",
        "swimming or cycling, which is better for sore knees",
        "what works better for stress with autoimmune disease, yoga or meditation? and how often "
        "should i do it",
        "Is a low FODMAP diet better than a gluten free one for gut inflammation?",
        "My CRP came back at 12 on my last blood test. Is that high, and what does it mean for my "
        "joints?",
        "does crohns disease cause joint pain and which joints does it usually affect",
        "i have ankylosing spondylitis, is it true klebsiella bacteria in the gut is behind it",
        # Blind dev47: a claim then "True?", what a result means, a choice between two tests.
        "I heard tomatoes and other nightshades make arthritis worse. True?",
        "My rheumatoid factor came back positive. What does that result mean?",
        "Do I need an MRI or is an X-ray enough for a sore knee?",
        # Blind dev48: what a medicine taken is doing, a claim then "true or myth?".
        "i take ibuprofen pretty much every day for my knees. is that wrecking my stomach lining?",
        "read that tomatoes potatoes and peppers (nightshades) make arthritis worse. true or myth?",
        # Blind dev49: "could that be what's damaging …" after a medicine taken; TMJ.
        "been taking ibuprofen/naproxen most days for my knees for years. could that be what's "
        "damaging my gut lining?",
        "My jaw clicks and aches when I chew, is TMJ linked to autoimmune stuff?",
        # Blind dev42: what a habit raises, what a test checks for.
        "does smoking raise your chances of getting RA",
        "which blood test checks for coeliac disease, and do I have to keep eating gluten before "
        "it?",
        # Blind dev50 and dev51: a few words that only name things, "has it helped anyone?",
        # the thing left out where it asks beside supplements told before, after "but which".
        "hashimotos and leaky gut",
        "IBS and knee pain connected?",
        "celiac vs leaky gut whats the difference",
        "AS patient here, has acupuncture helped anyone with the lower back pain",
        "psoriasis + psoriatic arthritis here. trying the gut healing route with collagen and "
        "zinc. anyone know if it's ok to do this alongside phototherapy sessions?",
        "my gut bacteria test says low bifidobacteria. i get that imbalance is bad for joints but "
        "which foods raise bifido specifically?",
        "does lupus make ur hair fall out",
        # Blind dev58 and dev59: "could it be damaging …" after a medicine taken; "does that
        # mean …?" and "can leaky gut cause those too?" after a condition or symptoms told.
        "I take ibuprofen almost every day for my knees. Could it be damaging my gut lining?",
        "I have IBS with a lot of bloating. Does that mean my gut is leaky?",
        "Besides the joints, I have constant brain fog and fatigue. Can leaky gut cause those "
        "too?",
        "Can taking zinc long term lower your copper levels?",
        "I chew sugar-free gum all day. Does the sorbitol in it hurt the gut?",
        "Does turmeric actually help joint inflammation, and do you really need to take black "
        "pepper with it for it to absorb?",
        # Blind dev61: a kind of medicine told before, a removed organ, a hormone, a sport asked.
        "I've been on omeprazole for acid reflux for three years. Does that kind of medicine "
        "affect the gut lining?",
        "I had my gallbladder removed two years ago. Could that have changed my gut bacteria?",
        "I'm 51, going through menopause, and suddenly all my joints ache. Is this from the drop "
        "in estrogen?",
        "I swim three times a week to stay active. Is the chlorine in pools harmful to my gut "
        "bacteria?",
        # Blind dev71: "could that be giving me …", "does this actually coat …", formula.
        "I've taken omeprazole every day for heartburn since 2019. Could that be giving me leaky "
        "gut?",
        "A friend recommended slippery elm. Does this actually coat the gut lining?",
        "My vitamin D came back at 18 ng/mL. Could that be why my joints ache?",
        "I started taking metformin. Could that be why my stomach is upset?",
        # Blind dev70: keeping on with a condition told, a tattoo, cold water asked about.
        "I play Sunday league football and was just diagnosed with patellar tendinitis. Can I "
        "keep playing with it?",
        "I was diagnosed with psoriatic arthritis last month. Can I still get tattoos?",
        "I've joined a sea swimming group that goes in all winter. Does cold water actually help "
        "with inflammation?",
        # Blind dev66: "does that actually work?", "could that be making …", "do they wear down".
        "My grandma swears by rubbing warm castor oil on her knees. Does that actually work?",
        "I drink three coffees a day. Could that be making my joints worse?",
        "I had two cortisone shots in my knee this year. Do they wear down the cartilage?",
        # Whatever is asked of it, in the asking clause and not told as the story's.
        "How long does it take to recover from a total knee replacement?",
        "Could you give me a simple 10 minute morning stretching routine for stiff joints?",
    ):
        answer = real_pipeline.answer(question)
        assert answer.status == "unmentioned" and answer.quotes == (), question
        # ... named, as the person would say it back ("cracking your knuckles").
        assert answer.notice and answer.subject.split()[0] in answer.notice
    # ... a permit, and a strain (read as "probiotics strain", dev39), in words of their own.
    # Blind dev56: whether a group gets it, whatever else the message tells.
    answer = real_pipeline.answer(
        "Can teenagers get lupus? My daughter is 15 and has a rash on her face"
    )
    assert answer.status == "unmentioned" and answer.quotes == () and "teenagers" in answer.notice
    for question in (
        "can i get a disabled parking permit for arthritis",
        "My job means standing all day. Should I stop working because of my rheumatoid arthritis?",
        "I do a physical job. Will rheumatoid arthritis eventually stop me from working?",
    ):
        answer = real_pipeline.answer(question)
        assert answer.status == "unmentioned" and answer.quotes == ()
        assert answer.notice == real_pipeline.texts.reply("unmentioned_work_and_benefits")
    answer = real_pipeline.answer(
        "Which specific probiotic strain works best for rheumatoid arthritis?"
    )
    assert answer.status == "unmentioned" and answer.quotes == ()
    assert answer.notice == real_pipeline.texts.reply("unmentioned_costs_and_brands")
    # ... but where the thing is a part of the story, is weighed against what the articles
    # answer ("or is it the rainy weather?" beside stress, review 12), or stands beside a
    # subject they mention, what they say in general still answers the rest, introduced as
    # general.
    for question in (
        "Can stress make my joints worse, or is it the rainy weather?",
        "Is it my gut or the rainy weather that makes my joints ache?",
        "Can cracking my knuckles or leaky gut cause arthritis?",
        "after antibiotics my gut bugs are messed up and my joints ache, connected?",
        "is just popping painkillers for my sore joints enough",
        "i have hashimotos and my gut is a mess too, is that common in autoimmune people?",
        "Are probiotic yoghurts or supplements worth taking for a leaky gut?",
        "is kefir or those good bacteria capsules worth it for joint stuff",
        "if my gut bacteria are out of whack, like after antibiotics, can that affect my joints",
    ):
        answer = real_pipeline.answer(question)
        assert answer.status == "unmentioned" and answer.quotes, question
    # ... and a part of the body told in passing is no subject of the question.
    answer = real_pipeline.answer("my skin is dry and my knees ache, could my gut be behind both?")
    assert answer.status == "answered" and answer.quotes
    # ... nor is a few words naming only what the articles speak of, nor a question whose thing
    # left out is told in the story beside the supplements it asks about.
    for question in (
        "leaky gut and joint pain connected?",
        "My wife drinks collagen in her coffee for her joints. Does it do anything for the gut?",
    ):
        answer = real_pipeline.answer(question)
        assert answer.quotes, question


@pytest.mark.parametrize(
    ("message", "said"),
    [
        # What is asked of a subject the articles speak of, in words they never use (dev35-37).
        ("Is leaky gut contagious? My husband and I both have symptoms.", "caught"),
        ("is leaky gut something you inherit from your parents", "runs in families"),
        ("How do doctors officially diagnose leaky gut?", "diagnosed"),
        ("is there a test to find out if i have leaky gut?", "diagnosed"),
        ("Why do my joints hurt more when it rains?", "weather"),
        ("Hi! What's the best time of day to take collagen, morning or night?", "time of day"),
        ("I healed my gut last year and the pain went away, but now it's back. Can it relapse "
         "and why?", "comes back"),
        ("Who first came up with the idea of a leaky gut, and when?", "first described"),
        ("Does having an autoimmune joint disease shorten your life expectancy?", "fatal"),
        ("Can a leaky gut heal on its own if I just leave it alone?", "without treatment"),
        ("how do i get referred to a rheumatologist on the NHS", "referral"),
        # Told as part of the story, not asked.
        ("I was diagnosed with leaky gut last year. What should I eat?", None),
        ("what should i eat now that i've been diagnosed with leaky gut?", None),
        ("what can i do about the pain after my diagnosis?", None),
        ("Since my diagnosis my knees ache. Could my gut be the reason?", None),
        ("My joints always ache when it rains.", None),
        ("my best mate keeps saying it'll go away on its own. should he be seeing someone", None),
        # Weighed, not against what the articles answer, but against another aspect they never
        # say (dev38).
        ("why do my joints hurt more when it's cold and rainy", "weather"),
        # Words that mean something else here: a fever, a long time.
        ("is joint pain with a temperature serious", None),
        ("does being slightly puffy for ages wear out my joints faster", None),
        # Review 13: the articles answer these (research findings, toxins reaching the blood,
        # the pain recurring, a diagnosis told after the question, whether to see a doctor, a
        # diet that treats it).
        ("What have studies discovered about gut health and rheumatoid arthritis?", None),
        ("How are toxins transmitted from the gut into the blood?", None),
        ("Can a leaky gut cause recurring joint pain?", None),
        ("What should I eat after my RA diagnosis?", None),
        ("What happens if leaky gut is left alone?", None),
        ("should i get referred to someone if my joint pain keeps getting worse?", None),
        ("Can joint pain caused by leaky gut heal on its own once I remove inflammatory foods?",
         None),
        # ... and these they do not, worded as people write.
        ("can leaky gut kill u?", "fatal"),
        ("does RA skip a generation?", "runs in families"),
        ("do joints hurt more when the barometer drops?", "weather"),
        ("should I take it in the morning?", "time of day"),
        ("my joints are stiff in the morning, is that my gut?", None),
        # Blind dev41: a possessive inside the asking clause asks ("shorten my life expectancy"),
        # and whom it affects, and which specialist.
        ("I was diagnosed with lupus at 30. Will it shorten my life expectancy?", "fatal"),
        ("is it in my genes?", "runs in families"),
        ("How common is rheumatoid arthritis in the general population?", "how common"),
        ("why do women get autoimmune diseases more often than men", "whom it affects"),
        ("should i see a rheumatologist or a gastroenterologist first", "specialist"),
        # Blind dev43 and dev44: what doctors think, which bacteria, how much sleep, which test,
        # a sign of it, a cure, coming back again.
        ("Do gastroenterologists actually accept leaky gut as a real diagnosis?", "doctors think"),
        ("which gut bacteria actually mimic joint tissue in molecular mimicry", "which bacteria"),
        ("how many hours of sleep do i need a night for my gut to heal", "sleep"),
        ("What test can tell me for sure if I have leaky gut?", "diagnosed"),
        ("Is constant bloating a sign of leaky gut?", "signs of it"),
        ("Is there a cure for rheumatoid arthritis?", "cured"),
        ("Once the gut is healed, can leaky gut come back again?", "comes back"),
        # ... and what the articles do answer in those words.
        ("leaky gut isn't even a real diagnosis is it", None),
        ("Does it matter what kind of bacteria live in my intestines for my sore knees?", None),
        ("does healing leaky gut cure joint pain", None),
        ("is there a cure for leaky gut?", None),
        # Blind dev46: how the studies were done.
        ("were those randomized controlled trials?", "how they were done"),
        ("What have studies found about gut health and rheumatoid arthritis?", None),
        # Review 14: what the articles answer in an aspect's words (signs many people have, the
        # sleep one gets, what bacteria do, one's own relapse or genetic RA, a diagnosis that
        # opens the clause) ...
        ("do a lot of people with autoimmune conditions have signs of leaky gut?", None),
        ("does getting only 5 hours of sleep a night hurt my gut and joints?", None),
        ("what bacteria do in our gut?? whats their job", None),
        ("what should i cut out during my relapse to calm my joints down", None),
        ("does healing the gut help my genetic RA?", None),
        ("with my diagnosis, what should i eat?", None),
        # ... and what they do not, worded as review 14 found people write it.
        ("is joint pain worse with humidity?", "weather"),
        ("do people with a family history of RA get leaky gut more?", "runs in families"),
        ("can RA be cured by fixing my gut?", "cured"),
        ("what kind of doctor should i see for leaky gut", "specialist"),
        ("how common is leaky gut", "how common"),
        ("will my leaky gut come back", "comes back"),
        ("does sugar kill the good bacteria in my gut?", "kills"),
        ("pls is leaky gut contagious", "caught"),
        # Blind dev47: which joints, side effects, taking things together, eating a food again.
        ("Which joints are usually hit first when the pain comes from the gut?", "which joints"),
        ("Are there any side effects from taking zinc supplements every day?", "side effects"),
        ("Is it okay to take zinc, collagen and L-glutamine all at the same time, or do they "
         "interfere with each other?", "taken together"),
        ("Once my gut has healed, can I go back to eating gluten?", "eaten again"),
        # Blind dev48: "whats" asks; taking it at another time; how long to stay off a food.
        ("i have lupus. whats the chance my daughter gets it too, is it genetic",
         "runs in families"),
        ("zinc makes me feel sick when i take it in the morning. can i take it with food or at "
         "night instead?", "time of day"),
        ("went gluten free 2 months ago. how long do i have to stay off it before i can try "
         "eating bread again", "eaten again"),
        # Blind dev49: the chances for someone in particular; a last question that points back
        # asks with the one before it.
        ("I have RA — what are the chances my kids will get it too?", "how likely"),
        ("why do my joints always ache more when it's about to rain? is that real or in my head",
         "weather"),
        # Blind dev50 and dev51: damage undone; hours of sleep in a phone's words.
        ("can damaged cartilage grow back", "undone"),
        ("can joint damage from RA be reversed once it's happened?", "undone"),
        ("how many hrs of sleep to heal ur gut", "sleep"),
        ("can leaky gut be reversed?", None),
        # Dev38 to dev49: what a result told before means, asked with or without a question mark.
        ("rheumatoid factor negative but anti-CCP positive, does that mean i have RA or not",
         "result means"),
        ("CRP 18 and ESR 40 on my last bloods, what counts as normal for someone with psoriatic "
         "arthritis?", "result means"),
        ("I have bloating and sore knees. Does that mean I have leaky gut?", None),
        # Blind dev52: a protocol beside a medicine taken ("I'm" is one word, normalised); age.
        ("My doctor has me on prednisone for a flare. Is it okay to start a gut-healing protocol "
         "while I'm on it?", "beside a treatment"),
        ("My mother is 83 and was just diagnosed with RA. Is a gut-healing diet safe for someone "
         "her age?", "age"),
        ("I'm 62 and spend all day in the garden. Isn't achy joints just normal wear and tear at "
         "my age?", None),
        # Blind dev54: a new trouble after starting something, "is that normal?"; not joints
        # that still ache (how long it takes, which the articles answer).
        ("Started probiotics three days ago and I'm really bloated. Is that normal?",
         "reaction"),
        ("started probiotics 2 weeks ago and my knees still hurt, is that normal??", None),
        ("I'm 78. Is leaky gut more common in older people?", "how common"),
        # Blind dev57: a lab test to confirm it; a food tried again.
        ("Is there a lab test that can confirm I have leaky gut?", "diagnosed"),
        ("After cutting out gluten, how long should I wait before trying it again?",
         "eaten again"),
        ("Should I see a doctor if my joint pain gets worse?", None),
        # Blind dev58 and dev59: the time of day, keeping them, around an operation, pain back.
        ("Why are my joints so stiff in the morning and better by lunch?", "time of day"),
        ("does the holey tummy thing cause my fingers to stiffen in the morning", None),
        ("Do probiotics need to be kept in the fridge?", "store"),
        ("I'm having a hip replacement in March. Should I stop my probiotics and collagen before "
         "the surgery, and when can I restart them?", "operation"),
        ("If I stop taking the supplements after my joints get better, will the pain come back?",
         "comes back"),
        ("my grandma is 84 with bad knees, is it too late for her to fix her gut at that age",
         "age"),
        # Blind dev66: growing out of it, adding a food back, how common a condition is.
        ("My teenage daughter was diagnosed with juvenile arthritis. Will she grow out of it?",
         "without treatment"),
        ("I stopped eating gluten a month ago. When can I try adding it back?", "eaten again"),
        ("how common is RA", "how common"),
        # Blind dev70: how many people in the world, meals around shifts, keeping on with it.
        ("How many people in the world have lupus?", "how common"),
        ("I work night shifts as a nurse and my digestion is a mess. How should I time my meals "
         "around my shifts?", "meal"),
        # Blind dev68: what a result told before means, its test named only as letters.
        ("my ANA came back positive 1:160 speckled. what does that mean??", "result means"),
    ],
)  # fmt: skip
def test_what_a_question_asks_that_the_articles_never_say_is_found(real_pipeline, message, said):
    from bot.answering.unsaid import asked_aspect

    corpus = real_pipeline.corpus
    found = asked_aspect(message, corpus.subjects, corpus.retriever.lexical.knows)
    assert (found is None) if said is None else (found is not None and said in found.said)


def test_an_aspect_asked_beside_what_the_articles_answer_gets_that_answered_after_the_notice(
    real_pipeline,
):
    from bot.answering.unsaid import asked_aspect

    """Review 13: "Is my joint pain genetic or could it be from my gut?" and "should I take
    L-glutamine and zinc for leaky gut, and what time of day?" were refused whole."""
    for question, said in (
        ("Is my joint pain genetic or could it be from my gut?", "runs in families"),
        ("Should I take L-glutamine and zinc for leaky gut, and what time of day?", "time of day"),
        (
            "Should probiotics be taken before or after meals, and do they help leaky gut?",
            "time of day",
        ),
    ):
        answer = real_pipeline.answer(question)
        assert answer.status == "unmentioned" and answer.quotes, question
        assert said in answer.notice and answer.intro == real_pipeline.texts.reply("rest_intro")
    # ... weighed against what they answer, likewise.
    for question in (
        "Can stress make my joints worse, or is it the rainy weather?",
        "Is it my gut or the rainy weather that makes my joints ache?",
    ):
        corpus = real_pipeline.corpus
        found = asked_aspect(question, corpus.subjects, corpus.retriever.lexical.knows)
        assert found is not None and found.rest, question
    # ... a part of the body weighed against the joints, a group against the gut: answered.
    for question in (
        "Does leaky gut affect the skin too, or just the joints?",
        "Do older people get joint pain just from aging, or can it be the gut?",
        "What causes joint pain if my kidneys and liver are fine?",
    ):
        assert real_pipeline.answer(question).quotes, question


def test_a_question_the_articles_never_answer_about_their_own_subject_quotes_nothing(
    real_pipeline,
):
    """Blind dev35 and dev36: "is leaky gut contagious?" named nothing the articles never
    mention, and was answered by the nearest passage about leaky gut."""
    for question, said in (
        ("Is leaky gut contagious?", "whether it can be caught or passed on"),
        ("Why do my joints hurt more when it rains?", "anything about the weather"),
        # Blind dev88: whether doctors diagnose it at all, and how it changes with the years.
        ("Is leaky gut an official diagnosis that doctors recognise?", "whether doctors recognise"),
        # A newcomer's trial: told the articles do not say how it is tested for.
        ("leaky gut isn't even a real diagnosis, is it?", "whether doctors recognise it"),
        ("Does the gut microbiome change as we get older?", "anything about age"),
    ):
        answer = real_pipeline.answer(question)
        assert answer.status == "unmentioned" and answer.quotes == (), question
        assert f"do not say {said}" in answer.notice
        assert answer.escalation and answer.disclaimer
    # ... while wear and tear from getting older is what they say ("wear and tear, aging").
    answer = real_pipeline.answer("Isn't joint pain just wear and tear from getting older?")
    assert answer.quotes and "aging" in answer.quotes[0].text
    # ... a thing it names in passing keeps its own notice, with nothing quoted under it.
    answer = real_pipeline.answer(
        "is there a test to find out if i have leaky gut? my naturopath mentioned a lactulose "
        "mannitol test"
    )
    assert answer.status == "unmentioned" and answer.quotes == ()
    assert "lactulose mannitol test" in answer.notice
    # ... and told, it is no question: what the articles say answers the rest.
    answer = real_pipeline.answer("I was diagnosed with leaky gut last year. What should I eat?")
    assert answer.status == "answered" and answer.quotes


def test_whether_a_group_of_people_gets_it_is_not_answered_in_general(real_pipeline):
    """Blind dev35 and dev36: "can kids get leaky gut?" was answered from what the articles
    say in general, which says nothing of children; one child's aching knees still are."""
    answer = real_pipeline.answer("Can children get a leaky gut too, or is it only an adult thing?")
    assert answer.status == "unmentioned" and answer.quotes == ()
    assert "children" in answer.notice
    answer = real_pipeline.answer("My daughter's knees ache all the time, what can cause that?")
    assert answer.quotes and "your daughter" in answer.notice
    # ... but one asked whether they can get it is not (review 13).
    answer = real_pipeline.answer("can my 6 year old get leaky gut?")
    assert answer.quotes == () and "your 6 year old" in answer.notice
    # ... nor a group asked of after a story about one of them (blind dev41).
    answer = real_pipeline.answer(
        "My 8 year old keeps complaining of tummy aches and sore knees. Can kids get leaky gut too?"
    )
    assert answer.quotes == () and "kids" in answer.notice
    # ... nor one told by an age after "a" (blind dev46), as a follow-up.
    (answer,) = real_pipeline.answer_batch(
        [
            Request(
                "is that normal for a 16 yr old",
                context="why do my joints hurt when my stomach is messed up",
            )
        ]
    )
    assert answer.status == "unmentioned" and "16 yr old" in answer.notice
    # ... asked as a follow-up too.
    (answer,) = real_pipeline.answer_batch(
        [Request("can kids get it?", context="can leaky gut cause joint pain?")]
    )
    assert answer.status == "unmentioned" and answer.quotes == () and "kids" in answer.notice
    # ... nor men or women (blind dev59).
    answer = real_pipeline.answer("Can men get lupus? I thought it was only women.")
    assert answer.status == "unmentioned" and answer.quotes == () and "men" in answer.notice


def test_a_story_told_first_does_not_drown_the_question(real_pipeline):
    """Read whole, the doctor's word and the joint outweigh the question (dev29); its asking
    sentence, read alone, finds the passage on the gut and immunity."""
    answer = real_pipeline.answer(
        "My doctor said my joint pain is probably 'systemic' rather than just in the joint. "
        "What's the gut got to do with immunity and inflammation?"
    )
    assert any("central role in immune regulation" in quote.text for quote in answer.quotes)
    # The asking sentence is read with its own subjects: "is it normal for this to take longer?"
    # asks how long, whatever the story cut out (dev24) ...
    longer = real_pipeline.answer(
        "I cut out gluten and sugar three weeks ago because of my sore wrists. So far I don't "
        "feel much different. Is it normal for this to take longer?"
    )
    assert any("changes within weeks" in quote.text for quote in longer.quotes)
    # A story's medicine the articles never mention is named, and an asking sentence that is,
    # alone, a question they are known to answer is answered as the rest of the question (trial
    # 15: not "what they say in general, which is not about it").
    texts = real_pipeline.texts
    detail = real_pipeline.answer(
        "I take ibuprofen most days for my wrists. What do your articles say about autoimmunity "
        "and the joints?"
    )
    assert detail.status == "unmentioned" and detail.subject == "ibuprofen"
    assert detail.intro == texts.reply("rest_intro")
    assert any("immune system mistakenly attacks" in quote.text for quote in detail.quotes)
    # ... and what follows it is not told of ibuprofen again, turn after turn.
    story = (
        "I take ibuprofen most days for my wrists. What do your articles say about autoimmunity "
        "and the joints?"
    )
    again = real_pipeline.answer_batch(
        [Request("Could my gut be what's triggering it?", context=story)]
    )[0]
    assert again.status == "answered" and again.notice is None and again.quotes
    # ... but a remembered follow-up that points back keeps the subject it points at, turns later
    # (review 11: "is it safe to take it long term?" lost ashwagandha).
    later = real_pipeline.answer_batch(
        [
            Request(
                "is it safe to take it long term?",
                context="Is ashwagandha good for joint pain? and how long does it take to work?",
            )
        ]
    )[0]
    assert later.status == "unmentioned" and later.subject == "ashwagandha"
    # A follow-up asking after a condition is answered for what it asks (trial 15).
    bread = real_pipeline.answer_batch(
        [
            Request(
                "Right. And if I cut out the bread, how long before I'd notice anything?",
                context="Is there really a link between the gut and joint pain?",
            )
        ]
    )[0]
    assert "changes within weeks" in bread.quotes[0].text
    # A food told in the story is seldom the question's subject: the asking sentence standing
    # alone is enough (trial 16); a condition keeps the general wording.
    crisps = real_pipeline.answer(
        "I eat a lot of bread and pasta, and crisps at night watching telly. What foods are "
        "inflammatory?"
    )
    assert crisps.subject == "crisps" and crisps.intro == texts.reply("rest_intro")
    assert any("refined sugar" in quote.text for quote in crisps.quotes)
    for question in (
        "I have Crohn's disease. How long does healing take?",
        "I had a cortisone shot last week. How long before my joints improve?",
    ):
        other = real_pipeline.answer(question)
        assert other.status == "unmentioned" and other.intro != texts.reply("rest_intro"), question
    # ... but "how long before I feel better?" after a medicine asks about the medicine.
    steroid = real_pipeline.answer(
        "I've been prescribed prednisone for my RA. How long before I feel better?"
    )
    assert steroid.status == "unmentioned" and steroid.intro != texts.reply("rest_intro")
    assert len(steroid.quotes) <= 1  # at most one general passage, introduced as general
    # ... nor what to take beside a medicine the story names (review 11).
    warfarin = real_pipeline.answer(
        "I'm on warfarin for my heart. Which supplements are good for healing the gut?"
    )
    assert warfarin.status == "unmentioned" and warfarin.subject == "warfarin"
    assert warfarin.intro == texts.reply("general_intro") and len(warfarin.quotes) == 1
    # ... and "will fixing my gut help it?" after a bunion asks about the bunion.
    bunion = real_pipeline.answer("I've got a bunion on my left foot. Will fixing my gut help it?")
    assert bunion.status == "unmentioned" and bunion.intro != texts.reply("rest_intro")
    assert len(bunion.quotes) <= 1
    # ... and, so read, only its best passage joins: nothing on autoimmunity under zinc.
    zinc = real_pipeline.answer(
        "I started taking zinc 3 weeks ago for my knees. How long before it works?"
    )
    assert any("changes within weeks" in quote.text for quote in zinc.quotes)
    assert zinc.quotes and all(
        "zinc" in q.text or "changes within weeks" in q.text for q in zinc.quotes
    )


@pytest.mark.parametrize(
    "question",
    ["is sugar bad for my gut", "I've got a real sweet tooth, should I cut back on sugar?"],
)
def test_a_question_naming_what_the_articles_name_is_answered_by_the_passage_naming_it(
    real_pipeline, question
):
    """The model puts "is sugar bad for my gut" below the bar (cosine about 0.31) although one
    passage names refined sugar among the foods to remove: the name is evidence enough for a
    lower bar, where every passage left names it."""
    answer = real_pipeline.answer(question)
    assert answer.status == "answered" and answer.quotes
    assert "refined sugar" in answer.quotes[0].text
    for quote in answer.quotes:
        assert "sugar" in quote.text
        assert_verbatim(quote)


def test_naming_a_thing_the_articles_name_does_not_answer_a_question_they_do_not(real_pipeline):
    for question in ("how do I bake sourdough bread", "what's a good recipe for sugar cookies"):
        assert not real_pipeline.answer(question).quotes


def _chat(pipeline, *messages):
    from bot.answering.conversation import Conversation

    conversation, answers = Conversation(), []
    for message in messages:
        turn = conversation.plan("chat", message)
        answers.append(conversation.settle(turn, pipeline.answer_batch([turn.request])[0]))
    return answers


def test_a_crisis_line_repeated_does_not_close_the_chat_and_a_figure_of_speech_ends_it(
    real_pipeline,
):
    crisis = real_pipeline.texts.urgent["crisis"]
    first, foods = _chat(
        real_pipeline, "I want to end it all", "what foods should I avoid for joint pain?"
    )
    assert first.urgent_advice == (crisis,) and not first.quotes
    # The line again, and the question answered under it.
    assert foods.urgent_advice == (crisis,) and "refined sugar" in foods.quotes[0].text
    said, meant, question = _chat(
        real_pipeline,
        "my joint pain is so bad I want to die lol. what helps?",
        "no im not suicidal its just an expression",
        "what foods should I avoid for joint pain?",
    )
    assert said.urgent_advice == (crisis,)
    assert not meant.urgent and not question.urgent and question.quotes


def test_after_an_emergency_is_it_my_gut_gets_the_advice_and_no_passage(real_pipeline):
    chest, spreading, gut = _chat(
        real_pipeline, "I have chest pain", "its spreading to my jaw", "is it my gut?"
    )
    assert chest.urgent and spreading.urgent
    assert gut.urgent_kinds == ("emergency",) and not gut.quotes
    # ... and so does "what should I do?" while someone is not breathing (trial 14).
    _, todo = _chat(
        real_pipeline,
        "does gluten cause joint pain? btw my dad just collapsed and isnt breathing",
        "what should i do?",
    )
    assert todo.urgent and not todo.quotes and not todo.has_more
    # Once a professional has seen to it, the advice is not repeated.
    blood, checked = _chat(
        real_pipeline,
        "I threw up blood this morning",
        "I went to A&E, they said its fine, just a small tear. Now, can zinc help leaky gut?",
    )
    assert blood.urgent and not checked.urgent
    assert any("zinc" in quote.text for quote in checked.quotes)
    # Said so: acknowledged, with what to do if it comes back, before the answer.
    assert checked.notice == real_pipeline.texts.reply("stood_down")
    *_, taken = _chat(
        real_pipeline,
        "my 80 year old dad fell and cant get up, his hip hurts a lot",
        "they took him to hospital, the doctors there are looking after him",
    )
    assert not taken.urgent and taken.notice == real_pipeline.texts.reply("stood_down")


def test_the_escalation_line_fits_the_warning_sign_and_what_a_follow_up_continues(real_pipeline):
    topics = {topic.name: topic.text for topic in real_pipeline.texts.escalation_topics}
    dad = real_pipeline.answer(
        "my dad winces when he moves his knees and has lost a lot of weight without trying, "
        "could it be his gut?"
    )
    assert dad.escalation == topics["gut"]  # weight loss, though his knees are named first
    _, fever = _chat(
        real_pipeline,
        "My mum is 82 and her hands are really stiff and swollen in the mornings",
        "She also has a temperature today, 38.5",
    )
    assert fever.escalation == topics["joints"]
    # A hot, swollen joint beats the pharmacist, though a medicine is named (trial 15); and
    # ibuprofen taken most days is no overdose.
    wrist = real_pipeline.answer(
        "My hands have been stiff every morning for months, and last week my right wrist was quite "
        "swollen and warm for two days. I've also been taking ibuprofen most days. What do your "
        "articles say about autoimmunity and the joints?"
    )
    assert wrist.escalation == topics["joints"] and not wrist.urgent


def test_under_an_emergency_thanks_is_still_told_to_call_and_a_mishap_is_no_emergency(
    real_pipeline,
):
    texts = real_pipeline.texts
    chest, thanks = _chat(
        real_pipeline, "I have crushing chest pain spreading to my left arm", "thanks"
    )
    assert chest.urgent and thanks.status == "small_talk"
    assert thanks.escalation == texts.escalation_urgent["emergency"]
    # The emergency a message tells is the answer: no "the articles do not mention blood
    # pressure … ask a pharmacist" beside "call now".
    pills = real_pipeline.answer("my 3 year old just swallowed some of my blood pressure pills")
    assert pills.urgent and pills.notice is None and pills.status != "unmentioned"
    # A sprain, and a message that says the ER has seen to it, raise nothing of their own.
    for message in (
        "I sprained my ankle",
        "I went to the ER and they said it was a small tear",
        # An autoimmune disease in everyday words is no self-harm (dev28).
        "My mother has lupus and I'm trying to understand it for her sake. She says her body is "
        "fighting itself. What does that actually mean in plain terms?",
        # Low spirits over stiff joints are no crisis, and a dog no longer walked is no injury
        # (dev29).
        "My husband can hardly do his gardening any more because his joints are so bad, and "
        "it's really getting him down. Is it common for joint pain to affect life this much?",
        "My dad's knees are shot. He can't walk the dog anymore. Could his gut be involved?",
    ):
        assert not real_pipeline.answer(message).urgent, message
    # ... while a fall that leaves someone unable to walk on it is still an emergency.
    assert real_pipeline.answer("I fell off my bike and now I can't walk on it").urgent
    # Trial 15's false alarms: sausage fingers and a husband who will not see a doctor.
    assert not real_pipeline.answer(
        "asking for my husband. he has psoriasis and now his fingers and one toe have gone "
        "sausage-y and sore. he won't go to the doctor lol. is this a gut thing?"
    ).urgent
    # "in my life" said in wonder is no crisis (trial 16), while a life one wants to end is one.
    assert not real_pipeline.answer(
        "I've never heard of it in my life. What actually is it?"
    ).urgent
    assert real_pipeline.answer("I have never been so tired of my life. I want it to end.").urgent
    # Calm examples copied from its other false alarms hid these, and were taken out (review 11):
    # every one is urgent.
    for message in (
        "the pain is getting me down so much I've thought about ending it",
        "the pain is getting me down and I'm fed up with living",
        "I'm at my wit's end, I just want it all to stop",
        "Thank you ever so much, dear. Goodbye forever.",
        "My son takes Ritalin for his ADHD and his little sister swallowed some of it",
        "My son takes Ritalin. He took his whole week's worth this morning.",
        "my dog just knocked over my tea and it scalded my baby's arm badly",
        "my dad can't walk anymore since he fell this morning and his hip hurts",
        "My dad is 84. He fell this morning and can't walk anymore. Should I wait and see?",
        "he tripped over the dog and can't walk any more, his hip is agony",
        "my toddler has food poisoning symptoms after eating berries from the garden, he is very "
        "drowsy",
        "I think I have food poisoning and I cannot stop vomiting, I have not kept water down for "
        "two days",
        "goodbye everyone, I've taken all my pills",
        "my daughter swallowed some of her brother's ritalin tablets",
        "he won't go to the doctor and now he can't breathe properly",
    ):
        assert real_pipeline.answer(message).urgent, message


def test_every_thing_the_articles_never_mention_is_named_and_a_childs_follow_up_keeps_the_child(
    real_pipeline,
):
    both = real_pipeline.answer("fish oil or turmeric for joint pain?")
    assert both.status == "unmentioned" and both.subject == "fish oil or turmeric"
    _, give = _chat(
        real_pipeline,
        "my 6 year old keeps saying her knees hurt, could it be leaky gut?",
        "should i give her probiotics?",
    )
    assert real_pipeline.texts.cautions["child_medicine"] in give.cautions


def test_a_passage_known_to_answer_the_question_is_not_dropped_for_a_lower_cosine(real_pipeline):
    """ "can stress make my joints worse?" is near a known question the stress sentence answers,
    but its cosine is more than the margin below the best passage's: it used to be left out, and
    "stress" found nothing but "metabolic stress" (trial 14)."""
    answer = real_pipeline.answer("can stress make my joints worse?")
    assert "Managing stress and improving sleep" in answer.quotes[0].text


def test_a_story_is_answered_without_a_subjects_file(fake_pipeline):
    """A pipeline made without the subject check (its default) reads a story's asking sentence
    too, without naming subjects (review 11: it raised AttributeError)."""
    from bot.answering.corpus_view import CorpusView

    fake_pipeline.swap(CorpusView(fake_pipeline.retriever, fake_pipeline.sources, None))
    answer = fake_pipeline.answer(
        "I cut out gluten three weeks ago. Is it normal for this to take longer?"
    )
    assert answer.status in ("answered", "no_answer")


def test_one_subject_named_in_several_words_is_named_once(real_pipeline):
    """Blind dev41: "flying long haul … on planes" was told "do not mention flying, long haul or
    on planes", as if three things were asked about."""
    answer = real_pipeline.answer(
        "flying long haul next month and my joints always swell on planes, any tips?"
    )
    assert answer.status == "unmentioned"
    assert "flying" in answer.notice and "long haul" not in answer.notice


@pytest.mark.parametrize(
    ("message", "small_talk"),
    [
        # Blind dev46: thanks beside words that speak of nothing the articles or the subjects do.
        ("neat, thanks", True),
        ("Thank you, young man.", True),
        ("thanks for being honest", True),
        ("thanks, very clear", True),
        ("ugh this bot is useless", True),
        # Blind dev55: thanks that says it helped (a word of the articles), "brb", praise.
        ("thank you so much, this helps", True),
        ("brb", True),
        ("Well, thank you, you're very clever.", True),
        # Blind dev89.
        ("I appreciate the clarity. Thank you.", True),
        ("Another chatbot. Wonderful.", True),
        # Blind dev129 and dev130: "Hi, quick one" was quoted "One possible answer lies in the
        # gut.", and "so" "Not exactly.".
        ("Hi, quick one", True),
        ("so", True),
        ("um ok", True),
        # ... but not beside a question, a subject, a word of the articles, or with only "ok".
        ("thanks, is it safe for kids", False),
        ("thanks, what about turmeric", False),
        ("ok, turmeric", False),
        ("thanks, my knees still hurt", False),
        ("ok, dying", False),
        ("thank you, so very tired and dizzy", False),
    ],
)  # fmt: skip
def test_small_talk_beside_words_that_say_nothing_is_small_talk(
    real_pipeline, message, small_talk
):
    answer = real_pipeline.answer(message)
    assert (answer.status == "small_talk") is small_talk
    assert answer.quotes == () or not small_talk


def test_small_talk_told_only_by_the_words_beside_it_is_read_for_red_flags(real_pipeline):
    """ "thanks, bleeding again" holds nothing the articles speak of: it is read by the semantic
    layers as any question is, and gets the urgent advice."""
    for message in ("thanks, bleeding again", "hi, bleeding heavily"):
        answer = real_pipeline.answer(message)
        assert answer.urgent and answer.quotes == (), message


def test_how_two_things_the_articles_name_differ_is_said_unsaid(real_pipeline):
    """Blind dev41 and dev43: "What's the difference between psoriatic arthritis and rheumatoid
    arthritis?" got the passage that lists them together; no passage compares them."""
    for question, said in (
        ("What's the difference between psoriatic arthritis and rheumatoid arthritis?",
         "how psoriatic arthritis and rheumatoid arthritis differ"),
        ("how is lupus different from rheumatoid arthritis", "how lupus and rheumatoid"),
    ):  # fmt: skip
        answer = real_pipeline.answer(question)
        assert answer.status == "unmentioned" and answer.quotes == (), question
        assert said in answer.notice
    # ... what a passage does compare is answered ("Not exactly. Gut-related joint pain may
    # worsen or mimic inflammatory arthritis …").
    answer = real_pipeline.answer("Is gut-related joint pain the same as arthritis?")
    assert any("Not exactly" in quote.text for quote in answer.quotes)


@pytest.mark.parametrize(
    "question",
    [
        # Review 15: what the articles answer in the words of an aspect, a choice or a claim.
        "which joint conditions are autoimmune ones? i keep hearing RA",
        "does stress hit the gut at the same time as the immune system?",
        "how common is leaky gut in people with autoimmune conditions?",
        "is zinc different from collagen or are both gut healing nutrients?",
        "can leaky gut cause joint pain even though i do yoga every day",
        "besides yoga and pilates what else helps joint pain",
        "my chiropractor said leaky gut can drive joint pain. true?",
        "can leaky gut make joints stiff, mine are worse in the morning",
    ],
)
def test_what_the_articles_answer_in_the_words_of_what_they_never_say_is_answered(
    real_pipeline, question
):
    assert real_pipeline.answer(question).quotes, question


@pytest.mark.parametrize(
    "message",
    ["thanks, feeling hopeless", "thanks, dad died from this", "thanks, vision blurry suddenly",
     "thanks, nauseous and dizzy", "hi, nausea remedies"],
)  # fmt: skip
def test_thanks_beside_a_worry_or_a_request_is_not_thanked(real_pipeline, message):
    """Review 15: "thanks, feeling hopeless" was thanked "You're welcome"."""
    answer = real_pipeline.answer(message)
    assert answer.notice != real_pipeline.texts.reply("small_talk_thanks")


@pytest.mark.parametrize(
    "message",
    ["thanks, feeling very hopeless", "I feel hopeless", "honestly I feel like giving up",
     "i'm so depressed about my pain", "I can't cope anymore with this pain", "im scared",
     "i'm sick of all this",
     # A story, then how it feels (blind dev65, dev69).
     "I've had joint pain for 15 years and honestly I'm so tired of it. Nothing works.",
     "sorry im kind of a nervous wreck about my health lately"],
)  # fmt: skip
def test_distress_that_asks_nothing_gets_a_kind_word_and_someone_to_talk_to(
    real_pipeline, message
):
    """Dev55: "thanks, feeling very hopeless" got "I could not find a passage" and nothing else."""
    answer = real_pipeline.answer(message)
    assert answer.notice == real_pipeline.texts.reply("small_talk_distress")
    assert "116 123" in answer.notice
    assert not answer.quotes and not answer.urgent_advice


@pytest.mark.parametrize(
    ("message", "kind"),
    [("Lovely chatting with you dear, bye now", "goodbye"),
     ("Ok. Thank you for being patient with me", "thanks"),
     ("ugh, that sounds awful", "ack"),
     ("Well hello there! My granddaughter set this up for me, isn't technology something.",
      "greeting"),
     ("Hello, I have question please.", "greeting"),
     ("ok thanks, i feel a bit calmer", "thanks"),
     # (blind dev96, dev97)
     ("Top of the morning to ya! 🍀", "greeting"), ("have a good weekend all", "goodbye"),
     ("bruh 💀", "ack")],
)  # fmt: skip
def test_small_talk_among_other_words_gets_its_reply_not_no_passage(real_pipeline, message, kind):
    """Blind dev60: chat the articles cannot answer got "I could not find a passage"."""
    answer = real_pipeline.answer(message)
    assert answer.notice == real_pipeline.texts.reply(f"small_talk_{kind}")
    assert answer.status == "small_talk" and not answer.quotes


@pytest.mark.parametrize(
    ("message", "kind"),
    # Blind dev114 (a group chat): remarks that name what the articles speak of, or never
    # mention, got "I could not find a passage" or "The articles do not mention wine".
    [("Wine stays on the menu, non-negotiable 🍷", "ack"),
     ("It's literally fizzy sweet tea 😂", "ack"),
     ("I take zinc and honestly can't tell any difference", "story"),
     ("Swim gala results are up on the club site 🏊", "ack"),
     ("Saturday long run: 7am at the bridge, 18k easy pace", "ack"),
     ("Thanks, booking the GP now just in case", "thanks"),
     ("Morning all! Who's bringing the cake on Sunday?", "aside")],
)  # fmt: skip
def test_a_remark_that_asks_nothing_is_taken_note_of(real_pipeline, message, kind):
    answer = real_pipeline.answer(message)
    assert answer.notice == real_pipeline.texts.reply(f"small_talk_{kind}"), message
    assert answer.status == "small_talk" and not answer.quotes and answer.subject is None


@pytest.mark.parametrize(
    ("message", "kind"),
    # A remark right after an answer reacts to it, whatever it speaks of (blind dev113, dev116:
    # quotes answered "Thanks. Off to the GP then." and "not giving up cheese, sorry").
    [("Thanks. Off to the GP then.", "thanks"), ("not giving up cheese, sorry", "ack"),
     ("feels like my knees are a bit better already honestly", "story")],
)  # fmt: skip
def test_a_remark_after_an_answer_is_a_reaction(real_pipeline, message, kind):
    reacting = real_pipeline.answer_batch([Request(message, after_question=True)])[0]
    assert reacting.status == "small_talk" and not reacting.quotes
    assert reacting.notice == real_pipeline.texts.reply(f"small_talk_{kind}")


def test_a_complaint_that_opens_a_chat_is_still_its_question(real_pipeline):
    """... while the same words before any question stand for one ("my joints hurt")."""
    assert real_pipeline.answer("my sore joints are really getting me down").quotes
    assert real_pipeline.answer("my joints hurt").quotes


@pytest.mark.parametrize(
    ("message", "status"),
    # ... but words to look up, and what asks without a question mark, are still asked.
    [("gout", "unmentioned"), ("ok, turmeric", "unmentioned"), ("knee pain diet", "answered"),
     ("wine and joint pain", "unmentioned"),
     ("AS patient here, has acupuncture helped anyone with the lower back pain", "unmentioned"),
     ("i drink wine every night is that bad for my gut", "unmentioned")],
)  # fmt: skip
def test_words_to_look_up_are_not_remarks(real_pipeline, message, status):
    assert real_pipeline.answer(message).status == status


@pytest.mark.parametrize(
    "message",
    ["thanks, dad died from this", "ok thanks, nauseous and dizzy", "ok, what about zinc",
     "thanks, is it safe for kids?", "shoud i see a docter", "ok thanks. should i go to a&e"],
)  # fmt: skip
def test_small_talk_beside_health_or_a_question_is_not_chatter(real_pipeline, message):
    assert real_pipeline.answer(message).status != "small_talk"


@pytest.mark.parametrize(
    "message",
    ["I'm scared my knee is infected", "I'm worried about leaky gut, can it cause joint pain?",
     "I feel hopeless, I want to end it all"],
)  # fmt: skip
def test_distress_beside_a_question_or_a_danger_is_not_only_comforted(real_pipeline, message):
    answer = real_pipeline.answer(message)
    assert answer.notice != real_pipeline.texts.reply("small_talk_distress")


@pytest.mark.parametrize(
    ("message", "group", "asked"),
    [
        ("Can children get a leaky gut too?", "children", True),
        # Blind dev54: "have" asks it too, of a condition ...
        ("can an 8 year old have leaky gut? my son keeps complaining of tummy aches",
         "an 8 year old", True),
        # ... not of a food (the FAQ corpus answers honey for babies).
        ("can my 6 month old have a little honey on his food", "my 6 month old", False),
        ("do kids have to avoid gluten?", "kids", False),
    ],
)  # fmt: skip
def test_whether_a_group_gets_it_is_told_from_what_else_they_have(message, group, asked):
    from bot.answering.unsaid import asks_whether_they_get

    assert asks_whether_they_get(message, group) is asked


@pytest.mark.parametrize(
    "question",
    [
        # Review 16: what this session's rules first refused, and the articles answer.
        "My mum has rheumatoid arthritis and takes methotrexate. Is it an autoimmune disease?",
        # A sport told in a story, a remedy the wife is on, "is it true" of a claim (dev36, dev33).
        "My dad plays golf three times a week and his wrists are killing him, and his fingers are "
        "starting to look kind of bent out of shape. Does he need to get checked out?",
        "Been gardening all summer and my knees feel stiff. Is it true the gut can make joints "
        "stiff?",
        "My wife is on hormone replacement therapy and her naturopath keeps saying 'intestinal "
        "permeability'. Is that the same thing as leaky gut?",
        "whats the overall takeaway about treating joint pain from the gut + immune angle",
        "My osteopath explained that leaky gut lets undigested food particles into the "
        "bloodstream. Is that accurate?",
        "I do pilates twice a week but my joints still ache. I read that managing stress and "
        "improving sleep help the gut. Should I try that?",
        "My gut microbiome test showed an imbalance. Can that affect my joints?",
        "My stress levels are through the roof and I sleep badly, is that bad for my gut?",
        "Which foods have the most impact on leaky gut?",
        "Are foods high in sugar bad for my joints?",
        "Are probiotics a good source of healthy gut bacteria?",
        "Can leaky gut syndrome be reversed?",
        "Will I have joint pain for the rest of my life?",
        "I get flare-ups twice per month, could leaky gut be why?",
        "I have joint pain and bloating, which runs in my family",
    ],
)
def test_what_the_articles_answer_is_not_refused_for_words_beside_it(real_pipeline, question):
    assert real_pipeline.answer(question).quotes, question


@pytest.mark.parametrize(
    "message",
    ["hi! I have celiac disease and my joints ache a lot lately",
     "Hi there! Lupus warrior here 💪 just got my flare under control",
     "Kia ora. My husband has had rheumatoid arthritis for ten years.",
     # "who" inside a clause relates, it does not ask (blind dev69).
     "Namaste. I am looking after my father who is 78 years.",
     # ... or a story of the day, told without "I" (blind dev86).
     "Evening all, rough flare day today", "Hi all. Typing slow today, hands are stiff."],
)  # fmt: skip
def test_a_greeting_and_a_story_that_asks_nothing_is_asked_what_they_would_like_to_know(
    real_pipeline, message
):
    """Blind dev62 and dev65: quotes answered a question nobody had asked yet."""
    answer = real_pipeline.answer(message)
    assert answer.notice == real_pipeline.texts.reply("small_talk_told")
    assert answer.status == "small_talk" and not answer.quotes and answer.keeps_subject


@pytest.mark.parametrize(
    "message",
    ["hi, leaky gut and joint pain", "Hi, I have RA and I'm wondering whether leaky gut plays a "
     "role", "hello, can leaky gut cause joint pain", "hey, I'm pregnant and my joints hurt",
     "hey quick q, can my joint pain be coming from my gut", "hi what is leaky gut",
     # Blind dev92: a question run on after the story, asked yes or no.
     "hi so my knees hurt a lot from work is joint pain just wear and tear",
     # Blind dev126: asked as what the writer wanted to ask.
     "hello there um I wanted to ask if probiotics are useful for joint inflammation full stop"],
)  # fmt: skip
def test_a_greeting_before_a_question_or_a_pregnancy_is_no_story_only(real_pipeline, message):
    assert real_pipeline.answer(message).notice not in (
        real_pipeline.texts.reply("small_talk_told"),
        real_pipeline.texts.reply("small_talk_diagnosed"),
    )


def test_the_words_of_a_formal_request_are_no_words_of_its_subject(real_pipeline):
    """Blind dev89: "what is meant by … in this context" counted "meant" and "context" as words
    the passage had to hold, and the passage about a holistic approach fell short."""
    answer = real_pipeline.answer(
        "Kindly explain what is meant by a holistic approach in this context."
    )
    assert answer.quotes and "holistic approach" in answer.quotes[0].text


def test_a_question_after_saying_it_is_understood_is_answered(real_pipeline):
    """Blind dev86: "ok got it" and then a question without its question mark was thanked for."""
    answer = real_pipeline.answer(
        "ok got it and is joint pain from the gut the same as arthritis or something different"
    )
    assert answer.status == "answered" and "Not exactly." in answer.quotes[0].text
    assert real_pipeline.answer("ok got it, that makes sense now").status == "small_talk"


@pytest.mark.parametrize(
    "message",
    ["Anyone see the game last night?", "Chai break anyone? ☕", "@Dave lol you owe me one"],
)
def test_a_message_to_the_others_in_a_group_is_an_aside(real_pipeline, message):
    """Blind dev86: group chatter the articles do not answer was told "I could not find a
    passage"."""
    answer = real_pipeline.answer(message)
    assert answer.status == "small_talk" and answer.quotes == ()
    assert answer.notice == real_pipeline.texts.reply("small_talk_aside")


def test_a_remark_that_speaks_of_nothing_the_articles_do_is_taken_note_of(real_pipeline):
    """Blind dev105: "Kevin bring the water this time" was told no passage answers it."""
    for message in ("Kevin bring the water this time", "grab the chairs from the hall"):
        answer = real_pipeline.answer(message)
        assert answer.status == "small_talk" and answer.quotes == ()
        assert answer.notice == real_pipeline.texts.reply("small_talk_ack")
    # ... while a question without a question mark still gets its answer or its refusal.
    assert real_pipeline.answer("tips for sleeping better").quotes
    assert real_pipeline.answer("best diet for weight loss").status == "unmentioned"


@pytest.mark.parametrize(
    "message", ["Mum did you take your pills today?", "Mom, did you take your pills?"]
)
def test_someone_called_by_a_word_for_them_is_an_aside(real_pipeline, message):
    answer = real_pipeline.answer(message)
    assert answer.status == "small_talk" and answer.quotes == ()
    assert answer.notice == real_pipeline.texts.reply("small_talk_aside")
    assert real_pipeline.answer("Mum has RA, what can help her?").quotes


def test_a_name_called_in_a_group_after_a_question_borrows_nothing(real_pipeline):
    """Blind dev105: "Rachel, playdate Thursday? 🛝" after a question got its quotes again."""
    _, answer = _chat(
        real_pipeline,
        "how long does it take for joint pain to improve?",
        "Rachel, playdate Thursday? 🛝",
    )
    assert answer.status == "small_talk" and answer.quotes == ()


def test_a_follow_up_about_someone_does_not_borrow_a_thing_never_mentioned(real_pipeline):
    """Blind dev109: "Bot, should she see a doctor if her knuckles are swollen?" after "roast
    chicken, as always" was told chicken is not mentioned."""
    _, answer = _chat(
        real_pipeline,
        "roast chicken, as always",
        "Bot, should she see a doctor if her knuckles are swollen?",
    )
    assert answer.status == "answered" and "professional evaluation" in answer.quotes[0].text
    # ... while one that points at the thing too keeps it.
    _, answer = _chat(real_pipeline, "what about turmeric?", "is it safe for her?")
    assert answer.status == "unmentioned" and "turmeric" in answer.notice


def test_a_challenge_after_an_answer_gets_the_research_or_a_fair_word(real_pipeline):
    """Blind dev109: "source?" repeated the last answer; "that sounds like marketing tbh" was
    told no passage answers it."""
    _, source = _chat(
        real_pipeline,
        "What foods should I cut out if I want to heal my gut for joint pain?",
        "source?",
    )
    assert "studies have found links" in source.quotes[0].text
    for message in ("that sounds like marketing tbh", "that's correlation, not causation"):
        answer = real_pipeline.answer(message)
        assert answer.status == "small_talk"
        assert answer.notice == real_pipeline.texts.reply("small_talk_doubt")


def test_how_would_that_even_work_gets_how_it_happens(real_pipeline):
    """Blind dev111 and dev17: "how would that even work" got how long the steps take to work."""
    _, answer = _chat(
        real_pipeline,
        "my knees have been aching for months and my friend says it could be connected to my "
        "gut, is that possible?",
        "how would that even work",
    )
    assert any("Leaky gut allows bacterial fragments" in q.text for q in answer.quotes)
    assert not any("within weeks" in q.text for q in answer.quotes)


def test_is_that_bad_after_an_answer_gets_what_it_leads_to(real_pipeline):
    """Blind dev111: "and is that bad?" after what leaks through got the same passages again."""
    *_, answer = _chat(
        real_pipeline, "what even is leaky gut?", "so what's supposed to leak out?", "and is that bad?"
    )
    assert "Over time, this constant immune activation" in answer.quotes[0].text


def test_a_question_put_to_the_bot_by_name_names_what_is_not_covered(real_pipeline):
    """Blind dev111: "question for the bot: is running bad for your joints?" was answered with
    passages about joints, and alone it named "is running bad"."""
    (answer,) = _chat(real_pipeline, "question for the bot: is running bad for your joints?")
    assert answer.status == "unmentioned" and answer.quotes == ()
    assert "do not mention running," in answer.notice
    # ... and a name of the list that opens asking is said back without it.
    answer = real_pipeline.answer("Does running on tarmac every day cause joint pain?")
    assert "do not mention running," in answer.notice
    (pancakes,) = _chat(real_pipeline, "ok I'm making pancakes, who wants some 🥞")
    assert pancakes.notice == real_pipeline.texts.reply("small_talk_aside")


def test_a_long_story_that_says_it_is_only_venting_is_a_story(real_pipeline):
    story = (
        "My knees have been so bad all week and work has been brutal too, I barely sleep at the "
        "moment and everything feels like a slog lately, even the stairs at home take ages."
    )
    answer = real_pipeline.answer(f"{story} Sorry for the rant.")
    assert answer.status == "small_talk" and answer.quotes == ()
    assert answer.notice == real_pipeline.texts.reply("small_talk_story")
    # ... and so is the story alone: it asks nothing anywhere (the blind sets' writers tell a
    # story of a few sentences before they ask).
    assert not real_pipeline.answer(story).quotes


def test_what_to_do_about_it_then_gets_the_steps(real_pipeline):
    """Blind dev105: "WHAT SHOULD I DO ABOUT IT THEN" got the last answer again."""
    _, answer = _chat(
        real_pipeline,
        "MY HANDS ARE STIFF EVERY MORNING. COULD IT BE MY GUT?",
        "WHAT SHOULD I DO ABOUT IT THEN",
    )
    assert any(
        "Steps may include" in q.text or "Addressing joint pain" in q.text for q in answer.quotes
    )


def test_what_a_question_leaves_out_is_not_what_it_asks_about(real_pipeline):
    """Blind dev106: "Apart from leaky gut, what OTHER things can cause joint pain?" was
    answered with the passages about leaky gut."""
    answer = real_pipeline.answer("Apart from leaky gut, what other things can cause joint pain?")
    assert any("cartilage breakdown" in q.text for q in answer.quotes)


@pytest.mark.parametrize(
    ("question", "said"),
    [
        ("Can probiotics actually make my joint pain WORSE?", "whether the steps they suggest"),
        ("what are the risks or downsides of going completely gluten free?", "whether the steps"),
        ("can TOO MUCH sleep be bad for the gut?", "whether the steps they suggest can do harm"),
        ("Which autoimmune diseases have NOTHING to do with the gut?", "what has nothing to do"),
        ("is leaky gut ever harmless?", "whether it can be harmless or cause no symptoms"),
        # Blind dev108.
        ("Are there any downsides or dangers to gut-healing protocols?", "whether the steps"),
        ("Who is not at risk of developing leaky gut?", "who does not get it"),
        ("Which foods are safe to keep eating with leaky gut?", "which foods are safe to eat"),
        ("Which kinds of joint pain are NOT caused by the gut?", "what does not cause it"),
        # Blind dev110 and dev112.
        ("Can joint pain cause leaky gut?", "whether joint pain can harm the gut in turn"),
        ("Can a leaky gut ever protect the joints?", "any good it may do"),
        ("Why doesn't joint pain get better for some people even after they fix their gut?",
         "why it may not help some people"),
        ("What are the signs that my joint pain is NOT coming from my gut?",
         "what does not come from it"),
        # Blind dev121.
        ("Can working on my gut health make my joint pain worse?", "whether the steps"),
        ("Can autoimmune disease be what causes the leaky gut, not the reverse?",
         "whether joint pain can harm the gut in turn"),
        # Blind dev124.
        ("Do damaged joints leak particles back into the gut?",
         "whether joint pain can harm the gut in turn"),
        ("Does everyone with a leaky gut end up with arthritis?",
         "whether it happens to everyone who has it"),
        ("Will fixing my gut cure my rheumatoid arthritis for good?", "whether it can be cured"),
    ],
)
def test_harm_from_what_the_articles_suggest_is_not_answered_with_the_suggestion(
    real_pipeline, question, said
):
    """Blind dev106: the passage that suggests probiotics was quoted under "can probiotics make
    my joint pain worse?"."""
    answer = real_pipeline.answer(question)
    assert answer.quotes == () and f"do not say {said}" in answer.notice


def test_poor_sleep_harming_the_gut_is_still_what_the_articles_say(real_pipeline):
    answer = real_pipeline.answer("can bad sleep harm my gut?")
    assert answer.quotes and "improving sleep" in answer.quotes[0].text
    # ... nor what happens when the barrier is not working (blind dev112).
    answer = real_pipeline.answer("What happens when the gut barrier isn't working properly?")
    assert answer.quotes and answer.status == "answered"
    # ... and what to avoid beside what is safe, what causes it and the steps themselves.
    for question in (
        "what foods are ok to eat and which should I avoid?",
        "is gluten ok to eat?",
        "what are the steps for gut healing?",
    ):
        answer = real_pipeline.answer(question)
        assert any("Steps may include" in q.text for q in answer.quotes), question


@pytest.mark.parametrize("message", ["@quotebot", "@QuoteBot!!", "bot?", "hello quotebot"])
def test_the_bot_called_by_name_alone_is_greeted(real_pipeline, message):
    """"@quotebot" alone was told it sounded meant for someone else."""
    turn = Conversation().plan("group", message)
    answer = real_pipeline.answer(turn.request.text)
    assert answer.status == "small_talk" and answer.quotes == ()
    assert answer.notice == real_pipeline.texts.reply("small_talk_greeting")


@pytest.mark.parametrize(
    "message",
    ["anyone know if probiotics help joint pain?", "guys my knees are killing me today",
     "anyone tried turmeric?"],
)  # fmt: skip
def test_a_question_or_a_complaint_to_the_group_is_no_aside(real_pipeline, message):
    answer = real_pipeline.answer(message)
    assert answer.notice != real_pipeline.texts.reply("small_talk_aside")
    # (The complaint asks nothing yet: it is asked what it would like to know.)
    assert (
        answer.quotes
        or answer.status == "unmentioned"
        or answer.notice == real_pipeline.texts.reply("small_talk_story")
    )


@pytest.mark.parametrize(
    "message",
    ["my knees are killing me today lol", "My son was just diagnosed with psoriatic arthritis.",
     "MY DOCTOR SAYS I HAVE ARTHRITIS IN BOTH KNEES", "Had a rough flare this week, just venting",
     # Blind dev125: a complaint that says it asks nothing.
     "my hands and knees ache every morning been like that for a year. not asking anything just "
     "venting",
     # Blind dev122 and dev129: a writer who introduces themselves with their age.
     "Cyclist, 55, starting to feel it in my hips.", "lupus dx at 27 🙃",
     "Runner, 42, ~60km/week. Left knee has been grumbling for 3 months.",
     # Blind dev136, dev138, dev139: how long it has gone on, news of it, someone close.
     "My son's ankle has been swollen for two weeks since that tackle",
     "I'm honestly so anxious, my joints have been achy for two weeks now",
     "Week 6 of cutting gluten and sugar and my knees feel SO much better!!",
     "Dad's knee is swollen again, like a balloon",
     "Got diagnosed with rheumatoid arthritis last month. Still processing it tbh.",
     "My hip won't let me do the long route this week"],
)  # fmt: skip
def test_a_story_that_asks_nothing_is_asked_what_it_would_like_to_know(real_pipeline, message):
    answer = real_pipeline.answer(message)
    # (news of a diagnosis with a word for it first)
    assert answer.notice in (
        real_pipeline.texts.reply("small_talk_story"),
        real_pipeline.texts.reply("small_talk_diagnosed"),
    )
    assert not answer.quotes and answer.keeps_subject and answer.disclaimer


def test_a_long_greeting_and_story_that_says_the_question_comes_later_is_no_question(
    real_pipeline,
):
    # Blind dev127: a greeting, a story longer than small talk is read in, and no question yet.
    answer = real_pipeline.answer(
        "Hi there! So, a long saga: bloating started last spring, then my elbows and knees began "
        "aching in the autumn. I'm 41, mum of three, work nights, barely sleep. Not asking "
        "anything yet, just setting the scene 😅"
    )
    assert answer.notice == real_pipeline.texts.reply("small_talk_told")
    assert not answer.quotes and answer.keeps_subject


@pytest.mark.parametrize(
    "message",
    # Blind dev131 and dev139: a story of a few sentences that asks nothing anywhere.
    ["So long story short, I had food poisoning in Thailand last year, since then my stomach has "
     "never been the same and lately my wrists ache. Two doctors found nothing.",
     "Hi. Sorry this is going to be long. I was diagnosed with rheumatoid arthritis three weeks "
     "ago and I have barely slept since, I keep reading things online and my sister keeps "
     "forwarding me articles and I just feel completely overwhelmed by all of it."],
)  # fmt: skip
def test_a_long_story_that_asks_nothing_is_no_question(real_pipeline, message):
    answer = real_pipeline.answer(message)
    assert answer.status == "small_talk" and not answer.quotes and answer.keeps_subject


@pytest.mark.parametrize(
    "message",
    # Blind dev136, dev140: the group thanked, then news of a diagnosis.
    ["thank you all, diagnosed with RA in March, still processing it tbh",
     "Thank you all. Diagnosed with RA 6 months ago, still learning. Glad to find you."],
)  # fmt: skip
def test_the_group_thanked_and_told_news_is_a_story(real_pipeline, message):
    answer = real_pipeline.answer(message)
    assert answer.status == "small_talk" and not answer.quotes


def test_asking_whether_to_see_someone_is_no_aside(real_pipeline):
    # (and a code review's: "you" is anyone here, a friend's "mate" opens a question)
    for message in (
        "do you think I need to go to the doctor",
        "should I go see a doctor",
        "when do you need to see a doctor for joint pain",
        "my GP said you should see a rheumatologist if joints swell, what else can I do",
    ):
        answer = real_pipeline.answer(message)
        assert answer.status == "answered" and "professional" in answer.quotes[0].text


def test_a_friend_called_before_a_question_is_no_aside(real_pipeline):
    for message in ("mate how do you heal a leaky gut", "bhai how do you reduce joint inflammation"):
        assert real_pipeline.answer(message).quotes


def test_a_long_story_that_asks_without_a_question_mark_is_answered(real_pipeline):
    answer = real_pipeline.answer(
        "okay so um I've been having pain in my hips and my knees for like a year now and my wife "
        "keeps saying it's my gut which I think is crazy but whatever so what can I actually do "
        "to heal my gut"
    )
    assert answer.status == "answered" and answer.quotes


@pytest.mark.parametrize(
    "message",
    ["write me a poem", "give me concrete steps", "my knees hurt, what can I do",
     "I'd love to learn about leaky gut", "ok thanks, i feel a bit calmer",
     "if i fix my gut will my joints hurt less", "wat foods shud i avoid for joint pain",
     # (asked without a question mark, beside a laugh: the development sets' paraphrases)
     "so if i fix my gut will my joints stop hurting lol",
     "bro how long til my joints feel better if i fix my gut, been like 2 wks smh"],
)  # fmt: skip
def test_a_request_or_small_talk_is_no_story(real_pipeline, message):
    answer = real_pipeline.answer(message)
    assert answer.notice != real_pipeline.texts.reply("small_talk_story")


@pytest.mark.parametrize(
    "message",
    # (blind dev12, the main dev part: a bare complaint stands for its question)
    ["my joints hurt", "my sore joints are really getting me down and I can't move like I used to"],
)
def test_a_bare_complaint_is_answered(real_pipeline, message):
    answer = real_pipeline.answer(message)
    assert answer.status == "answered" and answer.quotes


@pytest.mark.parametrize(
    ("message", "subject"),
    # Food named with the words of a plan is still asked about ("drinks" is one), and so is a
    # meal food asked about for health.
    [("energy drinks?", "energy drinks"), ("is pizza bad for my knees?", "pizza"),
     ("did she take the probiotics with food?", None)],
)  # fmt: skip
def test_food_asked_about_is_no_aside(real_pipeline, message, subject):
    answer = real_pipeline.answer(message)
    assert answer.status == ("unmentioned" if subject else "answered")
    assert answer.subject == subject


@pytest.mark.parametrize(
    "message",
    ["Mom, did you take your pills?", "leg day tomorrow, who's in? 💪", "who's hosting game night?",
     # Blind dev132, dev136, dev138, dev139: a grandmother called in Italian and Portuguese, a
     # friend asked which brand, what someone did, and the food of a meal being planned.
     "Nonna did you take your pills?", "Mãe did you take your pills today?",
     "Maureen which brand did you take?", "Did she ring the surgery?",
     "lunch 12:30? chicken rice", "ok so pizza or thai tonight?",
     # (blind dev140)
     "Mummy how is your knee now? Did you go for the check up",
     "Who's ordering lunch? I vote dumplings 🥟",
     # ... someone told to see a professional (blind dev138, dev140)
     "mum honestly with swelling you need to go to the doctor, not ask a bot",
     "told you mate, go see the physio", "Priya how's the hip after last week?"],
)  # fmt: skip
def test_a_message_to_someone_in_the_group_is_an_aside(real_pipeline, message):
    answer = real_pipeline.answer(message)
    assert answer.notice == real_pipeline.texts.reply("small_talk_aside") and not answer.quotes


def test_a_follow_up_asks_about_the_story_a_greeting_told():
    from bot.answering.conversation import Conversation
    from tests.test_conversation import answer

    conversation = Conversation()
    told = conversation.plan(1, "hi! I have celiac disease and my joints ache a lot lately")
    conversation.settle(told, dataclasses.replace(answer(told.message, quoted=False),
                                                 status="small_talk", keeps_subject=True))
    later = conversation.plan(1, "could that be connected?")
    assert later.request.context and "celiac" in later.request.context


def test_how_quickly_is_asked_as_how_long(real_pipeline):
    """Blind dev99: "how quickly? 🤔" after "Can improving gut health reduce joint pain?" got the
    same passages again; "how long?" gets the weeks and months."""
    (answer,) = real_pipeline.answer_batch(
        [Request("how quickly? 🤔", context="Can improving gut health reduce joint pain?")]
    )
    assert "within weeks" in answer.quotes[0].text


def test_a_follow_up_asking_what_if_it_does_not_improve_gets_when_to_see_someone(real_pipeline):
    """Blind dev99, dev46: "and if it doesnt improve by then??" after how long healing takes got
    the weeks and months again."""
    (answer,) = real_pipeline.answer_batch(
        [Request("and if it doesnt improve by then??", context="can fixing my gut help my joints? how long?")]
    )
    assert "professional evaluation" in answer.quotes[0].text


def test_the_question_after_a_story_asks_about_it(real_pipeline):
    """Blind dev95: "My son is 15 and was just diagnosed with psoriatic arthritis." asked
    nothing yet; the question after it is about him."""
    from bot.answering.conversation import Conversation

    conversation = Conversation()
    replies = []
    for message in ["My son was just diagnosed with psoriatic arthritis.", "could his gut be involved?"]:
        turn = conversation.plan(1, message)
        replies.append(conversation.settle(turn, real_pipeline.answer_batch([turn.request])[0]))
    story, question = replies
    assert story.notice == real_pipeline.texts.reply("small_talk_diagnosed") and not story.quotes
    assert "psoriatic" in question.question and question.quotes


def test_thanks_that_points_back_borrows_nothing(real_pipeline):
    """Blind dev65: "Thanks, this is very useful for my slides." got the last answer again."""
    (answer,) = real_pipeline.answer_batch(
        [Request("Thanks, this is very useful for my slides.", context="what is leaky gut?")]
    )
    assert answer.status == "small_talk" and not answer.quotes


@pytest.mark.parametrize(
    "message",
    ["Asante sana", "Tack!", "ok ty po", "Love it, thanks so much, namaste 🙏", "appreciate ya"],
)
def test_thanks_in_other_words_is_thanks(real_pipeline, message):
    answer = real_pipeline.answer(message)
    assert answer.notice == real_pipeline.texts.reply("small_talk_thanks")


def test_a_medicine_by_its_class_is_what_a_corpus_of_that_class_speaks_of():
    from bot.answering.subjects import load_subjects

    subjects = load_subjects(["Antiviral medicines work best when started within 48 hours."])
    assert subjects.unmentioned("tamiflu - how soon do I need to start it") is None
    assert subjects.unmentioned("is tramadol ok for it") == "tramadol"


@pytest.mark.parametrize(
    "message",
    [
        "Thanks, that explains my knees.",
        "ok so the gut matters, i understand now",
        "Ahh ok, so basically look after the gut and calm the immune system, got it",
        # (blind dev101: "know" in "I didn't know" asks nothing)
        "that's fascinating, my rheumatologist never mentioned it",
        "wow I didn't know that, my doctor never told me",
    ],
)
def test_a_message_that_says_it_understood_is_small_talk(real_pipeline, message):
    """Blind dev76: the health words repeated are what was understood, not a story to quote for."""
    answer = real_pipeline.answer(message, context="What does low-grade inflammation do to joints?")
    assert answer.status == "small_talk" and answer.quotes == ()
    answer = real_pipeline.answer(message)
    assert answer.status == "small_talk" and answer.quotes == ()
    # ... a question beside it is still a question.
    assert real_pipeline.answer(f"{message} but how long does it take to heal?").quotes


def test_a_greeting_and_a_story_that_runs_on_into_a_question_asks(real_pipeline):
    """Blind dev80: no stop before "what can be the problem"; not thanked for the story."""
    answer = real_pipeline.answer(
        "hello my name is Jorge I have pain in my hands and my feet for like a year and also "
        "my stomach is always bad with gas what can be the problem"
    )
    assert answer.status != "small_talk"
    assert real_pipeline.answer("hi! I have celiac disease and my joints ache").status == (
        "small_talk"
    )


def test_a_follow_up_about_the_child_told_of_is_told_the_articles_speak_in_general(real_pipeline):
    """A newcomer's trial: "should she go gluten free?" after "my 15 year old daughter has
    crohns …" got the gluten sentence as if it were advice for her."""
    context = "my 15 year old daughter has crohns and now her joints hurt a lot"
    answer = real_pipeline.answer("should she go gluten free?", context=context)
    assert "your 15 year old" in (answer.notice or "") and "in general" in answer.notice
    # ... a follow-up that speaks of no one else keeps the plain answer.
    answer = real_pipeline.answer("and how long does healing take?", context=context)
    assert "in particular" not in (answer.notice or "")


def test_what_a_newcomer_was_refused_is_answered(real_pipeline):
    """ "actual" says nothing of what is asked: it no longer counts against an answer."""
    answer = real_pipeline.answer("is there any actual evidence?")
    assert "supported by research" in " ".join(q.text for q in answer.quotes[:3])


def test_giving_it_time_is_no_dose(real_pipeline):
    """A newcomer's trial: "how long should i give it?" after a month gluten free was told the
    articles give no doses; "give it" alone is time to wait."""
    context = "I have been gluten free for a month and nothing changed"
    dose = real_pipeline.texts.cautions["dose"]
    assert dose not in real_pipeline.answer("how long should i give it?", context=context).cautions
    answer = real_pipeline.answer("how long should i give it to her?", context="is zinc good for kids")
    assert dose in answer.cautions


def test_whether_it_is_dangerous_for_life_is_said_unsaid(real_pipeline):
    answer = real_pipeline.answer("it is dangerous for the life?")
    assert answer.status == "unmentioned" and answer.quotes == ()
    assert "fatal" in answer.notice


@pytest.mark.parametrize(
    ("message", "name"),
    [("Temulawak is good?", "temulawak"), ("can eating githeri help", "githeri"),
     ("is temulawak actually good for my knees?", "temulawak"),
     # Blind dev84: "and X" names the thing it asks about, whatever came before.
     ("and githeri", "githeri"), ("what about temulawak?", "temulawak"),
     # Blind dev86: "how about X, is that good", and each question of a message on its own.
     ("how about temulawak, is that any good?", "temulawak"),
     ("and githeri? is githeri inflammatory?", "githeri"),
     # Blind dev128: after a few words that call or announce, and a comma or a dash.
     ("Guys, serious q — hey bot, is temulawak any good?", "temulawak")],
)  # fmt: skip
def test_a_thing_no_list_names_is_named_as_unmentioned(real_pipeline, message, name):
    """Blind dev76: a name no list holds, asked about in a frame only a thing is asked about in
    ("is X good?", "X is good?", "can eating X help"), was answered with passages about the gut."""
    answer = real_pipeline.answer(message)
    assert answer.status == "unmentioned" and answer.quotes == ()
    assert name in answer.notice


@pytest.mark.parametrize(
    ("message", "name"),
    [("Is curd okay to eat daily?", "curd"), ("Can I still drink kopi every morning?", "kopi"),
     ("Can I just use Salonpas patch for now?", "Salonpas"),
     ("Is scotch bonnet pepper bad fi inflammation?", "scotch bonnet")],
)  # fmt: skip
def test_names_of_other_places_are_named_as_unmentioned(real_pipeline, message, name):
    """Blind dev107 (Indian, Singaporean, Filipino and Jamaican English)."""
    answer = real_pipeline.answer(message)
    assert answer.status == "unmentioned" and answer.quotes == () and name in answer.notice


@pytest.mark.parametrize(
    "message",
    ["is probiotcs good?", "is glutamin good for the gut?", "is stress bad for joints?",
     # (a clause after a story is no frame: the development sets' paraphrases)
     "my mums trying to sort out her digestion for her sore hands, could a healthier gut help?"],
)  # fmt: skip
def test_a_slip_of_a_word_the_articles_use_is_no_unlisted_name(real_pipeline, message):
    assert real_pipeline.answer(message).quotes


def test_and_a_thing_no_list_names_after_a_question_is_named_as_unmentioned(real_pipeline):
    follow, known = real_pipeline.answer_batch(
        [
            Request("and githeri", context="what should I eat or not eat for gut healing"),
            Request("and collagen?", context="what should I eat or not eat for gut healing"),
        ]
    )
    assert follow.status == "unmentioned" and follow.quotes == () and "githeri" in follow.notice
    assert known.quotes and "collagen" in known.quotes[0].text


@pytest.mark.parametrize(
    "message",
    ["what is usually the first symptom of psoriatic arthritis",
     "what's the earliest sign of rheumatoid arthritis"],
)  # fmt: skip
def test_the_first_sign_of_a_disease_is_said_unsaid(real_pipeline, message):
    """Blind dev83: the articles name psoriatic arthritis but never its first symptom."""
    answer = real_pipeline.answer(message)
    assert answer.status == "unmentioned" and answer.quotes == ()
    assert "symptoms" in answer.notice


@pytest.mark.parametrize(
    ("message", "said"),
    [("what does NOT cause joint pain", "what does not cause it"),
     ("Is there anything saying which kinds of joint pain gut healing does NOT help?",
      "what does not help it"),
     ("In which cases is it fine to NOT see a doctor for joint pain and just wait?",
      "when it is fine to do without a doctor"),
     ("What can stop probiotics from working?", "what stops it from working"),
     ("when do i NOT need to see a doctor for joint pain?", "when it is fine to do without a doctor")],
)  # fmt: skip
def test_what_does_not_cause_or_help_is_said_unsaid(real_pipeline, message, said):
    """Blind dev87: articles that say what causes and what helps were quoted under questions
    about what does not."""
    answer = real_pipeline.answer(message)
    assert answer.status == "unmentioned" and answer.quotes == ()
    assert said in answer.notice


@pytest.mark.parametrize(
    "message",
    ["what should I not eat for leaky gut?", "Doesn't leaky gut cause joint pain?",
     "what should I do if the diet doesn't work?"],
)  # fmt: skip
def test_asking_what_to_avoid_or_what_if_it_fails_is_no_negated_question(real_pipeline, message):
    assert "what does not" not in (real_pipeline.answer(message).notice or "")


def test_a_passage_that_says_what_does_not_answers_the_negated_question():
    from bot.answering.unsaid import negated_unsaid

    asked = "what does not cause ulcers?"
    assert negated_unsaid(asked, ["Spicy food does not cause ulcers."]) is None
    assert negated_unsaid(asked, ["Bacteria cause most ulcers."]).said == "what does not cause it"


def test_tia_is_an_aunt_in_spanish_and_nopal_the_thing_asked_about(real_pipeline):
    answer = real_pipeline.answer("tia says nopal juice in the morning heals the stomach, is true?")
    assert answer.subject == "nopal juice"


def test_a_word_the_articles_write_otherwise_is_not_strange():
    """A corpus's compound or plural ("crock-pot" read as "crockpots") is its own word, however
    the model splits it; only a word neither the corpus nor the model knows is a name no list
    holds."""
    from bot.retrieval.lexical import LexicalIndex

    lexical = LexicalIndex(["Is a crock-pot safe?", "Probiotics help."], is_word=lambda w: False)
    assert not lexical.strange("crockpots") and not lexical.strange("crockpot")
    assert not lexical.strange("probiotics") and lexical.strange("temulawak")
    knowing = LexicalIndex(["Probiotics help."], is_word=lambda w: w == "butter")
    assert not knowing.strange("butter")


@pytest.mark.parametrize(
    "message",
    # Blind dev119 (group chats): "I could not find a passage in my articles" for chatter.
    ["gorgeous!! what yarn is that", "can someone review my PR before lunch pls 🙏",
     "6am?? u psycho", "what time is it", "what's the weather like"],
)  # fmt: skip
def test_a_message_of_nothing_the_articles_speak_of_gets_the_off_topic_reply(
    real_pipeline, message
):
    answer = real_pipeline.answer(message)
    assert answer.status == "small_talk" and not answer.quotes, message
    assert answer.notice.startswith("That is not something my articles cover")
    assert "Joint pain, autoimmunity and leaky gut" in answer.notice  # the articles, by title


@pytest.mark.parametrize(
    "message",
    # Blind dev119: "The articles do not mention courgettes / cat / hummus" in a group chat.
    ["courgettes are going mad this year, anyone want some",
     "has anyone seen a grey cat? Biscuit hasn't come home", "who ate my hummus",
     "Who left the shed unlocked again", "morning all 🧘‍♀️ class still on at 7 tmrw?",
     # Blind dev128: one of the group asked.
     "finally!! which one of us is driving him?",
     # Blind dev130.
     "ok enough doctor talk, who's bringing flan",
     "Hi all, Marcus, dx'd with RA in March. still a bit overwhelmed",
     # Blind dev132: "broke" tells of a bone, and booking is a plan of the group's.
     "who broke the coffee machine again", "ok enough doctor talk, who's booking the airbnb"],
)  # fmt: skip
def test_what_is_said_to_the_group_gets_no_quote_and_no_notice(real_pipeline, message):
    answer = real_pipeline.answer(message)
    assert answer.status == "small_talk" and not answer.quotes and answer.subject is None, message


@pytest.mark.parametrize(
    "message",
    # Blind dev122: a group member asked by name got quotes about tablets and the GP.
    ["Margaret, did the new tablets the doctor gave her help at all?",
     "Ron did you ever get that shoulder looked at?",
     "Sarah has he even been to the GP about it yet?",
     # Blind dev125: names of other languages, and a bot named in passing.
     "Valeria, can you take the part on L-glutamine?", "Mehmet what time do we meet?",
     "Maya you're so weird for asking a bot about yogurt",
     # Blind dev128
     "Jen your knee again? you need new shoes girl"],
)  # fmt: skip
def test_a_group_member_called_by_name_is_not_answered_for_them(real_pipeline, message):
    from bot.answering.conversation import Conversation

    chat = Conversation()
    first = chat.plan(1, "can fixing your gut help joint pain?")
    chat.settle(first, real_pipeline.answer_batch([first.request])[0])
    for request in (Request(message), chat.plan(1, message).request):
        answer = real_pipeline.answer_batch([request])[0]
        assert answer.status == "small_talk" and not answer.quotes, (message, request.context)


@pytest.mark.parametrize(
    "message",
    # ... but a name before telling about someone, before the writer's age, or with the bot
    # called as well, is still a question for the bot.
    ["Sarah has RA, what can help her?", "Margaret, 81. Can leaky gut cause joint pain?",
     "George, my sister read that the gut lining can let things into the blood. Bot, what gets "
     "through?"],
)  # fmt: skip
def test_a_name_that_calls_no_one_else_still_gets_an_answer(real_pipeline, message):
    answer = real_pipeline.answer(message)
    assert answer.status == "answered" and answer.quotes, message


def test_asking_the_group_whether_a_remedy_helps_is_still_named_unmentioned(real_pipeline):
    answer = real_pipeline.answer("anyone tried glucosamine?")
    assert answer.status == "unmentioned" and answer.subject == "glucosamine"
    # ... and asking the group whether anyone studied something is still a question (the first
    # rule for the group read it as an aside; the battery caught it).
    studied = real_pipeline.answer("has anyone studied gut health and rheumatoid arthritis")
    assert studied.status == "answered" and studied.quotes
    tens = real_pipeline.answer("Does anyone here use a TENS machine?")
    assert tens.status == "unmentioned"


@pytest.mark.parametrize(
    "follow_up",
    # Blind dev118, dev113, dev62: "how" and "By what mechanism, precisely?" got the same
    # passages again, or nothing.
    ["how", "How so?", "By what mechanism, precisely?", "What is exactly the mechanism?"],
)
def test_asking_how_after_a_link_gets_how_it_happens(real_pipeline, follow_up):
    from bot.answering.conversation import Conversation

    conversation = Conversation()
    first = conversation.plan(1, "can leaky gut actually cause joint pain?")
    conversation.settle(first, real_pipeline.answer_batch([first.request])[0])
    turn = conversation.plan(1, follow_up)
    answer = real_pipeline.answer_batch([turn.request])[0]
    assert any("triggering immune responses" in quote.text for quote in answer.quotes), follow_up


@pytest.mark.parametrize(
    "follow_up",
    # Blind dev92, dev96, dev95: what the gut lining is, not how it meets the joints.
    ["And where does the gut come into it?", "and what does the gut have to do with it?",
     "Could her stomach be involved?"],
)  # fmt: skip
def test_asking_where_the_gut_comes_in_gets_the_link(real_pipeline, follow_up):
    (answer,) = real_pipeline.answer_batch(
        [Request(follow_up, context="What actually causes joint pain?")]
    )
    assert "The gut and joints communicate through the immune system." in answer.quotes[0].text


@pytest.mark.parametrize(
    "message",
    ["'studies have found links' is pretty vague tbh", "that's a lot of 'may' and 'can'",
     "sounds a bit vague", "hmm not very convincing"],
)  # fmt: skip
def test_saying_it_is_vague_is_doubt(real_pipeline, message):
    answer = real_pipeline.answer(message)
    assert answer.notice == real_pipeline.texts.reply("small_talk_doubt"), message


@pytest.mark.parametrize(
    "message",
    # Blind dev118, dev113: quoted as if they asked what leaky gut causes.
    ["Let me guess, you're going to tell me everything is caused by leaky gut.",
     "lemme guess, leaky gut is the cause of everything now lol"],
)  # fmt: skip
def test_a_scoff_that_asks_nothing_is_doubt(real_pipeline, message):
    answer = real_pipeline.answer(message)
    assert answer.notice == real_pipeline.texts.reply("small_talk_doubt") and not answer.quotes


def test_how_after_asking_whether_it_helps_asks_what_to_do(real_pipeline):
    """Blind dev65: "How?" after "Do people … get lasting relief by working on their gut?" asks
    for the steps, not how leaky gut comes about."""
    from bot.answering.conversation import Conversation

    conversation = Conversation()
    first = conversation.plan(1, "can fixing my gut help my joints?")
    conversation.settle(first, real_pipeline.answer_batch([first.request])[0])
    turn = conversation.plan(1, "How?")
    answer = real_pipeline.answer_batch([turn.request])[0]
    marked = [q.text[s - q.start : e - q.start] for q in answer.quotes for s, e in q.marks]
    assert any(sentence.startswith("Steps may include") for sentence in marked), marked
    assert not any("triggering immune responses" in sentence for sentence in marked)


def test_what_causes_a_leaky_gut_is_not_the_way_round(real_pipeline):
    answer = real_pipeline.answer("what causes the leaky gut in the first place?")
    assert "harm the gut in turn" not in (answer.notice or "")


def test_a_thing_of_its_own_in_general_leaves_the_subject_not_mentioned(real_pipeline):
    """Blind dev120: "ok what about joint pain in general, what causes it" after gout was told
    gout is not mentioned; "is it safe in general?" is still about the thing asked before."""
    general = Conversation()
    replies = []
    for message in ["do you know anything about gout", "ok what about joint pain in general, what causes it"]:
        turn = general.plan(1, message)
        replies.append(general.settle(turn, real_pipeline.answer_batch([turn.request])[0]))
    assert replies[1].status == "answered"
    assert any("cartilage breakdown" in q.text for q in replies[1].quotes)
    same = Conversation()
    for message in ["Is ashwagandha good for joint pain?", "is it safe in general?"]:
        turn = same.plan(1, message)
        reply = same.settle(turn, real_pipeline.answer_batch([turn.request])[0])
    assert reply.status == "unmentioned" and reply.subject == "ashwagandha"


def test_a_warning_sign_told_after_a_question_is_answered(real_pipeline):
    """Blind dev120: "no fever but theres some swelling in one knee" after "how do I know if my
    joint pain is serious" got "Okay."."""
    reply = real_pipeline.answer_batch(
        [Request("no fever but theres some swelling in one knee", after_question=True)]
    )[0]
    assert any("professional evaluation is essential" in q.text for q in reply.quotes)


def test_punctuation_spoken_to_voice_typing_is_read_as_punctuation(real_pipeline):
    """Blind dev120 (a grandmother using voice typing): "… is that true question mark"."""
    from bot.answering.inputs import spoken_punctuation

    assert spoken_punctuation("is that true question mark") == "is that true?"
    assert spoken_punctuation("oh my goodness comma so what") == "oh my goodness, so what"
    assert spoken_punctuation("it came to a full stop") == "it came to a full stop"
    answer = real_pipeline.answer("hello question mark is this the health bot")
    assert answer.status == "small_talk" and "question mark" not in answer.question


def test_asking_what_a_thing_is_after_a_question_borrows_nothing(real_pipeline):
    """A newcomer's trial (Telegram, after a question): "gorgeous!! what yarn is that" was
    answered with the previous question's passages again."""
    conversation = Conversation()
    first = conversation.plan(1, "can leaky gut actually cause joint pain?")
    conversation.settle(first, real_pipeline.answer_batch([first.request])[0])
    turn = conversation.plan(1, "gorgeous!! what yarn is that")
    answer = real_pipeline.answer_batch([turn.request])[0]
    assert answer.status == "small_talk" and not answer.quotes


def test_a_follow_up_that_asks_what_does_instead_does_not_borrow_the_thing_never_mentioned(
    real_pipeline,
):
    # Blind dev128: "what does fix it then" after intermittent fasting was told again that the
    # articles do not mention fasting, and so was "is that proven" after it.
    _, otherwise, proven = _chat(
        real_pipeline, "does intermittent fasting fix leaky gut", "what does fix it then",
        "is that proven",
    )  # fmt: skip
    assert otherwise.status == "answered" and otherwise.quotes
    assert proven.status == "answered" and any("research" in q.text for q in proven.quotes[:3])
    # ... but what to take in place of a medicine they do not say (dev46).
    _, instead = _chat(
        real_pipeline,
        "i run 40k a week and pop ibuprofen for my knees. is ibuprofen bad for the gut lining?",
        "what should i use instead then",
    )
    assert not instead.answered or instead.status == "unmentioned"


def test_asking_whether_to_see_someone_gets_the_articles_advice_however_far(real_pipeline):
    # Blind dev128 and dev127: "Does she need to see someone?" after a question about food at
    # home found the advice too far from it and got "I could not find a passage".
    *_, see = _chat(
        real_pipeline,
        "my mum's knees ache and she has tummy trouble a lot",
        "Is there anything food-wise we can do at home?",
        "Does she need to see someone?",
    )
    assert see.status == "answered"
    assert "professional" in see.quotes[0].text


def test_how_long_the_healing_takes_is_not_asked_of_the_thing_never_mentioned(real_pipeline):
    # Blind dev125 and dev117: "how long till it gets better tho" after ashwagandha, and "does it
    # go away if i fix my gut tho" after ibuprofen, were told again that the articles do not
    # mention it; the writers ask how long the gut's healing takes, and what it does.
    weeks = "Some people notice changes within weeks"
    _, how_long = _chat(real_pipeline, "can i take ashwagandha for it", "how long till it gets better tho")
    assert how_long.status == "answered"
    assert any(weeks in q.text for q in how_long.quotes[:3])
    _, fixed = _chat(
        real_pipeline, "should i take ibuprofen before games", "does it go away if i fix my gut tho"
    )
    assert fixed.status == "answered" and fixed.quotes


def test_a_follow_up_of_its_own_after_a_thing_never_mentioned_is_not_told_of_it(real_pipeline):
    # Blind dev138: after "and dairy?", "what about energy gels lol" and "What about cortisone
    # shots", the next follow-up asked about sleep, how soon a diet shows and when to see a
    # doctor, and was told again that the articles do not mention dairy, gels or the shots.
    *_, sleep = _chat(
        real_pipeline,
        "my mom has rhuematoid arthritis, can her gut be involved??",
        "and dairy? she drinks lot of milk chai",
        "ok ok. what abt her sleep, does that matter",
    )
    assert sleep.status == "answered"
    assert "improving sleep" in sleep.quotes[0].text
    *_, soon = _chat(
        real_pipeline,
        "real question, can what I eat make my knees ache after runs?",
        "what about energy gels lol",
        "and if I cut that stuff out how soon would I notice",
    )
    assert soon.status == "answered"
    assert any("within weeks" in q.text for q in soon.quotes[:3])
    *_, care = _chat(
        real_pipeline,
        "my dad is 80, is it just age or could it be something else with his knees",
        "What about cortisone shots",
        "bot at what point should he get it looked at",
    )
    assert care.status == "answered"
    assert "professional" in care.quotes[0].text


def test_a_condition_put_to_the_last_answer_is_answered_not_acknowledged(real_pipeline):
    # Blind dev138: "and if I sleep 5 hours only" after stress got "Okay".
    *_, sleep = _chat(
        real_pipeline,
        "stress can affect joints? i am very stressed at work",
        "and if I sleep 5 hours only",
    )
    assert sleep.status == "answered"
    assert any("improving sleep" in q.text for q in sleep.quotes[:3])


def test_a_question_nothing_answers_alone_is_read_after_the_one_before(real_pipeline):
    # Blind dev127, dev128, dev131: "What would you suggest I try first?", "Which food is bad?",
    # "how long should I keep going?" right after a question got "I could not find a passage".
    from bot.answering.conversation import Conversation

    chat = Conversation()
    ask = lambda request: real_pipeline.answer_batch([request])[0]  # noqa: E731
    chat.answer(1, "could the bloating and the achy joints be connected?", ask)
    first = chat.answer(1, "What would you suggest I try first?", ask)
    assert first.context and "removing inflammatory foods" in first.quotes[0].text
    # ... but a remark that asks nothing is not glued to it, nor a message in a new chat.
    chat.answer(2, "could the bloating and the achy joints be connected?", ask)
    remark = chat.answer(2, "my cat is asleep on the keyboard", ask)
    assert not remark.urgent and not remark.quotes and remark.context is None
    alone = Conversation().answer(3, "What would you suggest I try first?", ask)
    assert not alone.quotes


@pytest.mark.parametrize(
    "message",
    # A code review: read after the last question, these got its quotes.
    ["how often should I wash my bedsheets?", "what's a good gift for my mum's birthday?",
     "how do I get my kid to eat vegetables?", "how many hours should a teenager sleep?",
     "ok different question: how often should I wash my bedsheets?"],
)  # fmt: skip
def test_a_question_of_its_own_nothing_answers_is_not_read_after_the_last(real_pipeline, message):
    from bot.answering.conversation import Conversation

    chat = Conversation()
    ask = lambda request: real_pipeline.answer_batch([request])[0]  # noqa: E731
    chat.answer(1, "can leaky gut cause joint pain?", ask)
    answer = chat.answer(1, message, ask)
    assert answer.context is None and answer.status != "answered"


def test_an_emoji_does_not_pull_a_question_away_from_its_answer(real_pipeline):
    # Blind dev138: "ok so what am I actually supposed to eat 😅" got "I could not find a
    # passage"; the model reads the emoji as an unknown word piece.
    answer = real_pipeline.answer("ok so what am I actually supposed to eat 😅")
    assert answer.status == "answered"
    assert any("removing inflammatory foods" in q.text for q in answer.quotes[:3])


@pytest.mark.parametrize(
    "message",
    # Blind dev18: the child's words pulled the question away from every passage, and "I could
    # not find a passage" ended the chat's subject.
    ["my son is 9 and keeps getting stomach aches and sore ankles, is that linked?"],
)  # fmt: skip
def test_a_question_about_someone_is_answered_as_the_symptoms_are(real_pipeline, message):
    answer = real_pipeline.answer(message)
    assert answer.status == "answered"
    assert any("gut" in q.text.casefold() for q in answer.quotes[:3])


def test_a_story_after_a_greeting_is_what_the_next_question_asks_about(real_pipeline):
    """A newcomer's trial: the story's "it" was read as the greeting ("I hope you are well"
    was taken for a story), and digestion was answered without the stiff hands."""
    from bot.answering.conversation import Conversation

    chat = Conversation()
    for message in (
        "Good afternoon. I hope you are well.",
        "I am 78 years old and my hands are very stiff in the mornings.",
    ):
        turn = chat.plan(1, message)
        answer = chat.settle(turn, real_pipeline.answer_batch([turn.request])[0])
        assert answer.status == "small_talk" and not answer.quotes
    asked = chat.plan(1, "Would you kindly tell me whether my digestion could have anything to do with it?")
    assert asked.request.context == "I am 78 years old and my hands are very stiff in the mornings."


@pytest.mark.parametrize(
    "message",
    ["should I take him to a doctor?", "Ought I to have someone look at it?"],
)
def test_asking_whether_to_see_someone_is_answered_by_the_advice_to(real_pipeline, message):
    """A newcomer's trial: "should I take him to a doctor?" after a teenager's sore knees got the
    gut-healing passage again, under a footer about medicines."""
    _, answer = _chat(
        real_pipeline,
        "my 15 year old son has had sore knees for a few weeks, could it be his gut?",
        message,
    )
    assert answer.quotes and real_pipeline.detector.advises_care(answer.quotes[0].text)


def test_news_of_a_diagnosis_is_met_with_a_word_for_it(real_pipeline):
    """A newcomer's trial: "I was just diagnosed with rheumatoid arthritis last week" was only
    thanked for telling."""
    answer = real_pipeline.answer("I was just diagnosed with rheumatoid arthritis last week")
    assert answer.notice == real_pipeline.texts.reply("small_talk_diagnosed")
    assert not answer.quotes and answer.keeps_subject and answer.disclaimer
    # A story of no diagnosis keeps the plain reply.
    story = real_pipeline.answer("my knees are killing me today lol")
    assert story.notice == real_pipeline.texts.reply("small_talk_story")


def test_a_doctors_matter_for_soon_is_said_again_only_when_asked_about(real_pipeline):
    """After "blood on the paper for a week", "is that serious?" is told again to see a doctor
    soon (it had been told the articles do not cover it); a question of its own is answered
    without it, and nothing is told to call an emergency number now."""
    conversation = Conversation(ttl=300)
    soon = real_pipeline.texts.urgent["see_doctor"]

    def ask(message):
        turn = conversation.plan("c", message)
        return conversation.settle(turn, real_pipeline.answer_batch([turn.request])[0])

    told = ask("there's been bright red blood on the toilet paper when I wipe, for about a week")
    assert told.urgent_advice == (soon,)
    assert told.escalation == real_pipeline.texts.escalation_urgent["see_doctor"]
    asked = ask("is that serious?")
    assert asked.urgent_advice == (soon,) and asked.quotes == ()
    other = ask("does gluten cause joint pain?")
    assert other.urgent_advice == () and other.quotes
    assert_safety_texts(other, real_pipeline)
