"""A message that tells a story before it asks.

"Mum's 74 and still does the church flowers. Lately her knuckles are swollen. Should she get seen
by someone or is she right to wait?": read whole, the story can outweigh the question. Its asking
sentence is read on its own too, with its own subjects (the pipeline); a follow-up borrows what the
last question it continues names, not the story around it.
"""

from __future__ import annotations

import re
from collections.abc import Callable

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
# ... unless the words just before it tell it as part of the story ("after antibiotics my gut
# bugs are messed up", "like after antibiotics", "I have IBS and"), over normalised text.
_TOLD_BEFORE_RE = re.compile(
    r"(?:^| )(?:after|since|like|following|post|besides|beyond|apart from|except|without|if|"
    r"unless|because|though|although|"
    r"instead of|other than|rather than|(?<!better )(?<!worse )(?<!safer )(?<!healthier )"
    r"(?<!stronger )(?<!gentler )(?<!effective )than|have|has|had|got|with|being on|im on|i'm on|"
    r"been on)"
    r"(?: (?:a|an|the|my|his|her|our|their|some|taking|using|eating|drinking))* $"
    r"|(?:^| )(?:even though|even if|though|although|while|whilst|if|when) (?:i|im|i'm|ive|i've|"
    r"we|he|she|they|you|my [a-z]+) (?:[a-z0-9']+ ){0,3}$"
)
# Another question offered as an alternative ("can stress make it worse, or is it the weather?").
ALTERNATIVE_RE = re.compile(
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
    r"(?:better|best|safer|gentler|stronger|more effective|most effective)|would you|"
    r"works? (?:better|best)|helps? (?:more|most)|"
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
# Examples given of what is named ("nightshades like tomatoes and peppers"), read past.
_EXAMPLES_RE = re.compile(r"^(?:like|such as|including|especially|eg|e g) (?:[a-z0-9']+ ){1,3}")
_ITS_EFFECT_RE = re.compile(
    r"^(?:[a-z0-9']+ ){0,3}?(?:helps?|helping|work|works|working|cause[sd]?|causing|make|makes|"
    r"heal|heals|fix|fixes|reduce|reduces|lower|lowers|improve|improves|damage|damages|affect|"
    r"affects|trigger|triggers|rebuild|rebuilds|repair|repairs|show|shows|prevent|prevents|cure|"
    r"cures|treat|treats|treated|managed|change|changes|alter|alters|disrupt|disrupts|kill|"
    r"kills|wipe out|wipes out|mess with|messes with|cost|costs|cover|covers|raise|raises|"
    r"increase|increases|check for|checks for|detect|detects|worsen|worsens|hurt|hurts|harm|"
    r"harms|give|gives|interfere|interact|do|"
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
    r"what is|what are|whats|what's|what about|how about|signs of|symptoms of|causes of|cause of|"
    r"side effects of|risks of|dangers of|dose of|dosage of|treatment for|treatments for|cure for|"
    r"between|recover from|recovery from|recovering from|cause|causes|trigger|triggers|lead to|"
    r"is there|are there|is|are|damage|damages|harm|harms|affect|affects|attack|attacks|"
    r"spread to|spreads to|its|it's|it s|is it|thats|that's|can i|could i|should i|can you|"
    r"should you|is it ok to|is it okay to|is it safe to|is it bad to|is it fine to|"
    r"recover after|recovery after|recovering after|mess with|messes with|put|putting|apply|"
    r"make|makes|making|make you|make me|makes you|makes me|give you|give me|gives you|gives me|"
    r"help with|helps with|helping with|anything for|something for|tips for|tips on|advice for|"
    r"advice on|"
    r"applying|^and|^also|^plus|^or)"
    r"(?: (?:a|an|the|some|any|my|your|his|her|our|their|this|these|those|that|doing|having|"
    r"getting|about|ur|u))*|^) $"
)
# The word for the kind of thing at the end of a name, which a question may leave off.
_KIND_WORD_RE = re.compile(r" (?:disease|syndrome|disorder)$")
# A message of a few words that only names things, no asking word and no verb ("hashimotos and
# leaky gut", "IBS and knee pain connected?", "celiac vs leaky gut whats the difference"): it asks
# about each thing it names. Over normalised text.
_TERSE_RE = re.compile(
    r"^(?:(?:link|connection|relation) between )?"
    r"(?:[a-z0-9']+ ){0,3}[a-z0-9']+ (?:and|n|vs|versus|or|with|w|for|after) "
    r"(?:[a-z0-9']+ ){0,3}?[a-z0-9']+"
    r"(?P<tail> (?:connected|related|linked|link|connection|together|the same|same thing|"
    r"any link|any connection|whats the difference|what's the difference|difference))?$"
)
# ... words that tell a sentence, not a list of names.
_NOT_TERSE_RE = re.compile(
    rf"\b(?:{ASKING[3:-1]}|i|im|ive|me|my|mine|we|our|you|your|u|ur|he|she|they|it|its|this|that|"
    r"these|those|there|here|be|been|being|am|get|gets|got|take|takes|took|taking|eat|eats|ate|"
    r"eating|help|helps|helped|cause|causes|caused|make|makes|made|feel|feels|felt|need|needs|"
    r"want|try|tried|use|used|work|works|worked|start|started|stop|stopped|go|went|keep|"
    r"not|no|dont|don't|never|please|pls|thanks|thank)\b"
)
# "has acupuncture helped anyone …?": the asking word before the thing, not a thing had.
_PERFECT_RE = re.compile(r"^(?:has|have|had)$")
_PARTICIPLE_RE = re.compile(r"^(?:[a-z]+ed|done|been|made|given|taken|shown|proven|gone|brought)\b")
# A question about what the message just named, asking whether it works or is true ("My friend
# swears by turmeric. Does it actually work?", "I read that turmeric helps, is that true?").
_DOES_IT_WORK_RE = re.compile(
    r"^(?:(?:and|but|so|or)\s+)?(?:(?:does|do|did|will|would|can|could|is|are|was|were)\s+"
    r"(?:it|that|this|they|them|those|these)\s+(?:one\s+|test\s+|tests\s+|injections?\s+|diet\s+|"
    r"(?:kind|type|sort)\s+of\s+(?:medicine|medication|drug|pill|supplement|thing)s?\s+|"
    r"medicines?\s+|medications?\s+|drugs?\s+|pills?\s+|supplements?\s+|capsules?\s+|stuff\s+)?"
    r"(?:actually\s+|really\s+|even\s+|honestly\s+|also\s+|still\s+|ever\s+|maybe\s+|"
    r"possibly\s+)?"
    r"(?:be\s+what\W*s\s+|be\s+what\s+is\s+)?"
    r"|(?=(?:worth it|any good|true|any truth(?: (?:to|in) (?:that|this|it))?|true or "
    r"(?:not|false|myth)|fact or (?:fiction|myth)|myth or (?:fact|true))"
    r"\W*$))"
    # ("is it true the gut can make joints stiff?" asks of the gut, not of what came before)
    r"(?:work|works|help|helps|do anything|do much|true(?!\s+(?:that\s+)?(?!or\b)[\w']+\s+[\w']+)|right|"
    r"legit|real|any good|good|safe|"
    r"any truth|make|makes|cause|causes|be bad|bad|harmful|dangerous|be harmful|be dangerous|"
    r"wrecking|ruining|damaging|harming|hurting|messing up|messing with|fact|myth|mean|"
    r"be damaging|be harming|be hurting|be wrecking|be ruining|be irritating|be upsetting|"
    r"be messing up|be messing with|have changed|have damaged|have affected|have harmed|"
    r"have messed up|have messed with|show|detect|pick up|confirm|diagnose|be making|be giving|"
    r"coat|soothe|doing anything|"
    r"wear down|wear away|"
    r"worth it|a myth|a scam|rubbish|nonsense|damage|harm|hurt|wreck|ruin|irritate|upset|"
    r"interact|interfere|mess with|mess up|affect|too early|too late|too soon|too young|"
    r"too old|necessary|needed|worth doing|worth trying|worth a try|worth getting|"
    r"worth the money|reliable|accurate|linked|connected|related|the same|an autoimmune|"
    r"autoimmune)\b",
    re.IGNORECASE,
)
# ... or whether something causes it ("I have constant brain fog and fatigue. Can leaky gut
# cause those too?"): the last thing the sentence before names.
_CAUSES_IT_RE = re.compile(
    r"\b(?:cause|causes|causing|trigger|triggers|triggering|explain|explains|be behind|"
    r"be responsible for|lead to|leads to|contribute to|contributes to|be linked to|"
    r"be related to|be connected to|be the reason for|be the cause of)\s+"
    r"(?:those|these|them|that|it|this|all that|all this|both|either)"
    r"(?:\s+(?:too|as well|also|either|symptoms|problems|things))?\W*$",
    re.IGNORECASE,
)
# ... or whether the thing just told is why ("My vitamin D came back at 18 ng/mL. Could that be
# why my joints ache?"), where nothing the articles speak of follows it in its sentence ("I took
# antibiotics last year and my gut flora is off. Could that be why my elbows ache?" asks of the
# gut flora).
_THAT_IS_WHY_RE = re.compile(
    r"^(?:(?:and|so|but|ok|okay)\s+)?(?:could|can|would|might|is|was)\s+(?:that|this|it)\s+"
    r"(?:be\s+)?(?:why|the reason)\b",
    re.IGNORECASE,
)
# ... or what it means ("I tested positive for HLA-B27, what does that mean?").
# ... or whether to try it ("A friend swears the carnivore diet fixed her joints. Should I try
# it?").
_TRY_IT_RE = re.compile(
    r"^(?:(?:and|but|so|ok|okay)\s+)?(?:should|shall|can|could|would|do)\s+(?:i|we|you)\s+"
    r"(?:(?:try|take|do|use|start|give)\s+(?:it|that|this|them)(?:\s+a\s+(?:go|try|shot))?|"
    r"(?:do|try)\s+the\s+same|"
    # "Can I keep playing with it?" after a condition told
    r"(?:keep|still)\s+(?:playing|play|running|run|training|train|exercising|exercise|working|"
    r"work)\s+(?:with|on|through)\s+(?:it|that|this|them))"
    r"(?:\s+(?:too|then|as well))?\W*$",
    re.IGNORECASE,
)
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
    r"told|tells|swears|claims|believes|suggested|suggests|recommends|recommended|explained|"
    r"explains|mentioned|mentions)\b"
)
# ... a test told as what it found ("My gut microbiome test showed an imbalance. Can that affect
# my joints?"): the finding is asked about, unless the test itself is ("Is that test reliable?").
_FOUND_AFTER_RE = re.compile(r"^(?:showed|shows|found|finds|revealed)\b")
_ASKS_OF_TEST_RE = re.compile(
    r"\b(?:test|tests|testing|reliable|accurate|worth|result|results|mean|means)\b"
)
# A relation asked of "it"/"they" ("Are they linked?", "Is it autoimmune?") is not asked of what
# the person does, takes or gave up ("I do yoga every day …", "takes methotrexate", "after years
# of migraines").
_RELATES_RE = re.compile(r"\b(?:linked|connected|related|the same|autoimmune)\b")
_DOING_BEFORE_RE = re.compile(
    r"(?:^| )(?:do|does|doing|did|take|takes|taking|took|gave up|give up|given up|drink|drinks|"
    r"eat|eats|years of|months of|is on|am on|are on|was on|im on|i'm on|been on)"
    r"(?: (?:a|an|the|my|his|her|some|lots of|a lot of))* $"
)
# Where a clause may start within a sentence ("been constipated 4 days now, is senna ok?").
# ... "i get that imbalance is bad for joints but which foods raise bifido?" asks after "but".
_CLAUSE_RE = re.compile(rf",\s*|\s+-\s+|;\s*|\s+but\s+(?={ASKING}\b)")


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
    key = normalise(name)
    if not key:
        return False
    if terse(text):
        return _named_at(key, normalise(text)) is not None
    clause = asking_clause(text)
    if not clause or _WEIGHS_RE.search(clause):
        return False
    if (
        _CHOOSES_RE.match(clause)
        or _DOES_IT_WORK_RE.match(clause)
        or _MEANS_RE.match(clause)
        or _TRY_IT_RE.match(clause)
    ):
        # "which one is better?", "does it actually work?": about what the message named, unless
        # told as the story's ("like after antibiotics, can that affect my joints")
        told = normalise(text)
        if _TRY_IT_RE.match(clause) and len(sentences := split_sentences(text)) > 1:
            # "Should I try it?" asks of what the sentence just before names
            told = normalise(sentences[-2])
        named = _named_at(key, told)
        if named is None:
            return False
        before = f"{told[: named.start()].strip()} "
        after = told[named.end() :].strip()
        asked = normalise(clause)
        if _SOURCE_AFTER_RE.match(after):
            return False  # "my chiropractor said leaky gut … true?": who said it
        if (
            _DOES_IT_WORK_RE.match(clause)
            and _FOUND_AFTER_RE.match(after)
            and not _ASKS_OF_TEST_RE.search(asked)
        ):
            return False  # "My gut test showed an imbalance. Can that affect my joints?"
        if _RELATES_RE.search(asked) and _DOING_BEFORE_RE.search(before):
            return False  # "I do yoga every day … Are they linked?"
        return not _CONTEXT_BEFORE_RE.search(before)
    if (_CAUSES_IT_RE.search(clause) or _THAT_IS_WHY_RE.match(clause)) and _last_told(
        text, key, covered
    ):
        return True
    words = f" {normalise(clause)} "
    found = re.search(rf" {re.escape(key)}(?:e?s)? ", words)
    if found is None and (short := _KIND_WORD_RE.sub("", key)) != key:
        # "My cousin has Crohn's disease. Is Crohn's an autoimmune disease?"
        found = re.search(rf" {re.escape(short)}(?:e?s)? ", words)
    if found is None:
        return False
    between = words[: found.start() + 1].rstrip().endswith((" between", " between the"))
    alternative = alternative_before(words, found.start() + 1)
    later = alternative_after(words, found.end() - 1)
    if (
        covered is not None
        and not between
        and (
            covered(words_beside(words, found.start(), found.end()))
            or (alternative >= 0 and covered(content_words(words[:alternative])))
            or (later is not None and covered(content_words(words[later.end() :])))
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
            or (_PERFECT_RE.match(before) is not None and _PARTICIPLE_RE.match(after) is not None)
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


def _last_told(text: str, key: str, covered: Callable[[str], bool] | None) -> bool:
    """Whether the sentence before the last of ``text`` names ``key`` last, nothing the articles
    speak of after it ("I have brain fog and fatigue.", not "I have IBS and sore knees.")."""
    sentences = split_sentences(text)
    if len(sentences) < 2 or covered is None:
        return False
    told = normalise(sentences[-2])
    named = _named_at(key, told)
    return named is not None and not covered(content_words(told[named.end() :]))


def _named_at(key: str, words: str) -> re.Match[str] | None:
    """Where the normalised name ``key`` (or its plural) stands in normalised ``words``."""
    return re.search(rf"(?:^| ){re.escape(key)}(?:e?s)?(?: |$)", words)


def terse(text: str) -> bool:
    """Whether ``text`` only names things, a few words joined, without asking or telling anything
    in so many words ("hashimotos and leaky gut", "turmeric for knees?")."""
    words = normalise(text)
    found = _TERSE_RE.match(words)
    if found is None:
        return False
    named = words[: found.start("tail")] if found.group("tail") else words
    return not _NOT_TERSE_RE.search(named)


# A clause after a comma that opens with an asking word (not "can't", nor "have had it for
# years").
_ASKS_LAST_RE = re.compile(
    r",\s*(?:and\s+|but\s+|so\s+)?(?:does|do|did|is|are|was|were|should|could|would|will|what|how|"
    r"why|can(?!'t| ?not))\b[^,;]*$",
    re.IGNORECASE,
)


def weighed(words: str, subjects: SubjectCheck, covered: Callable[[str], bool]) -> bool:
    """Whether ``words`` name what the articles answer, and no other aspect they never say
    ("cold and rainy" is the weather twice)."""
    return covered(words) and not subjects.unsaid_aspects(f" {words} ")


def alternative_before(words: str, end: int) -> int:
    """Where, before ``end``, ``words`` (normalised) offer another question as an alternative
    ("… worse or is it the weather"; not "a blood or urine test"); -1 if they do not."""
    found = [m.start() for m in ALTERNATIVE_RE.finditer(words, 0, end)]
    return found[-1] if found else -1


def alternative_after(words: str, start: int) -> re.Match[str] | None:
    """The alternative ``words`` offer after ``start``, unless it goes on about the thing asked
    ("is senna ok or does it make your bowels lazy?"; "or could it be my gut?" is another)."""
    found = ALTERNATIVE_RE.search(words, start)
    if found and _POINTS_ON_RE.match(words, found.end()):
        return None
    return found


def content_words(words: str) -> str:
    """``words`` without those that say nothing of their own."""
    return " ".join(w for w in words.split() if w not in _BESIDE_WORDS)


def words_beside(words: str, start: int, end: int) -> str:
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
    return content_words(found)


def asking_clause(text: str, *, narrow: bool = True) -> str:
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


def weighs(clause: str) -> bool:
    """Whether ``clause`` weighs what it names against something ("is an X-ray enough?")."""
    return bool(_WEIGHS_RE.search(clause))


def compares(text: str) -> bool:
    """Whether what ``text`` asks weighs one thing against another ("Is a low FODMAP diet
    better than a gluten free one?"): what the articles say of one of them is no answer."""
    return clause_compares(asking_clause(text))


def clause_compares(clause: str) -> bool:
    """``compares`` for a message's asking clause already found (``asking_clause``)."""
    return bool(_COMPARES_RE.search(clause))


def asks_anything(text: str) -> bool:
    """Whether a sentence of ``text`` asks something: a question mark, an asking word first, or
    "whether" ("I would like to ask whether the keto diet is a good idea.")."""
    sentences = split_sentences(text)
    return (
        bool(_asking(sentences))
        or any(_WHETHER_RE.search(s) for s in sentences)
        # ... or a last clause that asks, unmarked ("RF negative but anti-CCP positive, does that
        # mean i have RA or not")
        or any(_ASKS_LAST_RE.search(s) for s in sentences)
    )


def asking_sentences(text: str) -> list[str]:
    """The sentences of ``text`` that ask something, in order."""
    return _asking(split_sentences(text))


def standing_question(text: str) -> str | None:
    """The last sentence of ``text`` that asks something without pointing back at what came
    before it ("is there a way to treat the root cause?" in "my painkillers only help. is there a
    way to treat the root cause? what would that look like"); None if there is none."""
    return next((s for s in reversed(_asking(split_sentences(text))) if not points_back(s)), None)


# "it" that stands for nothing ("how long does it take", "is it safe to …").
_DUMMY_IT_ANYWHERE_RE = re.compile(
    r"\b(?:(?:does|do|did|will|would|can|could)\s+it\s+take|it\s+takes?|is\s+it\s+(?:normal|"
    r"common|usual|possible|likely|true|worth|ok|okay|fine|bad|good|safe|wise|too late|"
    r"a good idea))\b",
    re.IGNORECASE,
)


def refers_back(part: str) -> bool:
    """Whether a part of a question points at what the rest names ("what is SIBO and how is it
    treated": "how is it treated"), not only with an "it" that stands for nothing ("how long does
    it take to heal leaky gut")."""
    return points_back(_DUMMY_IT_ANYWHERE_RE.sub(" ", part))


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


# What a question opens by leaving out, up to the comma that ends it ("Apart from leaky gut, what
# OTHER things can cause joint pain?").
_EXCLUDING_RE = re.compile(
    r"(^|[.!?]\s+)(?:(?:and|but|so|ok|okay|right|well)\W+)*(?:apart from|aside from|besides|"
    rf"other than|except for|except|beyond|not counting)\s[^,?.!]{{2,60}},\s*(?={ASKING}\b)",
    re.IGNORECASE,
)


def without_excluded(text: str) -> str:
    """``text`` without what a question opens by leaving out: "Apart from leaky gut, what OTHER
    things can cause joint pain?" is read as "what OTHER things can cause joint pain?", which
    the passage about leaky gut does not answer."""
    return _EXCLUDING_RE.sub(r"\1", text) if "," in text else text


def _asking(sentences: list[str]) -> list[str]:
    """Those of ``sentences`` that ask something: a question mark, an asking word first, or a
    question told ("He wants to know what the gut lining actually does.")."""
    return [
        s for s in sentences if s.endswith("?") or ASKS_RE.match(s) or _ASKS_TOLD_RE.search(s)
    ]


# A question told rather than asked: someone wants to know what, how or why.
_ASKS_TOLD_RE = re.compile(
    rf"\b(?:wants? to know|wanted to know|would like to know|'d like to know|wondering|"
    rf"wonders|curious|asked me to find out|need to know|needs to know) (?:{ASKING}|if|whether)\b",
    re.IGNORECASE,
)


def split_sentences(text: str) -> list[str]:
    """The sentences of ``text`` as written, without empty ones."""
    return [s.strip() for s in _SENTENCE_END_RE.split(text) if s.strip(" .!?…")]
