"""Penalties read by what the sentence does with them: waived, or imposed and kept.

"Pénalités de retard", "late-payment penalties", "indemnité forfaitaire" name a rule of the contract or of
the law, but a sentence that waives them ("nous renonçons aux pénalités de retard pour ce trimestre", "we'll
waive the late-payment penalties if...", "les pénalités de retard, nous y renonçons") gives something away:
it is a concession, not a reference to the rules. A sentence that applies, announces or keeps them ("les
pénalités de retard s'appliqueront", "we will charge late-payment penalties", "je ne peux pas y renoncer")
does refer to them. `_waived_spans` returns where the waived penalties are named, so that only those words
stop counting as a reference.
"""

from __future__ import annotations

import re

from scenarios.moves.patterns import _by_lang, _clause_start, _negated
from scenarios.moves.sentences import _Sentence

_PENALTY_FR = (
    r"(?P<penalty>(?:penalites?|indemnites? forfaitaires?|interets (?:de|moratoires)|frais de (?:retard|recouvrement))"
    r"(?: (?:de retard|contractuelles?|logistiques|prevues|forfaitaires?|de 40 ?(?:€|euros?)))*)"
)
_PENALTY_EN = (
    r"(?P<penalty>(?:(?:late[- ]payment |late |contractual |logistics? |delay )?penalt(?:y|ies)"
    r"|late(?:[- ]payment)? (?:fees?|interest|charges?)|(?:fixed )?recovery fees?)"
    r"(?: (?:clause|for late (?:payment|delivery)))?)"
)
_GAP = (
    r" (?:[^,;:.!?]{0,30}? )?"  # a few words between the verb and what it waives: "retirer de l'accord les"
)
_NEGATION_INSIDE = re.compile(r"(?<![\w'])(?:ne|n'|pas|jamais|plus|not|never|no longer)\b|n't\b")

_WAIVER = _by_lang(
    fr=[
        r"\b(?:renonc|annul|supprim|retir|abandonn|effac|enlev|oubli|exoner|dispens)\w*" + _GAP + _PENALTY_FR,
        r"\b(?:faire|fais|faisons|ferons|ferai) (?:une croix|l'impasse|grace|table rase) (?:sur|de|des)"
        + _GAP
        + _PENALTY_FR,
        r"\bpass\w* l'eponge sur" + _GAP + _PENALTY_FR,
        _PENALTY_FR + r"\b[^,;:.!?]{0,40}? (?:sont|seront|seraient|serons|restent|est|sera) "
        r"(?:annulee|supprimee|retiree|abandonnee|offerte|effacee|levee)s?\b",
        _PENALTY_FR
        + r"\b[^.!?]{0,40}?\b(?:nous|je|j'|on) (?:\w+ ){0,2}?(?:y renon\w*|les (?:annul|supprim|retir"
        r"|abandonn|effac|enlev|oubli)\w*)",
    ],
    en=[
        r"\b(?:waiv|forgo|forego|forgiv|drop|remov|cancel|scrap|strik|lift|exempt|excus)\w*"
        + _GAP
        + _PENALTY_EN,
        r"\b(?:writ(?:e|es|ing)|wrote|written|take|takes|taking|took|give|giving|gave) (?:off|out|up)"
        + _GAP
        + _PENALTY_EN,
        _PENALTY_EN + r"\b[^,;:.!?]{0,40}? (?:are|is|will be|would be|can be|be|get|'ll be|'re) "
        r"(?:waived|dropped|removed|cancell?ed|scrapped|written off|lifted|forgiven|struck out)\b",
        _PENALTY_EN + r"\b[^.!?]{0,40}?\b(?:we|i)(?:'ll| will| can| could| would| shall)? (?:\w+ )?"
        r"(?:waive|drop|remove|cancel|scrap|write off|forgive) (?:them|it)\b",
    ],
)


_THEIR_DOING = {  # the other side waives, or is asked to: "vous pouvez supprimer", "je vous demande de retirer"
    "fr": re.compile(
        r"\bvous (?:\w+ ){0,2}?\w+(?:ez|iez)\b|\b(?:demande|demandons|prie|prions|invite"
        r"|invitons) (?:de|d'|a)\b(?=.*\b(?:annul|supprim|retir|renonc|abandonn|effac|enlev))"
    ),
    "en": re.compile(
        r"\byou(?:'ll|'ve|'d)? (?:\w+ )?(?:can|could|will|would|should|may|must|have|had|need|ask|\w+ed)\b"
        r"|\b(?:ask|asking|need|want|would like|'d like|invite|urge) you to\b"
    ),
}


def _waived_spans(s: _Sentence) -> list[tuple[int, int]]:
    """Where, in the normalised sentence, the penalties the candidate's side waives are named: none when the
    sentence keeps them ("je ne peux pas y renoncer") or when the other side waives them or is asked to."""
    spans: list[tuple[int, int]] = []
    for lang in s.langs:
        for pattern in _WAIVER[lang]:
            for m in pattern.finditer(s.norm):
                if _negated(s.norm, m.start(), m.end(), lang) or _NEGATION_INSIDE.search(m.group()):
                    continue
                if not _THEIR_DOING[lang].search(s.norm[_clause_start(s.norm, m.start()) : m.end()]):
                    spans.append(m.span("penalty"))
    return spans


def _waives_penalties(s: _Sentence) -> bool:
    """The candidate's side waives penalties: a concession."""
    return bool(_waived_spans(s))


# where a waiver becomes a clause: the agreement, the contract, the general terms ("retirer de l'accord les
# pénalités", "the agreement will provide for no late-payment penalties")
_IN_THE_AGREEMENT = re.compile(
    r"\b(?:accord|contrat|convention|cgv|conditions generales|clause|avenant|agreement|contract"
    r"|terms and conditions|general terms)\b"
)
# a one-off gesture on penalties already due, not a clause: "pour ce trimestre", "this time", "on this invoice"
_ONE_OFF = re.compile(
    r"\b(?:pour|sur) (?:ce|cette|cet|le|la|les) (?:premier |premiere |dernier |derniere )?(?:trimestre|mois|fois"
    r"|commande|facture|retard|annee|periode)s?\b|\bcette fois|\bexceptionnellement\b|\ba titre exceptionnel"
    r"|\b(?:this|that) (?:time|once|quarter|month|invoice|order|delay)\b|\b(?:on|for) (?:this|that|the last|the first)"
    r" (?:invoice|order|quarter|month)|\bexceptionally\b|\bas a one-off\b"
)


# the agreement said to hold none: "l'accord ne prévoira pas de pénalités de retard", "a contract without
# late-payment penalties", "the agreement won't include any late-payment penalties"
_AGREEMENT_WITHOUT = _by_lang(
    fr=[
        r"\b(?:accord|contrat|convention|cgv)\b[^.!?]{0,30}?\b(?:ne|n')\s?(?:prevoi|prevoy|comport|inclu|contien"
        r"|conti|mentionn|stipul)\w*\s+(?:pas|plus|aucune?|ni)\s+(?:de |d'|les? |la )?" + _PENALTY_FR,
        r"\b(?:accord|contrat|convention|cgv)\b[^.!?]{0,20}?\bsans\s+(?:les |aucune? )?" + _PENALTY_FR,
    ],
    en=[
        r"\b(?:agreement|contract)\b[^.!?]{0,30}?\b(?:will not|won't|does not|doesn't|shall not|would not"
        r"|wouldn't|need not|needn't)\s+(?:include|provide for|contain|mention|carry|have|list)\s+(?:any\s+)?"
        + _PENALTY_EN,
        r"\b(?:agreement|contract)\b[^.!?]{0,20}?\bwithout\s+(?:any\s+)?" + _PENALTY_EN,
        r"\bno\s+" + _PENALTY_EN + r"[^.!?]{0,20}?\b(?:in|from) the (?:agreement|contract)\b",
    ],
)
# a refusal before it: "je ne peux pas accepter que l'accord ne prévoie pas de pénalités"
_REFUSED_BEFORE = re.compile(
    r"\b(?:ne (?:peux|pouvons|peut|saurions?|vais|allons) pas|impossible|refus|hors de question|illegal|interdit"
    r"|cannot|can't|can not|won't accept|will not accept|not possible|refuse|out of the question|unlawful)"
)


def _agreement_without(s: _Sentence) -> bool:
    """The candidate agrees that the agreement holds no penalties (said as a negation of the clause)."""
    for lang in s.langs:
        for pattern in _AGREEMENT_WITHOUT[lang]:
            for m in pattern.finditer(s.norm):
                before = s.norm[: m.start()]
                if not _REFUSED_BEFORE.search(before) and not _THEIR_DOING[lang].search(before):
                    return True
    return False


def _strikes_from_agreement(s: _Sentence) -> bool:
    """The candidate's side takes late-payment penalties or the recovery fee out of the agreement: a clause
    the Code de commerce (art. L441-10) makes mandatory, not a one-off gesture on penalties already due."""
    if _ONE_OFF.search(s.norm):
        return False
    return (bool(_waived_spans(s)) and bool(_IN_THE_AGREEMENT.search(s.norm))) or _agreement_without(s)
