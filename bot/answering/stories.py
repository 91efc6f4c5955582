"""A message that tells a story before it asks.

"Mum's 74 and still does the church flowers. Lately her knuckles are swollen. Should she get seen
by someone or is she right to wait?": read whole, the story can outweigh the question. Its asking
sentence is read on its own too, with its own subjects (the pipeline); a follow-up borrows what the
last question it continues names, not the story around it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bot.answering.question_parts import ASKING, ASKS_RE, MIN_PART_WORDS, POINTS_BACK_RE
from bot.answering.subjects import SubjectCheck, normalise

# Where a sentence ends, as the message is written (what conversation.py splits on too).
_SENTENCE_END_RE = re.compile(r"(?<=[.!?…])\s+|\n+")
# "Is it normal for this to take longer?" asks in general: its "it" points at nothing.
_DUMMY_IT_RE = re.compile(
    r"^(?:(?:and|but|so)\s+)?(?:is|was|would|could|will)\s+it\s+(?:normal|common|usual|possible|"
    r"likely|true|worth|ok|okay|fine|bad|good|safe|wise|too late|a good idea)\b",
    re.IGNORECASE,
)

# A question that follows a condition ("if I cut out the bread, how long before I'd notice
# anything?"): what it asks is after the comma.
_CONDITION_RE = re.compile(
    r"^(?:(?:and|but|so|right|ok|okay|well)\W+)*(?:if|once|when|after)\s[^,?]{3,80},\s*"
    rf"(?={ASKING}\b)",
    re.IGNORECASE,
)
# Words that may point at what was told before them.
_POINTS_ANYWHERE_RE = re.compile(r"\b(?:it|that|this|they|them|those|these)\b", re.IGNORECASE)


# What a medicine, a condition or a procedure told in the story conditions: what else to take or
# eat with it, whether it is safe, how long until it works or things improve ("I'm on warfarin.
# Which supplements are good for the gut?", "I had a cortisone shot. How long before my joints
# improve?").
_LEANS_ON_TREATMENT_RE = re.compile(
    r"\b(?:supplements?|vitamins?|take|taking|eat|eating|diet|foods?|medicines?|medications?|"
    r"pills?|tablets?|safe|mix|combine|how long|how soon|how quickly|when will|improve|improves|"
    r"better|work|works|working|help|helps|heal|heals|healing)\b",
    re.IGNORECASE,
)


# A thing named within this many words of the start of what a message asks is what it asks about
# ("Does glucosamine rebuild cartilage?", "should i try the keto diet for my arthritis", "What
# are the early warning signs of Crohn's disease?").
ASKED_ABOUT_WORDS = 10
# An asking clause this short asks with the rest of its sentence ("Who first described it, and
# when?"): what it asks of its subject is read in the whole sentence.
SHORT_CLAUSE_WORDS = 3
# A group of people asked about stands this near the start of what a message asks ("can
# children get …", "how often do older people develop …").
GROUP_ASKED_WORDS = 4
# ... unless the words just before it tell it as part of the story ("after antibiotics my gut
# bugs are messed up", "like after antibiotics", "I have IBS and"), over normalised text.
_TOLD_BEFORE_RE = re.compile(
    r"(?:^| )(?:after|since|like|following|post|besides|beyond|apart from|except|without|if|"
    r"unless|because|though|although|"
    r"instead of|other than|rather than|(?<!better )(?<!worse )(?<!safer )(?<!healthier )"
    r"(?<!stronger )(?<!gentler )(?<!effective )than|have|has|had|got|with|being on|im on|i m on|"
    r"been on)"
    r"(?: (?:a|an|the|my|his|her|our|their|some|taking|using|eating|drinking))* $"
    r"|(?:^| )(?:even though|even if|though|although|while|whilst|if|when) (?:i|im|i m|ive|i ve|"
    r"we|he|she|they|you|my [a-z]+) (?:[a-z0-9']+ ){0,3}$"
)
# What is asked of a group of people: whether they get it.
_GETS_IT_RE = re.compile(
    r"^(?:(?:also|too|ever|even|really|usually|often|more|less) )*(?:get|gets|getting|develop|"
    r"develops|catch|be affected|suffer from|more prone|prone)\b"
)
_ONE_PERSON = frozenset(("my", "our", "his", "her", "their"))
_CAN_THEY_RE = re.compile(r" (?:can|could|will|would|might|may|is it possible for) ")
# ... and an aspect of it told, not asked ("I was diagnosed last year", "since my diagnosis").
# A possessive tells only where the clause opens with it or a telling word leads to it: "is it in
# my genes?" and "will it shorten my life expectancy?" ask.
# "with" and "given" tell only where the clause opens with them ("with my diagnosis, what should
# I eat?", not "is joint pain worse with the cold?"); "since" and "because" a few words back tell
# ("what can i do since my mums RA is genetic").
_TOLD_ASPECT_RE = re.compile(
    r"(?:(?:^| )(?:was|were|been|got|newly|recently|just|being|am|im|i m|after|since|following|"
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
# Another question offered as an alternative ("can stress make it worse, or is it the weather?").
_ALTERNATIVE_RE = re.compile(
    r" or (?:is|are|does|do|did|could|can|should|would|will|was|maybe|perhaps|just) "
)
# ... or told as a state the question sets ("what causes joint pain if my kidneys and liver are
# fine?").
_IF_STATE_RE = re.compile(r"\b(?:if|when|though|although) (?:my|your|the|his|her|their|our)\b")
# A word or two joined to what is named ("a blood or urine test", "yoga and pilates").
_JOINED_RE = re.compile(r"(?: [a-z0-9']+){1,2} (?:or|and)$")
_POINTS_ON_RE = re.compile(r"(?:it|they|that|this|them|those|these) (?!be\b)")
# ... but recovering after it asks about it ("how long to recover after a hip replacement").
_RECOVER_AFTER_RE = re.compile(
    r"\b(?:recover(?:y|ing)? after|(?:help|helps|helping|deal|dealing|cope|coping) with)"
    r"(?: (?:a|an|the|my))? $"
)
# ... and before "does it work?", "is that bad for my gut?" and the like, only what sets it as
# the story's context ("like after antibiotics, can that affect my joints"): one taken or had is
# what is asked about ("been on omeprazole for years, is that bad for my gut long term").
_CONTEXT_BEFORE_RE = re.compile(
    r"(?:^| )(?:after|since|like|following|post|besides|beyond|apart from|except|without|"
    r"instead of|other than|rather than|because)(?: (?:a|an|the|my|his|her|our|their|some|"
    r"taking|using|eating|drinking))* $"
)
# ... and a question that weighs it against something else asks what the articles answer in
# general ("is just popping painkillers for my sore joints enough?", "painkillers vs fixing the
# root cause", "what does treating joint pain involve, beyond painkillers?").
_WEIGHS_RE = re.compile(
    r"\b(?:enough|instead|vs|versus|rather|beyond|alternatives?|besides|apart|other than|"
    r"more than)\b",
    re.IGNORECASE,
)
# ... or takes it for a mere stopgap, before naming it ("why not just take painkillers", "is
# only taking ibuprofen ok?"); after it, "just" says something else ("or is it just hype").
_ONLY_BEFORE_RE = re.compile(r"\b(?:just|only|simply|merely)\b")
# A question that chooses between the things the story named ("My rheumatologist wants to
# start me on methotrexate but I read hydroxychloroquine is gentler. Which one is better?").
_CHOOSES_RE = re.compile(
    r"^(?:(?:and|but|so)\s+)?(?:which|what)\s+(?:one|of (?:them|the two|these|those)|is "
    r"(?:better|best|safer|gentler|stronger)|would you|works? (?:better|best)|helps? (?:more|most)|"
    r"s better)\b",
    re.IGNORECASE,
)
# Asking in a sentence that does not open with an asking word: what follows "whether" or "if"
# ("I would like to ask whether the keto diet is a good idea").
_WHETHER_RE = re.compile(
    r"\b(?:ask|know|wondering|wonder|wondered|curious|tell me|find out|check)\s+(?:you\s+)?"
    r"(?:whether|if)\s+",
    re.IGNORECASE,
)
# What makes a thing named what is asked about: what it does or is ("is turmeric good for…",
# "does glucosamine rebuild cartilage", "can tomatoes and other nightshade veg make arthritis
# worse"), over normalised text, within a few words after it …
# Weighing one thing against another.
_COMPARES_RE = re.compile(
    r"\b(?:better|worse|healthier|safer|more effective|less effective|stronger|gentler) than\b|"
    r"\bvs\b|\bversus\b|\bcompared (?:to|with)\b",
    re.IGNORECASE,
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
_PIVOT_RE = re.compile(r" (?:different (?:from|to|than)|differs? from|vs|versus|than|or) |\bbetween ")
# How two things differ.
_DIFFER_RE = re.compile(
    r"\bdifferences? between\b|\bhow (?:is|are|do|does) .{1,60}? (?:differ|different|differently)\b|"
    r"\b(?:is|are) .{1,60}? different (?:from|to|than)\b|\bdistinguish\b|\btell (?:them|the two) "
    r"apart\b",
    re.IGNORECASE,
)
# Examples given of what is named ("nightshades like tomatoes and peppers"), read past.
_EXAMPLES_RE = re.compile(r"^(?:like|such as|including|especially|eg|e g) (?:[a-z0-9']+ ){1,3}")
_ITS_EFFECT_RE = re.compile(
    r"^(?:[a-z0-9']+ ){0,3}?(?:helps?|helping|work|works|working|cause[sd]?|causing|make|makes|"
    r"heal|heals|fix|fixes|reduce|reduces|lower|lowers|improve|improves|damage|damages|affect|"
    r"affects|trigger|triggers|rebuild|rebuilds|repair|repairs|show|shows|prevent|prevents|cure|"
    r"cures|treat|treats|treated|managed|change|changes|alter|alters|disrupt|disrupts|kill|"
    r"kills|wipe out|wipes out|mess with|messes with|cost|costs|cover|covers|raise|raises|"
    r"increase|increases|check for|checks for|detect|detects|worsen|worsens|hurt|hurts|harm|harms|give|gives|interfere|interact|do|"
    r"relieve|ease|eases|boost|boosts|good|bad|safe|ok|okay|fine|worth|better|best|worse|"
    r"wreck|wrecks|ruin|ruins|destroy|destroys|mess up|messes up|upset|upsets|irritate|"
    r"irritates|inflame|inflames|weaken|weakens|"
    r"effective|dangerous|harmful|healthy|the same|different|related|linked|connected|"
    r"contagious|genetic|hereditary|a good idea|a bad idea|a waste|a myth|real|legit|true|vs|"
    r"be (?:the )?(?:reason|cause|why|causing|behind|to blame)|"
    r"versus|or (?:not|is it|does it|do they|are they))\b"
)
# … or what is asked of it, before it ("should I try acupuncture", "what is slippery elm", "the
# early warning signs of Crohn's disease", "the difference between crohns and colitis", "recover
# from a total knee replacement", "can leaky gut cause acne").
_ASKS_OF_IT_RE = re.compile(
    r"(?:\b(?:try|trying|take|taking|use|using|start|starting|on|need|get|getting|recommend|"
    r"eat|eating|drink|drinking|avoid|avoiding|cut out|cutting out|give up|giving up|"
    r"what is|what are|whats|what s|what about|how about|signs of|symptoms of|causes of|cause of|"
    r"side effects of|risks of|dangers of|dose of|dosage of|treatment for|treatments for|cure for|"
    r"between|recover from|recovery from|recovering from|cause|causes|trigger|triggers|lead to|"
    r"is there|are there|is|are|damage|damages|harm|harms|affect|affects|attack|attacks|"
    r"spread to|spreads to|its|it's|it s|is it|thats|that's|can i|could i|should i|can you|"
    r"should you|is it ok to|is it okay to|is it safe to|is it bad to|is it fine to|"
    r"recover after|recovery after|recovering after|mess with|messes with|put|putting|apply|"
    r"make you|make me|makes you|makes me|give you|give me|gives you|gives me|help with|helps with|"
    r"helping with|anything for|something for|"
    r"applying|^and|^also|^plus|^or)"
    r"(?: (?:a|an|the|some|any|my|your|his|her|our|their|this|these|those|that|doing|having|"
    r"getting|about))*|^) $"
)
# A question about what the message just named, asking whether it works or is true ("My friend
# swears by turmeric. Does it actually work?", "I read that turmeric helps, is that true?").
_DOES_IT_WORK_RE = re.compile(
    r"^(?:(?:and|but|so|or)\s+)?(?:(?:does|do|did|will|would|can|could|is|are|was|were)\s+"
    r"(?:it|that|this|they|them|those|these)\s+(?:actually\s+|really\s+|even\s+|honestly\s+)?"
    r"|(?=(?:worth it|any good|true|any truth(?: (?:to|in) (?:that|this|it))?|true or (?:not|false))"
    r"\W*$))"
    r"(?:work|works|help|helps|do anything|do much|true|right|legit|real|any good|good|safe|"
    r"any truth|make|makes|cause|causes|be bad|bad|harmful|dangerous|be harmful|be dangerous|"
    r"worth it|a myth|a scam|rubbish|nonsense|damage|harm|hurt|wreck|ruin|irritate|upset|"
    r"interact|interfere|mess with|mess up|affect|too early|too late|too soon|too young|"
    r"too old|necessary|needed)\b",
    re.IGNORECASE,
)
# ... or what it means ("I tested positive for HLA-B27, what does that mean?").
_MEANS_RE = re.compile(
    r"^(?:(?:and|but|so|ok|okay)\s+)?what\s+(?:does|do|did|would|could)\s+(?:it|that|this|they|"
    r"those|these)\s+(?:result\s+|results\s+|test\s+|number\s+|level\s+|score\s+|reading\s+)?"
    r"(?:actually\s+|really\s+)?mean\b",
    re.IGNORECASE,
)
# Words that say nothing of their own beside a thing named with "or" or "and" ("is yoga or
# pilates better?": "better" names no second subject).
_BESIDE_WORDS = frozenset((
    "a", "an", "the", "my", "his", "her", "our", "their", "your", "it", "is", "are", "be", "that",
    "this", "those", "these", "other", "some", "any", "for", "to", "of", "in", "on", "with", "do",
    "does", "can", "could", "will", "would", "should", "may", "might", "what", "which", "how",
    "better", "best", "worse", "good", "bad", "safe", "help", "helps", "work", "works", "cause",
    "stop", "rest", "continue", "quit", "wait", "keep", "going", "completely", "altogether",
    "causes", "make", "makes", "more", "really", "actually", "even", "just",
))  # fmt: skip
_TOLD_AFTER_RE = re.compile(
    r"^(?:mine|my \w+|they|theyre|they're|it's|its|i|im|i'm|i've|ive) (?:are|is|get|gets|feel|feels|"
    r"seem|seems|hurt|hurts|ache|aches|was|were|have|had|get|do|did|am)\b(?!.*\?)",
    re.IGNORECASE,
)
# Who told the claim ("my chiropractor said …", "my massage therapist reckons …").
_SOURCE_AFTER_RE = re.compile(
    r"^(?:(?:therapist|therapists|practitioner|guy|lady|person) )?(?:said|says|say|reckons|thinks|"
    r"told|tells|swears|claims|believes|suggested|suggests|recommends|recommended)\b"
)
# Where a clause may start within a sentence ("been constipated 4 days now, is senna ok?").
_CLAUSE_RE = re.compile(r",\s*|\s+-\s+|;\s*")


def asks_about(
    text: str,
    name: str,
    covered: Callable[[str], bool] | None = None,
    *,
    any_shape: bool = False,
) -> bool:
    """Whether the thing ``name`` (as the message writes it) is what ``text`` asks about, not a
    part of the story around the question: "Is turmeric good for joint inflammation?" asks about
    turmeric; "I took antibiotics last year. Could that be why my elbows ache?" and "whats the
    point of looking after my gut instead of just popping painkillers" do not ask about what
    they name. What the articles say in general answers only the second kind.

    ``any_shape``: a thing named in the asking clause, and not told there as the story's, is
    asked about whatever is asked of it ("How long does it take to recover from a total knee
    replacement?"); without it, only what is asked of a part of the body in so many words counts
    ("does lupus damage the kidneys?", not "what is the inside skin of the bowel for?")."""
    clause = _asking_clause(text)
    if not clause or _WEIGHS_RE.search(clause):
        return False
    key = normalise(name)
    if not key:
        return False
    if _CHOOSES_RE.match(clause) or _DOES_IT_WORK_RE.match(clause) or _MEANS_RE.match(clause):
        # "which one is better?", "does it actually work?": about what the message named, unless
        # told as the story's ("like after antibiotics, can that affect my joints")
        named = re.search(rf"(?:^| ){re.escape(key)}(?:e?s)?(?: |$)", normalise(text))
        if named is not None and _SOURCE_AFTER_RE.match(normalise(text)[named.end() :]):
            return False  # "my chiropractor said leaky gut … true?": who said it
        return named is not None and not _CONTEXT_BEFORE_RE.search(
            f"{normalise(text)[: named.start()].strip()} "
        )
    words = f" {normalise(clause)} "
    found = re.search(rf" {re.escape(key)}(?:e?s)? ", words)
    if found is None:
        return False
    between = words[: found.start() + 1].rstrip().endswith((" between", " between the"))
    alternative = _alternative(words, found.start() + 1)
    later = _later_alternative(words, found.end() - 1)
    if (
        covered is not None
        and not between
        and (
            covered(_beside(words, found.start(), found.end()))
            or (alternative >= 0 and covered(_content(words[:alternative])))
            or (later is not None and covered(_content(words[later.end() :])))
        )
    ):
        # "Can stress make my joints worse, or is it the rainy weather?": the articles answer
        # what it is weighed against.
        return False
    before = words[: found.start() + 1].strip()
    after = words[found.end() - 1 :].strip()
    return (
        len(before.split()) <= ASKED_ABOUT_WORDS
        and (
            not _TOLD_BEFORE_RE.search(f"{before} ")
            or _RECOVER_AFTER_RE.search(f"{before} ") is not None
        )
        and not _IF_STATE_RE.search(before)
        and not _ONLY_BEFORE_RE.search(before)
        and bool(
            any_shape
            or _ITS_EFFECT_RE.match(after)
            # "Do nightshades like tomatoes and peppers make arthritis flare?"
            or _ITS_EFFECT_RE.match(_EXAMPLES_RE.sub("", after))
            or _ASKS_OF_IT_RE.search(f"{before} ")
            # "is there a blood or urine test?": asked with what it is joined to
            or _ASKS_OF_IT_RE.search(_JOINED_RE.sub("", before) + " ")
        )
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
    sentences = split_sentences(text)
    if not _asking(sentences) and not any(_WHETHER_RE.search(s) for s in sentences):
        return None
    clause = _asking_clause(text)
    whole = _asking_clause(text, narrow=False)
    readings = [clause]
    # "Who first described it, and when?", "is there a test to find out if i have it?": a
    # sentence that opens asking is read whole as well.
    if len(clause.split()) <= SHORT_CLAUSE_WORDS or ASKS_RE.match(whole):
        readings.append(whole)
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
            rest = _also_answered(words, start, end, whole, subjects, covered)
            if reading is not clause and covered is not None and ASKS_RE.match(clause):
                # "Should probiotics be taken before or after meals, and do they help leaky
                # gut?": the last clause asks what the articles answer.
                last = normalise(clause)
                rest = rest or (
                    not subjects.unsaid_aspects(f" {last} ")
                    and _weighed(_content(last), subjects, covered)
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
    before = _alternative(words, start)
    after = _later_alternative(words, end)
    told = normalise(whole)
    clause = words.strip()
    earlier = told[: len(told) - len(clause)] if told.endswith(clause) else ""
    later_and = re.search(
        r" and (?:what|how|does|do|did|is|are|can|could|should|will|would|why) ", words[end:]
    )
    return (
        (later_and is not None and _weighed(_content(words[end + later_and.start() :]), subjects, covered))
        or _weighed(_beside(words, start - 1, end + 1), subjects, covered)
        or (before >= 0 and _weighed(_content(words[:before]), subjects, covered))
        or (after is not None and _weighed(_content(words[after.end() :]), subjects, covered))
        or (
            bool(earlier.strip())
            and bool(ASKS_RE.match(whole))
            and _weighed(_content(earlier), subjects, covered)
        )
    )


def asks_whether_they_get(
    text: str, name: str, covered: Callable[[str], bool] | None = None
) -> bool:
    """Whether ``text`` asks whether a group of people gets something ("Can children get a leaky
    gut too?", "do older people develop it more?"): what the articles say in general does not
    answer it. One person ("why does my daughter get knee pain?") is answered in general."""
    key = normalise(name)
    words = f" {normalise(_asking_clause(text))} "
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
    found = _ALTERNATIVE_RE.search(words)
    return found is not None and covered is not None and covered(_content(words[found.end() :]))


def _weighed(words: str, subjects: SubjectCheck, covered: Callable[[str], bool]) -> bool:
    """Whether ``words`` name what the articles answer, and no other aspect they never say
    ("cold and rainy" is the weather twice)."""
    return covered(words) and not subjects.unsaid_aspects(f" {words} ")


def _alternative(words: str, end: int) -> int:
    """Where, before ``end``, ``words`` (normalised) offer another question as an alternative
    ("… worse or is it the weather"; not "a blood or urine test"); -1 if they do not."""
    found = [m.start() for m in _ALTERNATIVE_RE.finditer(words, 0, end)]
    return found[-1] if found else -1


def _later_alternative(words: str, start: int) -> re.Match[str] | None:
    """The alternative ``words`` offer after ``start``, unless it goes on about the thing asked
    ("is senna ok or does it make your bowels lazy?"; "or could it be my gut?" is another)."""
    found = _ALTERNATIVE_RE.search(words, start)
    if found and _POINTS_ON_RE.match(words, found.end()):
        return None
    return found


def _content(words: str) -> str:
    """``words`` without those that say nothing of their own."""
    return " ".join(w for w in words.split() if w not in _BESIDE_WORDS)


def _beside(words: str, start: int, end: int) -> str:
    """The words joined by "or" or "and" to the thing found at ``words[start:end]`` (a
    normalised clause with a space at each end), those that name nothing left out."""
    after = re.match(r"(?:or|and) ((?:[a-z0-9']+ ){1,3})", words[end:])
    before = re.search(
        r"((?: [a-z0-9']+){1,3}) (?:or|and)(?: (?:the|a|an|my|his|her|their|some))? $",
        words[: start + 1],
    )
    found = (after.group(1) if after else "") + " " + (before.group(1) if before else "")
    if before and not after and before.group(0).rstrip().endswith((" or", " and")):
        # "a blood or urine test" is a blood test and a urine test ("my gut or the rainy
        # weather" is two things)
        found += " " + words[start:end].split()[-1]
    return _content(found)


def asking_clause(text: str) -> str:
    """What ``text`` asks: its last asking clause (bot.answering.stories._asking_clause)."""
    return _asking_clause(text)


def _asking_clause(text: str, *, narrow: bool = True) -> str:
    """What ``text`` asks: its last asking sentence (its last sentence when none asks), after a
    condition ("if I cut out the bread, how long …"), from the last clause that starts with an
    asking word ("been constipated 4 days now, is senna ok?"; ``narrow=False``: not so)."""
    sentences = split_sentences(text)
    if not sentences:
        return ""
    asking = _asking(sentences)
    if asking:
        last = asking[-1]
    else:  # "I would like to ask whether the keto diet is a good idea … Thank you."
        whether = [s for s in sentences if _WHETHER_RE.search(s)]
        last = whether[-1] if whether else sentences[-1]
    whether = _WHETHER_RE.search(last)
    if whether and narrow:
        last = last[whether.end() :]
    condition = _CONDITION_RE.match(last)
    if condition:
        last = last[condition.end() :]
    if not narrow:
        return last
    clauses = [c for c in _CLAUSE_RE.split(last) if c.strip()]
    starts = [i for i, clause in enumerate(clauses) if ASKS_RE.match(clause.strip())]
    if not starts:
        return last
    kept = clauses[starts[-1] :]
    # ... without a statement told after it ("can leaky gut make joints stiff, mine are worse in
    # the morning")
    while len(kept) > 1 and _TOLD_AFTER_RE.match(kept[-1].strip()):
        kept.pop()
    return " ".join(kept)


def leans_on_treatment(sentence: str) -> bool:
    """Whether ``sentence`` asks what to take or eat, whether it is safe, or how soon or whether
    things improve: questions a treatment or a condition told before them conditions."""
    return bool(_LEANS_ON_TREATMENT_RE.search(sentence))


def weighs_them(text: str, names: Sequence[str], speaks_of: Callable[[str, str], bool]) -> bool:
    """Whether what ``text`` asks weighs two of ``names`` against each other: how they differ or
    which is better ("psoriatic arthritis vs rheumatoid arthritis?"), not both against a third
    thing ("are lupus and RA different from wear and tear?") nor whether both are so ("is zinc
    different from collagen, or are both gut-healing nutrients?")."""
    clause = normalise(_asking_clause(text))
    if not (asks_how_they_differ(text) or compares(text) or _WHICH_RE.search(clause)):
        return False
    if _BOTH_RE.search(clause):
        return False
    spaced = f" {clause} "
    pivot = _PIVOT_RE.search(spaced)
    if pivot is None or pivot.group(0).startswith("between"):
        return True  # "the difference between X and Y"
    before, after = spaced[: pivot.start() + 1], spaced[pivot.end() - 1 :]

    def named_in(part: str) -> bool:
        return any(speaks_of(part, name) or f" {normalise(name)} " in part for name in names)

    return named_in(before) and named_in(after)


def weighs(clause: str) -> bool:
    """Whether ``clause`` weighs what it names against something ("is an X-ray enough?")."""
    return bool(_WEIGHS_RE.search(clause))


def asks_how_they_differ(text: str) -> bool:
    """Whether what ``text`` asks is how two things differ ("What's the difference between
    psoriatic arthritis and rheumatoid arthritis?", "how is lupus different from RA?")."""
    return bool(_DIFFER_RE.search(_asking_clause(text)))


def compares(text: str) -> bool:
    """Whether what ``text`` asks weighs one thing against another ("Is a low FODMAP diet
    better than a gluten free one?"): what the articles say of one of them is no answer."""
    return bool(_COMPARES_RE.search(_asking_clause(text)))


def asking_sentences(text: str) -> list[str]:
    """The sentences of ``text`` that ask something, in order."""
    return _asking(split_sentences(text))


def standing_question(text: str) -> str | None:
    """The last sentence of ``text`` that asks something without pointing back at what came
    before it ("is there a way to treat the root cause?" in "my painkillers only help. is there a
    way to treat the root cause? what would that look like"); None if there is none."""
    return next((s for s in reversed(_asking(split_sentences(text))) if not points_back(s)), None)


def points_back(sentence: str) -> bool:
    """Whether ``sentence`` has a word that may point at what was told before it ("Will fixing
    my gut help it?" after a bunion)."""
    return bool(_POINTS_ANYWHERE_RE.search(sentence))


def asking_sentence(text: str) -> str | None:
    """The last sentence of a message of several that asks something (ends with "?" or starts
    with an asking word), as written, when it says enough to be read on its own and does not
    ask about what the story told ("Could that be hurting my gut?"); else None. What follows a
    condition counts as such a sentence."""
    sentences = split_sentences(text)
    asking = _asking(sentences)
    if not asking:
        return None
    last = asking[-1]
    condition = _CONDITION_RE.match(last)
    if condition:
        last = last[condition.end() :]
        if points_back(last):  # "if leaky gut is real, why do doctors ignore it?"
            return None
    elif len(sentences) < 2:
        return None
    if POINTS_BACK_RE.match(last) and not _DUMMY_IT_RE.match(last):
        return None
    if len(last.split()) < MIN_PART_WORDS:
        return None
    return last


def _asking(sentences: list[str]) -> list[str]:
    """Those of ``sentences`` that ask something: a question mark, or an asking word first."""
    return [s for s in sentences if s.endswith("?") or ASKS_RE.match(s)]


def split_sentences(text: str) -> list[str]:
    """The sentences of ``text`` as written, without empty ones."""
    return [s.strip() for s in _SENTENCE_END_RE.split(text) if s.strip(" .!?…")]
