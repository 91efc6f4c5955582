"""Put an Answer together: fixed texts around the quotes of the retrieved passages."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from bot.answering.answer import Answer
from bot.answering.fixed_texts import FixedTexts
from bot.answering.inputs import InputProblem
from bot.answering.quoting import quote_hits
from bot.ingest.corpus import SourceDocument
from bot.retrieval.corpus_snapshot import CorpusSnapshot
from bot.retrieval.retrieve import Hit
from bot.safety.triage import Triage

# After "The articles do not mention X", at most this many general passages (introduced as such),
# and only one close to the question (a passage barely relevant is no help as "in general").
GENERAL_QUOTES = 1
GENERAL_MIN_COSINE = 0.4
# The person's own words for whose a subject is, and how the bot says them back.
_YOUR = {"my": "your", "our": "your", "mine": "yours", "ours": "yours"}
_OWN_RE = re.compile(r"\b(?:my|our|mine|ours)\b", re.IGNORECASE)


def compose_answer(
    question: str,
    triage: Triage,
    texts: FixedTexts,
    *,
    hits: Sequence[Hit] = (),
    problem: InputProblem | None = None,
    small_talk: str | None = None,
    story_speaks: bool = True,
    chatter: str | None = None,
    unmentioned: str | None = None,
    unmentioned_kind: str = "",
    rest_answered: bool = False,
    in_general: str | None = None,
    topics: Sequence[str] = (),
    documents: Mapping[str, SourceDocument] | None = None,
    escalation: str | None = None,
    asked: str = "",
    context: str | None = None,
    cautions: Sequence[str] = (),
    remembered: Sequence[str] = (),
    has_more: bool = False,
    offset: int = 0,
    max_chars: int = 0,
    snapshot: CorpusSnapshot | None = None,
    stood_down: str | None = None,
) -> Answer:
    """Fixed texts around the quotes: urgent advice first, escalation and disclaimer always.

    With ``snapshot`` (the corpus as indexed), a quote that is not its exact text is left out.
    """
    urgent_advice = tuple(texts.urgent[kind] for kind in triage.kinds)
    # Article quotes next to crisis advice would read as an answer to it: leave them out. Under
    # the advice repeated for a later message ("what foods should I avoid?"), that message is
    # answered too: the crisis line must not close the chat.
    quotable = not (problem or small_talk or ("crisis" in triage.kinds and triage.raised))
    if unmentioned and not rest_answered:
        hits = [hit for hit in hits if hit.cosine >= GENERAL_MIN_COSINE][:GENERAL_QUOTES]
    quotes = quote_hits(hits, documents, snapshot) if quotable else ()
    intro = texts.reply("answer_intro") if quotes else None
    subject = None
    listed = "; ".join(f"“{t}”" for t in topics)
    if small_talk and not urgent_advice:
        # News of a diagnosis is met with a word for it (a newcomer's trial: "I was just
        # diagnosed with rheumatoid arthritis last week" was thanked for telling, nothing more).
        told = small_talk in ("story", "told") and _DIAGNOSED_RE.search(question)
        notice = _small_talk_reply(texts, "diagnosed" if told else small_talk, listed)
        status = "small_talk"
    elif problem == "language" and triage.kinds:
        # Under urgent advice, "I can only answer questions in English" is noise, and under a
        # crisis line it reads as a door closed.
        notice, status = None, problem
    elif problem:
        notice = (
            texts.reply(problem, limit=max_chars) if problem == "too_long" else texts.reply(problem)
        )
        status = problem
    elif unmentioned and not offset and not triage.raised:
        # (Under urgent advice for the emergency a message tells, "the articles do not mention
        # blood pressure … ask a pharmacist" would read as a reason to wait: the advice is the
        # answer. What follows in the chat is still told what the articles do not mention.)
        # A kind of subject may have words of its own (subjects.toml's section): a pet is for
        # a vet, a pregnancy for a midwife; "unmentioned" says the rest.
        wording = f"unmentioned_{unmentioned_kind}"
        notice, status, subject = (
            texts.reply(
                wording if wording in texts.replies else "unmentioned",
                subject=addressed(unmentioned),
            ),
            "unmentioned",
            unmentioned,
        )
        intro = texts.reply("rest_intro" if rest_answered else "general_intro") if quotes else None
        has_more = False
    elif quotes:
        notice, status = None, "answered"
        if in_general and not offset:
            notice, intro = texts.reply("in_general", subject=addressed(in_general)), None
    elif offset:
        notice, status = texts.reply("no_more"), "no_more"
    elif urgent_advice or cautions:  # the advice or the caution is the answer
        notice, status = None, "no_answer"
    elif stood_down:  # "I went to A&E, they said it's fine": acknowledged, not "no passage"
        notice, status = texts.reply(stood_down), "no_answer"
    elif chatter:  # "Lovely chatting with you dear, bye now": small talk among other words
        notice, status = _small_talk_reply(texts, chatter, listed), "small_talk"
    else:
        notice, status = (
            texts.reply("no_answer", topics=listed),
            "no_answer",
        )
    if stood_down and status == "answered" and notice is None:
        notice = texts.reply(stood_down)  # ... and then what the articles say
    return Answer(
        question=question,
        quotes=quotes,
        escalation=escalation or texts.escalation,
        disclaimer=texts.disclaimer,
        disclaimer_short=texts.disclaimer_short,
        escalation_full=texts.escalation,
        urgent_advice=urgent_advice,
        cautions=tuple(cautions),
        remembered=tuple(remembered),
        notice=notice,
        intro=intro,
        flags=triage.flags,
        urgent_kinds=triage.kinds,
        has_more=has_more and bool(quotes),
        status=status,
        keeps_subject=small_talk in ("told", "story") and status == "small_talk" and story_speaks,
        subject=subject,
        language=texts.language,
        asked=asked or question,
        context=context,
    )


# Asking words a name of subjects.toml may open with ("does running": asked, not told).
_ASKING_LEAD_RE = re.compile(r"^(?:does|do|is|are|can|should|will)\s+(?=\S)", re.IGNORECASE)


def addressed(subject: str) -> str:
    """A subject as the bot says it back to the person: "my daughter" is "your daughter", "Does
    running" (a name of the list that opens asking) is "running"."""
    subject = _ASKING_LEAD_RE.sub("", subject)
    return _OWN_RE.sub(lambda match: _YOUR[match.group(0).casefold()], subject)


# A story that tells of a diagnosis ("dx'd with RA in March", "got diagnosed on tuesday").
_DIAGNOSED_RE = re.compile(r"\b(?:diagnosed|diagnosis|dx|dx'd|dxd|dx’d)\b", re.IGNORECASE)


def _small_talk_reply(texts: FixedTexts, kind: str, topics: str) -> str:
    """The reply to small talk of ``kind``, naming the articles' ``topics`` where it lists them
    (the off-topic reply)."""
    name = f"small_talk_{kind}"
    return (
        texts.reply(name, topics=topics) if "{topics}" in texts.replies[name] else texts.reply(name)
    )
