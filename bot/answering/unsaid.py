"""What a question asks that the articles never say, of what they do speak of.

"Is leaky gut contagious?" names nothing the articles never mention, yet they never say whether it
can be caught: a passage about leaky gut under it would read as the answer. So would a passage about
people in general under "can children get it?", or the passage that lists two conditions under "how
do they differ?". These questions get a notice that the articles do not say it (texts.toml,
``unmentioned_aspects``) and, when they ask something else beside it, what answers that part.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from bot.answering.question_parts import ASKS_RE
from bot.answering.stories import (
    ALTERNATIVE_RE,
    alternative_after,
    alternative_before,
    asking_clause,
    asking_sentences,
    asks_anything,
    clause_compares,
    content_words,
    points_back,
    weighed,
    words_beside,
)
from bot.answering.subjects import SubjectCheck, normalise

# An asking clause this short asks with the rest of its sentence ("Who first described it, and
# when?"): what it asks of its subject is read in the whole sentence.
SHORT_CLAUSE_WORDS = 3
# A group of people asked about stands this near the start of what a message asks ("can
# children get …", "how often do older people develop …").
GROUP_ASKED_WORDS = 4
# What is asked of a group of people: whether they get it.
_GETS_IT_RE = re.compile(
    r"^(?:(?:also|too|ever|even|really|usually|often|more|less) )*(?:(?:get|gets|getting|develop|"
    r"develops|catch|be affected|suffer from|more prone|prone|end up with)\b|"
    # "can an 8 year old have leaky gut?", not "can my 6 month old have a little honey?"
    r"(?:have|has) (?=(?:it|this|that|leaky|a leaky|autoimmune|an autoimmune|arthritis|joint pain|"
    r"gut|ra|lupus|psoriasis|crohn|crohns|ibs|inflammation|the same)\b))"
)
_ONE_PERSON = frozenset(("my", "our", "his", "her", "their"))
_CAN_THEY_RE = re.compile(r" (?:can|could|will|would|might|may|is it possible for) ")
# An aspect told, not asked ("I was diagnosed last year", "since my diagnosis").
# A possessive tells only where the clause opens with it or a telling word leads to it: "is it in
# my genes?" and "will it shorten my life expectancy?" ask.
# "with" and "given" tell only where the clause opens with them ("with my diagnosis, what should
# I eat?", not "is joint pain worse with the cold?"); "since" and "because" a few words back tell
# ("what can i do since my mums RA is genetic").
_TOLD_ASPECT_RE = re.compile(
    r"(?:(?:^| )(?:was|were|been|got|newly|recently|just|being|am|im|i'm|after|since|following|"
    r"besides|apart from|except|without|other than|rather than)|^ (?:with|given)|^(?= (?:my|our|"
    r"his|her|their) ))(?: (?:a|an|the|my|his|her|our|their))* $"
    r"|(?:^| )(?:since|because) (?:[a-z0-9']+ ){0,4}$"
)
# ... and after a possessive in mid-clause, one that is not the clause's last word is the
# person's own ("does healing the gut help my genetic RA?", "what should I cut out during my
# relapse to calm my joints?"); last, it is asked ("is it in my genes?").
_POSSESSIVE_BEFORE_RE = re.compile(r" (?:my|our|his|her|their) $")
_CLAUSE_END_WORDS = frozenset(
    {"too", "at", "all", "or", "not", "either", "now", "then", "anymore", "later", "as", "well"}
)
# Which of two is better ("which is safer, …", "… or …, which works best?").
_WHICH_RE = re.compile(
    r"\b(?:which|what)(?: one)?(?: is| s| are| works?)? (?:better|worse|best|worst|safer|"
    r"stronger)\b|\bdeadlier\b|\bor\b.*\b(?:better|worse|best|worst)\b|"
    r"\b(?:better|worse|best|worst)\b.*\bor\b"
)
# ... whether both are so, rather than which.
_BOTH_RE = re.compile(r"\b(?:both|or (?:are|is|do|does) (?:they|both|it|these|those))\b")
# Where what is weighed stands against what it is weighed with.
_PIVOT_RE = re.compile(
    r" (?:different (?:from|to|than)|differs? from|vs|versus|than|or) |\bbetween "
)
# How two things differ.
_DIFFER_RE = re.compile(
    r"\bdifferences? between\b|\bhow (?:is|are|do|does) .{1,60}? (?:differ|different|differently)\b|"
    r"\b(?:is|are) .{1,60}? different (?:from|to|than)\b|\bdistinguish\b|\btell (?:them|the two) "
    r"apart\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class AskedAspect:
    """What a message asks of its subject that the articles never say."""

    said: str  # completes "The articles I quote do not say …"
    # The message asks something else too that the articles answer ("should I take zinc for
    # leaky gut, and what time of day?", "is it genetic or could it be my gut?").
    rest: bool = False


def asked_aspect(
    text: str, subjects: SubjectCheck, covered: Callable[[str], bool] | None = None
) -> AskedAspect | None:
    """What ``text`` asks of its subject that the articles never say ("Is leaky gut
    contagious?": "whether it can be caught or passed on"), or None. Only what its asking
    clause asks counts: "I was diagnosed last year. What should I eat?" and a story without a
    question ask none. Weighed against, or asked beside, what the articles answer
    (``covered``: "Is it my gut or the rainy weather?", "can stress make my joints worse, or
    is it the weather?"), the rest is answered too."""
    if not subjects.unsaid_aspects(f" {normalise(text)} "):
        return None  # most questions: no aspect the articles never say, anywhere
    if not asks_anything(text):
        return None
    clause = asking_clause(text)
    whole = asking_clause(text, narrow=False)
    readings = [clause]
    # "Who first described it, and when?", "is there a test to find out if i have it?": a
    # sentence that opens asking is read whole as well.
    if len(clause.split()) <= SHORT_CLAUSE_WORDS or ASKS_RE.match(whole):
        readings.append(whole)
    # "why do my joints ache more when it's about to rain? is that real or in my head": a last
    # question that points back asks with the one before it.
    asked = asking_sentences(text)
    if len(asked) > 1 and points_back(asked[-1]):
        readings.append(asked[-2])
    told = f" {normalise(text)} "  # the whole message, for an aspect's told_with words
    for reading in readings:
        words = f" {normalise(reading)} "
        for start, end, aspect in subjects.unsaid_aspects(words):
            if _TOLD_ASPECT_RE.search(words[:start]):
                continue
            after = words[end:].split()
            if _POSSESSIVE_BEFORE_RE.search(words[:start]) and (
                len(after) > 2 or not _CLAUSE_END_WORDS.issuperset(after)
            ):
                continue
            if any(f" {normalise(phrase)} " in words for phrase in aspect.unless):
                continue  # "will it get better on its own once I remove gluten?"
            if aspect.only_with and not any(
                f" {normalise(word)} " in words for word in aspect.only_with
            ):
                continue  # "does stress hit the gut at the same time as the immune system?"
            if aspect.told_with and not any(
                f" {normalise(word)} " in told for word in aspect.told_with
            ):
                continue  # "I have bloating and sore knees. Does that mean I have leaky gut?"
            rest = _also_answered(words, start, end, whole, subjects, covered)
            if reading is not clause and covered is not None and ASKS_RE.match(clause):
                # "Should probiotics be taken before or after meals, and do they help leaky
                # gut?": the last clause asks what the articles answer.
                last = normalise(clause)
                rest = rest or (
                    not subjects.unsaid_aspects(f" {last} ")
                    and weighed(content_words(last), subjects, covered)
                )
            return AskedAspect(aspect.said, rest)
    return None


def _also_answered(
    words: str,
    start: int,
    end: int,
    whole: str,
    subjects: SubjectCheck,
    covered: Callable[[str], bool] | None,
) -> bool:
    """Whether the clause ``words``, asking an aspect at ``words[start:end]``, asks beside it
    something the articles answer: weighed against it ("my gut or the rainy weather"), as an
    alternative before or after it ("… worse, or is it the weather?", "is it genetic or could it
    be my gut?"), or in an asking clause before it in the same sentence ("should I take zinc
    for leaky gut, and what time of day?")."""
    if covered is None:
        return False
    before = alternative_before(words, start)
    after = alternative_after(words, end)
    told = normalise(whole)
    clause = words.strip()
    earlier = told[: len(told) - len(clause)] if told.endswith(clause) else ""
    later_and = re.search(
        r" and (?:what|how|does|do|did|is|are|can|could|should|will|would|why) ", words[end:]
    )
    return (
        (
            later_and is not None
            and weighed(content_words(words[end + later_and.start() :]), subjects, covered)
        )
        or weighed(words_beside(words, start - 1, end + 1), subjects, covered)
        or (before >= 0 and weighed(content_words(words[:before]), subjects, covered))
        or (after is not None and weighed(content_words(words[after.end() :]), subjects, covered))
        or (
            bool(earlier.strip())
            and bool(ASKS_RE.match(whole))
            and weighed(content_words(earlier), subjects, covered)
        )
    )


def asks_whether_they_get(
    text: str, name: str, covered: Callable[[str], bool] | None = None
) -> bool:
    """Whether ``text`` asks whether a group of people gets something ("Can children get a leaky
    gut too?", "do older people develop it more?"): what the articles say in general does not
    answer it. One person ("why does my daughter get knee pain?") is answered in general."""
    key = normalise(name)
    words = f" {normalise(asking_clause(text))} "
    if not key or (key.split()[0] in _ONE_PERSON and not _CAN_THEY_RE.match(words)):
        # ... one person, when it asks whether they can ("can my 6 year old get leaky gut?")
        return False
    found = re.search(rf" {re.escape(key)}(?:e?s)? ", words)
    return (
        found is not None
        and len(words[: found.start()].split()) <= GROUP_ASKED_WORDS
        and bool(_GETS_IT_RE.match(words[found.end() - 1 :].strip()))
        # "Do older people get joint pain just from aging, or can it be the gut?"
        and not _offers_answered(words, covered)
    )


def _offers_answered(words: str, covered: Callable[[str], bool] | None) -> bool:
    """Whether ``words`` offer as an alternative a question the articles answer."""
    found = ALTERNATIVE_RE.search(words)
    return (
        found is not None and covered is not None and covered(content_words(words[found.end() :]))
    )


def weighs_them(text: str, names: Sequence[str], speaks_of: Callable[[str, str], bool]) -> bool:
    """Whether what ``text`` asks weighs two of ``names`` against each other: how they differ or
    which is better ("psoriatic arthritis vs rheumatoid arthritis?"), not both against a third
    thing ("are lupus and RA different from wear and tear?") nor whether both are so ("is zinc
    different from collagen, or are both gut-healing nutrients?")."""
    if not asks_to_weigh(text):
        return False
    spaced = f" {normalise(asking_clause(text))} "
    pivot = _PIVOT_RE.search(spaced)
    if pivot is None or pivot.group(0).startswith("between"):
        return True  # "the difference between X and Y"
    before, after = spaced[: pivot.start() + 1], spaced[pivot.end() - 1 :]

    def named_in(part: str) -> bool:
        return any(speaks_of(part, name) or f" {normalise(name)} " in part for name in names)

    return named_in(before) and named_in(after)


def asks_to_weigh(text: str) -> bool:
    """Whether what ``text`` asks weighs things against each other (how they differ, which is
    better), rather than whether both are so: a few regular expressions, before anything named
    in it is looked up."""
    asked = asking_clause(text)  # found once for the three questions asked of it
    clause = normalise(asked)
    return bool(
        _DIFFER_RE.search(asked) or clause_compares(asked) or _WHICH_RE.search(clause)
    ) and not _BOTH_RE.search(clause)


def asks_how_they_differ(text: str) -> bool:
    """Whether what ``text`` asks is how two things differ ("What's the difference between
    psoriatic arthritis and rheumatoid arthritis?", "how is lupus different from RA?")."""
    return bool(_DIFFER_RE.search(asking_clause(text)))


# What a question asks not to do a thing: "what does NOT cause joint pain", "which kinds of joint
# pain does gut healing not help", "which kinds of joint pain are NOT caused by the gut", "the
# signs that my joint pain is NOT coming from my gut". Not what to avoid ("what should I not eat":
# the articles name what to remove), nor what then ("what do I do if it doesn't work": an "if"
# stands between).
_NEGATED_VERB = (
    r"(?:(cause|help|work|affect|matter|trigger|damage|harm|hurt|count)(?:s|es|ed|d|ing)?"
    r"|(com(?:e|es|ing) from))\b"
)
# An asking word, then words of the same clause up to the negation, no "if" or "when" among them
# ("what happens when the gut barrier isn't working properly?" asks what happens).
_ASKED_THEN = r"(?:(?!\bif\b|\bwhen\b)[^?.!]){0,40}?"
_ASKS_NEGATED_RE = re.compile(
    r"\b(?:what|which)\b" + _ASKED_THEN + r"\b(?:does|do|did|is|are|will|would|can)\s+"
    r"(?:\w+\s+){0,2}not\s+"
    + _NEGATED_VERB
    + r"|\b(?:what|which)\b"
    + _ASKED_THEN
    + r"\b(?:doesn'?t|don'?t|isn'?t|aren'?t|won'?t|can'?t)\s+(?:\w+\s+)?"
    + _NEGATED_VERB,
    re.IGNORECASE,
)
# "what can stop probiotics from working?"
_ASKS_STOPS_RE = re.compile(
    r"\b(?:what|which)\b" + _ASKED_THEN + r"\bstops?\s+(?:[\w']+\s+){0,3}from\s+"
    r"(?:working|helping)\b",
    re.IGNORECASE,
)
# "In which cases is it fine to NOT see a doctor?", "when is joint pain nothing to worry about",
# "when do i NOT need to see a doctor for joint pain?"
_FINE_WITHOUT_RE = re.compile(
    r"\b(?:fine|ok|okay|safe|alright)\s+(?:to\s+)?not\s+(?:to\s+)?(?:see|go to|bother|call)\b|"
    r"\bnothing\s+to\s+worry\s+about\b|"
    r"\bwhen\b(?:(?!\bif\b)[^?.!]){0,30}?(?:\bnot|n't)\s+(?:need|have)\s+"
    r"(?:to\s+(?:see|go to|call)\s+)?(?:a|the|my)\s+(?:doctor|doc|gp|physician|professional)\b",
    re.IGNORECASE,
)
# A passage that says in as many words what does not do it.
_SAYS_NEGATED_RE = re.compile(
    r"\b(?:does|do|did|is|are|will|would|can|could)(?:\s+not|n't)\s+(?:\w+\s+)?" + _NEGATED_VERB,
    re.IGNORECASE,
)


def negated_unsaid(text: str, quoted: Iterable[str]) -> AskedAspect | None:
    """What ``text`` asks that does not cause, help or work ("what does NOT cause joint pain?"),
    or when it is fine to do without a doctor, when none of the passages to be ``quoted`` says
    what does not in as many words; None otherwise. Articles that say what causes and helps a
    thing answer the opposite question only where they say so. The passages are read only for a
    question that asks so (most ask nothing of the kind)."""
    if match := _ASKS_NEGATED_RE.search(text):
        verb = next(group for group in match.groups() if group).casefold()
        verb = "come from" if verb.endswith(" from") else verb  # ("is NOT coming from my gut")
        aspect = AskedAspect(f"what does not {verb} it")
    elif _ASKS_STOPS_RE.search(text):
        aspect = AskedAspect("what stops it from working")
    elif _FINE_WITHOUT_RE.search(text):
        aspect = AskedAspect("when it is fine to do without a doctor")
    else:
        return None
    return None if any(_SAYS_NEGATED_RE.search(passage) for passage in quoted) else aspect
