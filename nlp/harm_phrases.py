"""Phrases that describe harm, kept once and read twice: as theme cues (nlp/taxonomy.py `CUES`) and
as safeguarding rules (nlp/sensitive.py); `ASSAULT` and `DISHONESTY` name no theme and only the rules read them.

Regular expressions, matched case-insensitively between word boundaries; each starts and ends on
a word character. They name the behaviour rather than its label, because staff often describe what
happened ("put his hand on the small of my back", "threw a mug at the wall behind my head")
without writing "harassed" or "threatened". Learned from the development part of the labelled set
(nlp/eval/dev): each kind of wording a development case was missed for (an arm round someone's
waist, a question about what they wear, knowing where their child is, a claim for overtime never
worked) is written as the kind, not as the sentence. The held-out part is not scored to write them.
"""
from __future__ import annotations

_TOUCHING = r"(?:touch\w*|rubb?\w*|squeez\w*|grabb?\w*|grop\w*|pinch\w*|slapp?\w*|strok\w*|brush\w*|fondl\w*|caress\w*|hands?)"
_BODY = (r"(?:thighs?|knees?|legs?|bum|bottom|backside|arse|breasts?|chest|boobs|waist|hips?|back|neck|crotch|groin|"
         r"skirt|shoulders?|lap|bra)")
# A touching verb reaching a body part within a few words ("squeezed my thigh", "put his hand on
# the small of my back"), and the other forms unwanted physical contact takes.
UNWANTED_TOUCHING = [
    _TOUCHING + r"(?:\W+\w+){0,5}?\W+(?:my|her|his|their)\s+(?:\w+\s+)?" + _BODY,
    r"(?:rubb?\w*|brush\w*|press\w*)\s+(?:\w+\s+){0,2}against\s+(?:me|her|my)",
    r"(?:tried|try|trying|tries)\s+to\s+kiss", r"kiss\w*\s+(?:me|her)", r"hand\s+up\s+(?:my|her)",
    r"forced\s+(?:him|her)self\s+on", r"touch\w*\s+(?:women|girls|staff|people|colleagues)",
    r"hands\s+on\s+(?:my\s+|her\s+)?hips", r"sit\s+on\s+(?:his|her)\s+lap",
    # An arm or hand put round someone ("put his arm around my waist").
    r"(?:arms?|hands?)\s+(?:a)?round\s+(?:me|her|my)\b(?!\s+(?:team|family|colleagues|manager|work\w*|desk))",
]
# Sexual content aimed at someone: remarks, messages, pictures, visits.
SEXUAL_CONDUCT = [
    r"sexual(?:ly)?\s+(?!orientation|identity|health)\w+", r"(?:harass\w*|assault\w*|touch\w*|abus\w*)\s+(?:me\s+|her\s+)?sexually",
    r"rap(?:e|es|ed|ing|ist)", r"indecent\w*", r"exposed\s+(?:him|her)self", r"grop\w*", r"grabbed\s+(?:me|my)",
    r"touch(?:ed|ing)\s+(?:me\s+)?inappropriately", r"sex\s+life", r"pornograph\w*", r"nudes?", r"naked",
    r"underwear", r"lewd", r"frigid", r"explicit\s+(?:messages?|pictures?|images?|photos?|texts?|content|jokes?)",
    r"(?:comment\w*|remarks?|jokes?)\s+(?:about|on)\s+(?:my|her|their)\s+(?:breasts|chest|body|bum|bottom|legs|figure)",
    r"(?:came|come|comes|get|got)\s+(?:in)?to\s+my\s+(?:hotel\s+)?room", r"sleep\w*\s+(?:my|her|his)\s+way",
    # Questions about what someone wears or does in bed ("asking what I'm wearing").
    r"what\s+(?:I'm|I\s+am|I\s+was|I'd\s+been|I\s+had\s+on|she's|she\s+is|she\s+was|she'd\s+been|you're|you\s+are)\s+wearing",
    r"what\s+(?:I|she|you)\s+(?:sleep|sleeps|slept)\s+in",
    r"(?:sleep|slept|sleeping|go\s+to\s+bed)\s+with\s+(?:him|her|me)",
]
# Threats and violence: said, done to a person, or done to things beside them.
THREATS = [
    r"threaten\w*\s+to\s+(?:kill|hurt|harm|beat|stab|attack|burn|smash|break|punch|hit|come|find|do)",
    r"death\s+threats?", r"kill\s+(?:me|you|him|her)", r"(?:hit|punched|attacked|assaulted|grabbed|slapped|shoved)\s+me",
    r"(?:hurt|harm)\s+(?:me|you)", r"beat\s+(?:me|you)\s+up", r"sort\s+(?:me|you)\s+out", r"knows\s+where\s+(?:I|you)\s+live",
    r"(?:put|have)\s+(?:me|you|him|her)\s+in\s+hospital", r"do\s+(?:me|you|him|her)\s+over",
    r"(?:smash|break|kick|punch|bash)\s+(?:my|your|his|her)\s+(?:face|head|legs?|arms?|teeth|nose)",
    r"(?:'d|would|will|'ll|going\s+to)\W+find\s+(?:me|you)", r"watch\s+(?:myself|yourself|your\s+back|my\s+back)",
    r"accidents?\s+(?:happen|can\s+happen)",
    # Knowing where someone or their family can be found, said as a warning ("knows which nursery my son goes to").
    r"(?:knows?|knew)\s+(?:where|which|what)\s+(?:\w+\s+)?(?:I|you|my|your)\s+(?:\w+\s+){0,2}?"
    r"(?:live|lives|lived|park|parks|parked|go|goes|drops?|nursery|school|house|home|address)",
    r"(?:told|tells|telling|warned|warns|warning|said|says)\s+(?:me\s+)?(?:\w+\W+){0,12}?(?:I|you)\W+"
    r"(?:should|had\s+better|'d\s+better|better|ought\s+to|need\s+to)\W+(?:be\W+)?(?:very\W+)?careful",
    r"keep\s+(?:my|your)\s+mouth\s+shut", r"waiting\s+(?:for\s+(?:me|you)\s+)?outside",
    r"burn\s+(?:my|your|his|her|the)\s+(?:house|home|car|flat)", r"knife|knives|stab(?:s|bed|bing|bings)?|machete",
    r"(?:slash\w*|let\s+down|scratch\w*|keyed|smash\w*|damag\w*|vandalis\w*)\s+(?:my|her|his)\s+(?:tyres|car|windows?|windscreen|bike)",
    r"(?:shoved|pinned|kicked|head-?butted|throttled|strangled|choked)\s+(?:me|my)",
    r"pushed\s+me\s+(?:against|into|over|down|out)",
    r"(?:punched|kicked|smashed|threw|hurled|slammed|broke|banged)(?:\W+\w+){0,8}?\W+"
    r"(?:next\s+to|beside|behind|near|right\s+by|at|towards?|inches\s+from|past)\s+(?:me|my)",
    r"next\s+time\s+it(?:'ll|\s+will|\s+would|'d)\s+be\s+(?:me|you|my|your)",
    r"(?:I|you)(?:\s+(?:was|were|am|are|would\s+be|will\s+be)|'d\s+be|'ll\s+be)\s+next(?!\s+(?:in|on|to|for|week|month|year))",
    r"(?:you'll|you\s+will|I'd|I\s+would|I'll|I\s+will)\s+regret\s+it",
    # Threats to a career are threats ("threatened to mark me down", "threatening to move her").
    r"threaten\w*\s+to\s+(?:mark|move|sack|fire|discipline|transfer|block|ruin|end|finish)",
]
# Assault named as what was done, to the writer or to colleagues, by anyone (a detainee, a passenger,
# a colleague: "held by the throat", "spat at", "an officer punched during a search"). Only the
# threat rule reads them: an assault by a member of the public is no bullying cue. A sexual assault
# is the sexual reason's.
ASSAULT = [
    r"(?:held|grabbed|pinned|taken|had\s+\w+)\s+(?:\w+\s+){0,3}?by\s+the\s+(?:throat|neck)",
    r"(?<!are\s)(?<!be\s)spat\s+(?:at|on)",
    r"(?<!sexually\s)(?:assaulted|attacked|punched|kicked|bitten|head-?butted)\s+(?:\w+\s+){0,2}?(?:by|during|while)",
]
# Self-harm and suicidal thoughts ("career suicide" is a figure of speech).
SELF_HARM = [
    r"(?<!career\s)suicid\w*", r"self[-\s]?harm\w*", r"kill(?:ing)?\s+myself", r"take\s+my\s+own\s+life",
    r"end(?:ing)?\s+(?:my\s+(?:own\s+)?life|it\s+all)", r"(?:hurt|harm)(?:ing)?\s+myself", r"better\s+off\s+(?:dead|without\s+me)",
    r"(?:cut|cutting|burn|burning|scratch\w*)\s+(?:myself|my\s+(?:arms?|wrists?|legs?|skin))", r"overdos\w*",
    r"jump\w*\s+(?:off|in\s+front\s+of)", r"driv\w*\s+(?:my\s+car\s+)?into\s+(?:a|the)\s+(?:wall|tree|lorry|river)",
    r"(?:don't|do\s+not|dont)\s+want\s+to\s+(?:be\s+here|live|wake\s+up|be\s+alive)", r"want(?:ed)?\s+to\s+die",
    r"(?:no|any)\s+point\s+(?:in\s+)?(?:living|going\s+on|carrying\s+on)", r"wish\w*\s+I\s+(?:was|were)\s+dead",
    r"(?:don't|do\s+not|dont|didn't|did\s+not|didnt)\s+want\s+to\s+exist",
    # Looking up a way to die, or standing at the edge ("researched ways to do it", "thought about stepping off").
    r"(?:researched|researching|looked\s+up|googled|searched\s+for)\s+(?:\w+\s+)?(?:ways|how|methods)\s+to\s+(?:do\s+it|end\s+it|kill|die)",
    r"(?:stepp\w*|jump\w*|walk\w*|throw\w*\s+myself)\s+(?:off|in\s+front\s+of|under)\s+(?:the|a)\s+(?:platform|train|bridge|lorry|bus|roof)",
]
# Dishonesty, read only by the named-person rule (nlp/sensitive.py): the words for it, and a claim for
# work or travel that was never done ("claiming overtime he never worked"), which names no misconduct.
DISHONESTY = [
    r"racis\w*", r"abus\w*", r"corrupt\w*", r"fraud\w*", r"steal\w*", r"stole", r"misconduct", r"falsif\w*", r"fiddl\w*",
    r"embezzl\w*", r"brib\w*", r"kick-?backs?", r"backhanders?",
    r"(?:overtime|hours|shifts?|days?|expenses|mileage|journeys|trips|visits|meetings|travel|work)\s+(?:that\s+)?(?:he|she|they)"
    r"\s+(?:never|didn't|did\s+not|hadn't|had\s+not|hasn't|has\s+not|haven't)\s+(?:\w+\s+)?"
    r"(?:work\w*|do|does|did|done|make|makes|made|travel\w*|attend\w*|take|takes|took|go|goes|went)",
]
