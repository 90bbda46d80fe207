"""The acceptance lexicon: whether a sentence accepts, concedes or closes a deal, FR and EN.

An agreement is recognised by what a sentence does, not by a handful of keywords: a small lexicon of
acceptance acts (FR and EN) — a first person accepting, agreeing, signing, conceding, taking the
offer ("je vous l'accorde", "we can live with that", "je prends"), an evaluation that settles it
("ça me va", "that works for us", "c'est bon pour moi"), a closing formula ("topez là", "you've got
yourself a deal") — plus structure: an affirmation with the candidate's offer restated ("OK pour vos
5 %", "Bon, 5 % alors", "Five percent it is"). Negated, asked or merely hypothetical forms do not
count: a negation in the same clause before it ("je ne signe pas", "no way we accept") or right after
it ("ça me va pas"), or a sentence that ends with a question mark.

Limits: a lexicon, so a phrasing outside it is not recognised; a negation counts within the five words
before the act in its clause or the two words after it; a condition anywhere in the sentence ("si",
"à une condition", "provided") cancels it, and so does a "but" after an evaluation; the candidate's
figures said back are recognised as `figures` reads them (digits, number words before a unit), and an
offer restated with a closer ("alors", "it is") only in a clause of eight words at most.
"""

from __future__ import annotations

import re
from decimal import Decimal
from functools import lru_cache

from personas.numerals import NUMBER_PIECE, figures
from personas.text_fold import WORD, any_of, normalise

_FR_SUBJECT = (
    r"(?:je |j'|(?<!ez )(?<!vous )nous |on |moi,? je |moi,? j')"  # "vous devez nous accorder": an object
)
_FR_OBJECTS = r"(?:(?:vous |te |le |la |les |l'|en |y |lui |leur |me |m'|nous |se |s')*)"
_FR_MODAL = (
    r"(?:(?:peux|pouvons|peut|pourrais|pourrions|pourrait|vais|allons|va|veux bien|voulons bien|veut bien"
    r"|suis (?:pret|prete|disposee?) a|sommes (?:prete?s|disposee?s) a|est (?:prete?s?|disposee?s?) a) "
    rf"{_FR_OBJECTS})?(?:(?:bien|donc|alors|volontiers|aussi) )?"
)
_FR_ACCEPT_VERBS = (
    r"(?:accept(?:e|es|ons|ez|ent|er|erai|erons|erais|erions)|valid(?:e|ons|er|erai|erons)"
    r"|approuv(?:e|ons|er|erai|erons)|enterin(?:e|ons|er)|ratifi(?:e|ons|er)|conced(?:e|ons|er|erai)"
    r"|ced(?:e|ons|er|erai|erons)|accord(?:e|ons|er|erai|erons)\b(?! (?:\w+ )?(?:minutes?|secondes?|instants?|moment))"
    r"|consen(?:s|tons|tir|tirai)"
    r"|engage|engageons|engager|engagerai|dis oui|disons oui|dire oui|dirai oui|incline|inclinons"
    r"|align(?:e|ons|er|erai|erons)"
    r"|donne (?:mon|notre) (?:accord|feu vert|aval|ok)|suis preneu(?:r|se)|sommes preneu(?:r|se)s"
    r"|suis partante?|sommes partante?s|suis (?:tout a fait )?d'accord|sommes (?:tout a fait )?d'accord"
    r"|est (?:tout a fait )?d'accord|tomb(?:e|ons) d'accord|suis convaincue?|marche(?= *(?:[.!,;:]|$))"
    r"|suis (?:ok|okay)|sommes (?:ok|okay)|valide(?= *(?:[.!,;:]|$))|(?:prends|prenons|prendrai)(?= *(?:[.!,;:]|$))"
    r"|(?:prends|prenons|prend|prendrai|prendrons|retiens|retenons|retiendrai)"
    r" (?:ca|cela|le tout|l'offre|la proposition|votre (?:offre|proposition|prix|formule)|vos (?:conditions|termes)"
    r"|le deal|ce prix|cette offre|cette proposition"
    r"|(?:vos |les |ces |mes )?(?=[\d,.]+ ?(?:%|€|euros?|jours)|[a-z-]+ (?:%|pour ?cent|euros?|jours))))"
)
_FR_SIGN_VERBS = r"(?:sign(?:e|ons|er|erai|erons|erais|erions)\b(?! rien)|tope|topons)"
_EN_SUBJECT = r"(?:i|we)(?:'ll|'d|'m|'re|'ve)? "
_EN_AUX = (
    r"(?:(?:will|would|can|could|shall|do|hereby|happily|gladly|fully|totally|completely|absolutely"
    r"|certainly|definitely|readily|now|then|therefore|just|also|both|all|be|am|are|have|gonna|going to"
    r"|happy to|glad to|willing to|prepared to|ready to|able to) )*"
)
_EN_ACCEPT_VERBS = (
    r"(?:accept|agree(?! to disagree)|approve|commit|concede|give in|give way|say yes|yield"
    r"|go (?:with|for|ahead with) (?:it|that|this|your|those|these|the (?:offer|proposal|deal|terms)|\d)"
    r"|go ahead(?= *(?:[.!,;:]|$))|match (?:it|that|this|your|the offer|\d)"
    r"|take (?:it|that|this)(?= *(?:[.!,;:]|$))|take (?:the deal|the offer|your offer|your proposal|you up on|\d)"
    r"|give you that"
    r"|give (?:you )?(?:the|my|our) (?:green light|go-ahead|ok|okay|approval|consent)"
    r"|can live with|could live with|settle (?:on|for)|buy (?:it|that)(?= *(?:[.!,;:]|$))"
    r"|(?:are|am) (?:agreed|on board|in agreement|good with|fine with|happy with|ok with|okay with|sold|convinced"
    r"|on the same page)|agreed|on board|in agreement|good with (?:it|that|this|your)"
    r"|fine with (?:it|that|this|your)|happy with (?:it|that|this|your)|ok with (?:it|that|this|your)"
    r"|okay with (?:it|that|this|your)|sold|convinced(?= *(?:[.!,;:]|$))|in(?= *(?:[.!,;:]|$)))"
)
_EN_SIGN_VERBS = r"(?:sign(?! up| in\b)|signed|shake on it|close the deal|have a deal|have an agreement|'ve got a deal|got a deal)"
_CLAUSE_END = r"(?= *(?:[.!,;:]|$))"
_ACCEPT_ACTS = [
    rf"\b{_FR_SUBJECT}{_FR_OBJECTS}{_FR_MODAL}{_FR_ACCEPT_VERBS}\b",
    rf"\b{_EN_SUBJECT}{_EN_AUX}{_EN_ACCEPT_VERBS}\b",
    r"\b(?:ok|okay|oui|d'accord|va|banco) pour\b",
    r"\bok pour (?:moi|nous)\b",
    r"\bca (?:marche|roule|colle|joue|ira)(?: (?:pour (?:moi|nous)|comme ca|alors|donc))?" + _CLAUSE_END,
    r"\b(?:faisons|on fait) comme (?:ca|cela|vous (?:dites|proposez))\b",
    r"\b(?:partons|on part) (?:la-dessus|la dessus|sur (?:ca|cela|cette base|votre|vos|ces|\d))",
    r"\bje vous suis (?:la-dessus|sur|pour)\b",
    r"\bvous m'avez convaincue?\b",
    r"\bvous avez gagne\b",
    r"\bvous avez (?:mon|notre) (?:accord|feu vert|aval|parole)\b",
    r"\btout ce que vous voulez\b",
    r"(?:^|[.!?;:] )(?:accepte|entendu|admis|valide)\s*(?:[.!]|$)",
    r"\bc'est (?:d'accord|entendu|accepte|regle|valide|oui)\b",
    r"\b(?:it's|it is) agreed\b",
    r"\b(?:c'est|it's|it is|that's|that is) (?:un|a) (?:oui|yes)\b",
    r"\b(?:offre|proposition|conditions?|termes|offer|proposal|terms|price|prix) (?:est |sont |is |are )?"
    r"(?:acceptee?s?|validee?s?|retenue?s?|accepted|approved)\b",
    r"\blet'?s (?:go ahead|call it \d|settle (?:at|on)|split the difference|meet (?:you )?halfway)\b",
    r"\bcoupons la poire en deux\b",
    r"\byou(?:'ve| have)? got it\b",
    r"\byou(?:'ve| have) convinced me\b",
    r"\byou win\b",
    r"\bcount (?:me|us) in\b",
    r"\byou have (?:my|our) (?:word|agreement|approval|consent|ok)\b",
    r"\banything you want\b",
    r"\bwhatever you want\b",
    r"\bso be it\b",
    r"\blet's (?:go with|go for) (?:it|that|this|your)\b",
    r"(?:^|[.!?;:] )(?:agreed|accepted|approved|confirmed|confirme)\b",
]
_SOFT_ACTS = [
    r"\b(?:ca|cela|ce|c'|ceci|tout ca|tout cela) ?(?:me|nous|m') ?(?:va|vont|ira|irait|convient|conviennent"
    r"|conviendra|conviendrait|arrange|arrangerait|suffit|suffira|plait|parait (?:bien|correct|acceptable|raisonnable"
    r"|jouable|equitable|juste|honnete)|semble (?:bien|correct|acceptable|raisonnable|jouable|equitable|juste))\b",
    r"(?<!qui )(?<!que )\b(?:me|nous) (?:va|vont|convien(?:t|nent|dra|drait)|arrange(?:nt|rait)?)\b",
    r"\bc'est (?:bon|ok|okay|parfait|correct|jouable|faisable) pour (?:moi|nous)\b",
    r"\bpour (?:moi|nous),? c'est (?:bon|ok|okay|oui|d'accord|entendu|parfait)\b",
    r"\bc'est acceptable\b",
    r"\b(?:parfait|bon|nickel|impeccable) pour (?:moi|nous)\b",
    r"(?:\d ?%?|percent|offer|proposal|terms|price|deal) works" + _CLAUSE_END,
    r"\b(?:that|this|it|which)(?:'s| is| sounds| seems| looks)? ?(?:works|fine|acceptable|fair|good|great"
    r"|reasonable|ok|okay|agreeable|doable) (?:for|by|with|to) (?:me|us)\b",
    r"\bworks for (?:me|us)\b",
    r"\b(?:fine|ok|okay|good|alright|all right) (?:by|with) (?:me|us)\b",
    r"\bsuits (?:me|us)\b",
    r"\bsounds (?:good|great|fair|reasonable|fine|acceptable|like a (?:deal|plan))\b",
    r"(?:^|[.!?;:,] )(?:(?:yes|ok|okay|fine|right|good|great|sure)[,!]? )?that works" + _CLAUSE_END,
    r"\b(?:that's|that is|it's|it is) (?:acceptable|fine by me)\b",
    r"\b(?:that's|that is) (?:fair|reasonable|fine)" + _CLAUSE_END,
]
"""Evaluations that settle it ("ça me va", "that works for us"); a "but" after them ("sounds good on
paper, but…") takes them back."""
_DEAL_ACTS = [
    rf"\b{_FR_SUBJECT}{_FR_OBJECTS}{_FR_MODAL}{_FR_SIGN_VERBS}\b",
    rf"\b{_EN_SUBJECT}{_EN_AUX}{_EN_SIGN_VERBS}\b",
    r"\bsignons\b",
    r"\b(?:nous avons|on a|j'ai) signe\b",
    r"\bc'est signe\b",
    r"\bmarche conclu",
    r"\baffaire (?:conclue|faite|entendue)\b",
    r"\bc'est (?:un|une) (?:deal|affaire)\b",
    r"\btope[zr]?[ -]la\b",
    r"\btop[ -]la\b",
    r"\b(?:nous avons|on a|nous tenons|on tient) (?:un|notre) (?:accord|deal)\b",
    r"\bc'est entendu\b",
    r"\bvous avez gagne\b",
    r"\byou win\b",
    r"(?:^|[.!?;:,] )(?:deal|banco|vendu|adjuge|sold|signed|done|settled)\s*(?:[.!]|$)",
    r"(?:^|[.!?;:,] )deal (?:on|at|for)\b",
    r"\bdeal\s*!",
    r"\b(?:it's|it is|that's|that is) a deal\b",
    r"\bdone deal\b",
    r"\bwe(?:'ve| have)? got a deal\b",
    r"\bwe have a deal\b",
    r"\byou(?:'ve| have)? got (?:yourself )?a deal\b",
    r"\byou have a deal\b",
    r"\blet'?s (?:sign|shake on it|shake hands|close(?: the deal)?|call it a deal|make it official|lock it in"
    r"|seal (?:it|the deal)|settle on)\b",
    r"\bshake on it\b",
    r"\bconsider it done\b",
    r"\b(?:it's|that's|it is) settled\b",
    r"\bthat settles it\b",
    r"\b(?:we'?re|we are|that'?s|that is) agreed\b",
    r"\bsigned,? sealed\b",
]


_ACCEPT_RE = any_of(_ACCEPT_ACTS)
_SOFT_RE = any_of(_SOFT_ACTS)
_BUT = re.compile(r"\b(?:mais|but|however|cependant|pourtant|sauf que|except that|though)\b")
_DEAL_RE = any_of(_DEAL_ACTS)

# structure: an affirmation, then the offer restated ("OK pour vos 5 %", "Bon, 5 % alors", "5 % it is")
_AFFIRM = (
    r"(?:oui|ouais|ok|okay|d'accord|dac|bien|tres bien|bon|parfait|entendu|soit|volontiers|absolument"
    r"|certainement|bien sur|excellent|super|impeccable|yes|yeah|yep|fine|right|alright|all right|very well"
    r"|good|great|perfect|sure|certainly|absolutely|of course|understood|done)"
)
_OFFER_NOUN = (
    r"(?:(?:votre|vos|cette|ces|ce|la|le|l'|your|this|that|these|those|the) ?"
    r"(?:offre|proposition|prix|conditions?|termes|remise|rabais|delai|formule|tarif|montant|chiffre|escompte"
    r"|offer|proposal|price|terms|conditions|discount|rebate|deal|figure|amount|number))"
)
_AFFIRM_HEAD = re.compile(rf"(?:{_AFFIRM})\b[ ,!-]*")
_OFFER_NOUN_RE = re.compile(_OFFER_NOUN)
_OFFER_START = re.compile(
    r"(?:(?:va pour|pour|for|with|avec|vos|votre|les|ces|your|the|those|these) )*"
    rf"(?:\d|(?:{NUMBER_PIECE})\b|{_OFFER_NOUN})"
)
_CLOSERS = re.compile(
    r"(?:,? ?(?:alors|donc|then|it is|ce sera|c'est dit|ca ira|so be it|it'll be|c'est parti|let's go|on y va"
    r"|affaire conclue|marche conclu|ca marche|va))$"
)
_STRONG_CLOSERS = re.compile(r"(?:,? ?(?:it is|c'est dit|ce sera|so be it|ca ira))$")
_TO_OFFER = re.compile(
    rf"(?:pour|for|with|avec|a|to|sur|on) (?:(?:ca|cela|that|this|it)(?: (?:alors|donc|then))?$|{_OFFER_NOUN}"
    r"|(?:vos |your |the |les )?(?:\S*\d|\S+ (?:%|percent)))"
)
_RESERVES = frozenset(
    "mais but however cependant pourtant sauf except unless si if trop too insuffisant insuffisante "
    "insuffisants insufficient enough assez loin far encore still ne n pas not no jamais never rien nothing "
    "aucun aucune seulement only moins less plus more toujours always hein".split()
)
_NEGATIONS = frozenset(
    "ne n pas jamais non aucun aucune ni refuse refuser refuserai refuserais not never no cannot can't "
    "won't don't doesn't didn't wouldn't couldn't shouldn't isn't aren't nor neither nobody hardly "
    "refusing".split()
)
_IF = frozenset("si if whether quand lorsque when once until unless".split())
_CONDITION = re.compile(
    r"\b(?:si|s'il|s'ils|if|unless|provided|providing|as long as|on (?:one |the )?condition|a (?:une |la )?condition"
    r"|pourvu que|sous reserve|subject to|tant que|du moment que)\b"
)
_AFTER_NEGATIONS = frozenset("pas jamais plus rien point guere not never nothing".split())
_NOT_NEGATING = re.compile(
    r"\b(?:pas de (?:souci|soucis|probleme|problemes)|sans (?:probleme|souci|hesiter|hesitation|reserve|discuter"
    r"|attendre|tarder)|pourquoi pas|no (?:problem|doubt|question|worries)|not a problem|without (?:a doubt|hesitation"
    r"|delay|reservation)|why not|n'hesitez pas|pas mal)\b"
)
_CLAUSE_STOP = re.compile(r"[.!?;:](?!\d)")
_SENTENCE_STOP = re.compile(r"[.!?](?!\d)")


@lru_cache(maxsize=4096)
def agreements(text: str, offers: frozenset[Decimal] = frozenset()) -> tuple[bool, bool]:
    """(accepts, concludes): whether the text accepts or concedes, and whether it closes a deal.

    `offers` are the figures the candidate proposed: said back with an affirmation ("OK, 5 % alors"),
    they accept it. Negated ("je n'accepte pas", "no deal"), asked ("Deal?") and conditional forms
    ("si vous garantissez 96 %, je signe", "I can sign today, on one condition") do not count: those
    state terms, they do not agree to any.
    """
    norm = normalise(text)
    accepts = _any_affirmed(norm, _ACCEPT_RE) or _any_affirmed(norm, _SOFT_RE, soft=True)
    accepts = accepts or _restates_offer(norm, offers)
    return accepts, _any_affirmed(norm, _DEAL_RE)


def _any_affirmed(norm: str, pattern: re.Pattern[str], soft: bool = False) -> bool:
    for match in pattern.finditer(norm):
        start = max((m.end() for m in _CLAUSE_STOP.finditer(norm, 0, match.start())), default=0)
        before = _NOT_NEGATING.sub(" ", norm[start : match.start()])
        words = WORD.findall(before)
        if _NEGATIONS & set(words[-5:]):
            continue  # "je ne signe pas", "there is no way we accept"
        if words and words[-1] in _IF:
            continue  # "si je signe aujourd'hui, je veux 2 % de plus", "I wonder if we'll sign"
        if _AFTER_NEGATIONS & set(WORD.findall(norm[match.end() : match.end() + 24])[:2]):
            continue  # "ça me va pas", "j'accepte rien"
        end = _SENTENCE_STOP.search(norm, match.end())
        if end is not None and end.group(0) == "?":
            continue  # "Deal?", "Vous voulez que je signe ?"
        begin = max((m.end() for m in _SENTENCE_STOP.finditer(norm, 0, match.start())), default=0)
        if _CONDITION.search(norm, begin, end.start() if end is not None else len(norm)):
            continue  # terms, not an agreement: "je peux signer aujourd'hui, à une condition : 2 % de plus"
        if soft and _BUT.search(norm, match.end(), end.start() if end is not None else len(norm)):
            continue  # "ça me paraît bien sur le papier, mais…"
        return True
    return False


def _clauses(norm: str) -> list[tuple[str, str]]:
    """The clauses of a text with the mark that ends each ("" at the end)."""
    out, start = [], 0
    for stop in _CLAUSE_STOP.finditer(norm):
        out.append((norm[start : stop.start()].strip(), stop.group(0)))
        start = stop.end()
    out.append((norm[start:].strip(), ""))
    return out


def _restates_offer(norm: str, offers: frozenset[Decimal]) -> bool:
    affirmed = False  # the clause before was an affirmation alone ("Bon. 5 % alors.")
    for clause, end in _clauses(norm):
        head = _AFFIRM_HEAD.match(clause)
        rest = clause[head.end() :].strip(" ,-") if head else clause
        if head and not rest:
            affirmed = end != "?"
            continue
        affirm, affirmed = bool(head) or affirmed, False
        if end == "?" or not rest or _RESERVES & set(WORD.findall(rest)):
            continue
        stated = figures(rest) & offers if offers else frozenset()
        if affirm and _TO_OFFER.match(rest) and (stated or not re.search(r"\d", rest)):
            return True  # "OK pour vos 5 %", "yes to your offer", "fine with 60 days"
        if (
            not (stated or _OFFER_NOUN_RE.search(rest))
            or not _OFFER_START.match(rest)
            or len(rest.split()) > 8
        ):
            continue
        if (affirm and _CLOSERS.search(rest)) or _STRONG_CLOSERS.search(rest):
            return True  # "Bon, 5 % alors", "Very well, your offer then", "Five percent it is"
    return False
