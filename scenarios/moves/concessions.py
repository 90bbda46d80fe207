"""Concessions, conditional (tied to a counterpart) and unconditional, and proposals.

"Si vous avez des questions" is not a conditional concession; a concession tied to a counterpart is
conditional and not unconditional, also when the counterpart comes in the next sentence ("Je peux
descendre à 5 %. En contrepartie, ...").
"""

from __future__ import annotations

import re

from scenarios.moves.kinds import Move
from scenarios.moves.patterns import _by_lang, _has, _negated
from scenarios.moves.penalties import _waives_penalties
from scenarios.moves.sentences import _Sentence

_COUNTERPART = _by_lang(  # words that tie what we give to what the other side gives
    fr=[
        r"\ba (?:la )?condition (?:que|qu'|de|d'|expresse)",
        r"\ben contrepartie\b",
        r"\b(?:quelle|quelles|une|des|vos|votre|sa|la) contreparties?\b",
        r"\ben echange (?:de|d'|du|des|,|\.|$)",
        r"\ben echange\b(?! de vues)",
        r"\ben retour,",
        r"\bmoyennant\b",
        r"\bsous reserve (?:que|qu'|de votre|de vos|d'un engagement|d'une commande)",
        r"\bpourvu que\b",
        r"\bdonnant<H>donnant\b",
        r"\bsi et seulement si\b",
        r"\bpour autant que\b",
        r"\bdes lors que (?:vous|votre|vos|le|la|les|l'|nous (?:recevons|avons|disposons))\b",
        r"\bpour peu que\b",
        r"\bsi tant est que\b",
        r"\ba charge pour vous de\b",
        r"\bdans la mesure ou (?:vous|votre|vos)\b",
        r"\bsous reserve (?:d'un|d'une|de la|du|des) (?:\w+ )?(?:engagement|commande|signature|volume|acompte|contrat)",
        r"\bcontre (?:un|une|votre|vos|l'|le|la) (?:\w+ )?(?:engagement|commande|signature|exclusivite|contrat"
        r"|acompte|previsions?|volume|garantie de volume)\b",
    ],
    en=[
        r"\bprovid(?:ed|ing)(?: that)? (?:you|your|we|the|a)\b",
        r"\bprovided that\b",
        r"\bon (?:the )?condition (?:that|of)\b",
        r"\bin (?:exchange|return)\b",
        r"\b(?:as|so) long as (?:you|your|the (?:volume|order|commitment|contract)|we (?:get|receive|have))\b",
        r"\bassuming (?:that )?(?:you|your)\b",
        r"\b(?:contingent|conditional) (?:up)?on (?:you|your|a|an|the)\b",
        r"\bin return for (?:a|an|your|the)\b",
        r"\bonly if you\b",
        r"\bif and only if\b",
        r"\bsubject to (?:your|a|an|the) (?:\w+ )?(?:commitment|signature|order|volume|agreement|minimum|renewal)\b",
        r"\bquid pro quo\b",
        r"\bon the understanding that\b",
        r"\bwhat (?:can|could|would|will) you (?:give|offer|do for) us\b",
        r"\bagainst (?:a|an|your|the) (?:\S+ )?(?:commitment|order|signature|exclusivity|contract|deposit)\b",
    ],
)
_NOTHING_IN_RETURN = _by_lang(
    fr=[
        r"\bsans (?:aucune |la moindre )?contrepartie\b",
        r"\bsans rien (?:demander|exiger) en (?:retour|echange)\b",
        r"\brien en (?:retour|echange)\b",
    ],
    en=[
        r"\bnothing in (?:return|exchange)\b",
        r"n't (?:need|want|ask for|expect|require) anything in (?:return|exchange)\b",
        r"\bwithout (?:anything|asking (?:for )?anything) in return\b",
        r"\bno strings attached\b",
        r"\bwith nothing in return\b",
        r"\bfor nothing in return\b",
    ],
)
_IF_YOU = _by_lang(
    fr=[r"(?<![\w'])(?:si|s') ?(?:vous|votre|vos)\b", r"\b(?:a moins que|sauf si) (?:vous|votre|vos)\b"],
    en=[r"\b(?:if|unless) (?:you|your)\b"],
)
_IF_YOU_NOT_A_COUNTERPART = {  # "si vous avez des questions", "I wonder if you", "if you had read"
    "fr": re.compile(
        r"^(?:vous |votre |vos )?(?:avez (?:des|d'autres|la moindre|une|quelques) (?:questions?|doutes?|remarques?"
        r"|inquietudes?|besoins?|interrogations?)|avez (?:besoin|le temps|un moment|une minute|un instant)"
        r"|le (?:souhaitez|voulez|desirez|permettez|preferez)|(?:le )?voulez(?: bien)?\b|(?:le )?souhaitez\b"
        r"|desirez\b|preferez\b|permettez\b|me permettez\b|etes (?:interesses?|d'accord|ok|satisfaite?s?|content"
        r"|mecontente?s?|disponibles?|libres?)\s*[,.?!]|n'etes pas (?:satisfaite?s?|content)|etes (?:interesses?"
        r"|satisfaite?s?)\b|regardez|comparez|considerez|calculez|faites le calcul|prenez en compte"
        r"|(?:aviez|etiez|auriez) (?:bien )?(?:lu|respecte|suivi|verifie|anticipe|commande|prevenu|signale|ete"
        r"|fait|pris|envoye|transmis|regarde|compris|ecoute|paye|regle|informe)\b)"
    ),
    "en": re.compile(
        r"^(?:you |your )?(?:have|'ve got|got) any (?:questions?|doubts?|concerns?|comments?)|^(?:you )?(?:want"
        r"|wish|like|prefer|would like|'d like|need (?:anything|help|more)|don't mind|please|are interested"
        r"|have (?:time|a moment|a minute)|agree,|ask me|think about it|look|compare|consider|check|see)\b"
        r"|^(?:you )?(?:had|'d) (?:read|followed|checked|respected|told|ordered|informed|paid|listened"
        r"|anticipated|been|done)\b"
    ),
}
_IF_NOT_A_CONDITION_BEFORE = re.compile(
    r"\b(?:wonder|wondering|ask|asking|asked|know|see|check|tell me|sure|unsure|doubt|curious|even|as|what"
    r"|demande|demander|savoir|sais|dites-moi|dire|voir|comme|meme|verifier|sur|curieux)\s*$"
)
_OFFER_VERB = _by_lang(  # what the candidate's side would give, in the main clause
    fr=[
        r"\b(?:nous |je |j'|on )(?:ne |n')?(?:vous |te )?(?:pouvons|pourrions|pourrons|peux|pourrais|pourrai|peut|pourrait"
        r"|pourra|accord\w+|ferons|ferai|ferions|ferais|offr\w+|consent\w+|accept\w+|baiss\w+|descend\w+"
        r"|prolong\w+|allong\w+|inclu\w+|ajout\w+|alignerons|alignerions|prendr\w+ en charge|serons en mesure"
        r"|serions en mesure|sommes prets|sommes disposes|suis pret|suis dispose|envisage\w*|etendr\w+|garanti\w+"
        r"|vous engage\w*|nous engage\w*|m'engage\w*)\b",
        r"\b(?:nous |je |j'|on )(?:vous )?(?:accorde|consens|offre|fais|propose|laisse)\b",
        r"\bje (?:suis|serais) (?:pret|prete|dispose|disposee|ouvert|ouverte) a\b",
        # "si vous vous engagez sur 24 mois, nous limitons la hausse à 3 %": any verb we commit to
        r"\bnous (?:vous |leur |lui )?(?!sommes\b|avons\b)[a-z]+(?:ons|rons)\b",
        r"\bje (?:vous )?[a-z]+rai\b",
    ],
    en=[
        r"\b(?:we|i)(?:'ll|'d| can| could| will| would| might| may| shall)\b",
        r"\b(?:we|i)(?:'re| are|'m| am) (?:prepared|willing|able|happy|ready|open) to\b",
        r"\b(?:we|i) (?:offer|give|grant|extend|lower|reduce|drop|include|throw in|match|waive|accept|agree|limit"
        r"|cap|keep|hold|freeze|cut|cover|absorb|move|go|add|deliver|guarantee)\b",
    ],
)


_IF_THEN_OFFER = _by_lang(  # "si Castelnau commande des camions complets, alors nous pouvons ..."
    fr=[r"(?<![\w'])si (?!je\b|j'|nous\b|on\b)[^,;:]{3,90}, alors (?:nous|je|j'|on) (?!ne\b|n')"],
    en=[r"\bif (?!i\b|we\b)[^,;:]{3,90}, then (?:we|i)\b(?!(?:'ll| will| can| could)? not\b| can't| won't)"],
)


def _expand_contraction(rest: str) -> str:
    for short, full in (("'re ", "are "), ("'ve ", "have "), ("'ll ", "will ")):
        if rest.startswith(short):
            return full + rest[len(short) :]
    return rest


def _counterpart_if_clause(s: _Sentence) -> bool:
    """An "if you ..." clause that asks something of the other side, next to what we would give."""
    for lang in s.langs:
        offers = [m for pattern in _OFFER_VERB[lang] for m in pattern.finditer(s.norm)]
        if not offers:
            continue
        granted = any(not _negated(s.norm, o.start(), o.end(), lang) for o in offers)
        for m in (m for pattern in _IF_YOU[lang] for m in pattern.finditer(s.norm)):
            unless = m.group().startswith(("a moins", "sauf", "unless"))
            if not (granted or unless):
                continue
            if not unless and _IF_NOT_A_CONDITION_BEFORE.search(s.norm[max(0, m.start() - 30) : m.start()]):
                continue
            if _IF_YOU_NOT_A_COUNTERPART[lang].match(_expand_contraction(s.norm[m.end() :].lstrip())):
                continue
            return True
    return False


def _refuses_without_counterpart(s: _Sentence) -> bool:
    """ "Je ne peux pas l'accorder sans contrepartie" states the condition (and gives nothing yet)."""
    return (
        _has(_NOTHING_IN_RETURN, s, negatable=False)
        and _has(_OFFER_VERB, s, negatable=False)
        and not _has(_OFFER_VERB, s)
    )


def _is_conditional_concession(s: _Sentence) -> bool:
    if _has(_NOTHING_IN_RETURN, s, negatable=False):  # "je vous l'accorde sans contrepartie" gives it away
        return _refuses_without_counterpart(s)
    return _has(_COUNTERPART, s) or _counterpart_if_clause(s) or _has(_IF_THEN_OFFER, s)


_FIGURE_GIVEN = r"\d+(?:[.,]\d+)? ?(?:%|pour ?cents?\b|percent\b|euros?\b|€|\$|dollars?\b|jours?\b|mois\b|days?\b|weeks?\b|months?\b|points?\b)"
_GIVEN_FR = (  # what a seller gives away
    r"(?:une |un |la |le |les |des |d'|de |du |vos |votre |ces |cette |encore )?(?:\S+ ){0,2}(?:(?:remise|rabais"
    r"|ristourne|reduction|geste|baisse|prix|tarif|delai|delais|livraison|frais|avoir|credit|gratuit\w*"
    r"|offert\w*|extension|allongement|echeance|escompte|penalites|conditions|effort|pourcentage)\b|"
    + _FIGURE_GIVEN
    + ")"
)
_GIVEN_EN = (
    r"(?:a |an |the |your |some |another |extra |an extra |additional |further )?(?:\S+ ){0,2}(?:(?:discount|rebate"
    r"|reduction|price cut|free|extension|credit|waiver|refund|gesture|better price|lower price|free delivery"
    r"|free shipping|terms)\b|" + _FIGURE_GIVEN + ")"
)
_PRICE_FR = (
    r"(?:(?:le |les |nos |notre |ce |du |mon |ma |mes |un peu (?:le |les )?)?(?:prix|tarifs?|facture|marge"
    r"|montant|devis|remise)\b|(?:de|a|jusqu'a) \d)"
)
_PRICE_EN = (
    r"(?:(?:the |our |my |that |this |your )?(?:price|prices|rate|rates|fee|fees|tariff|quote|invoice|bill"
    r"|unit price|list price)\b|it\b|(?:to|by) \d|\d|(?:\w+ )?off\b)"
)
_MODAL_FR = (
    r"(?:je|nous|on) (?:peux|pouvons|peut|pourrais|pourrions|pourrait|pourrai|pourrons|pourra|vais|allons|va"
    r"|suis pret a|suis prete a|sommes prets a|est pret a|accepte de|acceptons de|veux bien|voulons bien)"
)
_MODAL_EN = (
    r"(?:we|i)(?:'ll| will| can| could| would| are going to| am going to|'re going to|'m going to"
    r"|(?:'re| are|'m| am) (?:prepared|willing|happy|ready) to| agree to)"
)
_UNCONDITIONAL = _by_lang(
    fr=[
        r"\b(?:je|nous|on) (?:vous |te )?(?:accorde|accordons|accorderai|accorderons|accorderais|accorderions"
        r"|consens|consent|consentons|consentirai|consentirons|fais|faisons|ferai|ferons|ferais|ferions|octroie"
        r"|octroyons|cede|cedons|ajoute|ajoutons|ajouterai|ajouterons) (?:en plus )?(?!que\b)" + _GIVEN_FR,
        r"\b(?:je|nous|on) vous (?:offre|offrons|offrirai|offrirons) " + _GIVEN_FR,
        r"\b"
        + _MODAL_FR
        + r" (?:vous |te )?(?:accorder|consentir|offrir|faire|octroyer|ceder|laisser) "
        + _GIVEN_FR,
        r"\b" + _MODAL_FR + r" (?:vous |te )?(?:baisser|descendre)\b(?! (?:vos|votre|leurs?) )",
        r"\b" + _MODAL_FR + r" (?:vous |te )?(?:reduire|diminuer) " + _PRICE_FR,
        r"\b" + _MODAL_FR + r" (?:vous |te )?(?:prolonger|allonger|rallonger|accepter|supprimer|annuler"
        r"|prendre en charge|rembourser|nous aligner|m'aligner|s'aligner|lacher|geler|passer a|aller jusqu'a"
        r"|etendre|retirer|renoncer)\b(?! (?:vos|votre|leurs?) )",
        r"\b(?:je|nous|on) (?:baisse|baissons|reduis|reduisons|diminue|diminuons|descends|descendons) "
        + _PRICE_FR,
        r"\b(?:je|nous|on) (?:prolonge|prolongeons|allonge|allongeons|rembourse|remboursons|prends en charge"
        r"|prenons en charge|prend en charge|m'aligne|nous alignons|s'aligne|renonce|renoncons|gelons)\b"
        r"(?! (?:vos|votre|leurs?) )",
        r"\b(?:je|nous|on) (?:passe|passons|passerai|passerons|passe) (?:a|de \d+ a) (?:\d|trente|quarante"
        r"|soixante|quatre-vingt)",
        r"\b(?:nous |j'|je |on )(?:acceptons|accepte|accepterons|accepterai|validons|valide) (?:vos|votre|ces|ce"
        r"|cette|les|le|la|l'|de|d'|un|une|des|\d)",
        r"^(?:(?:bon|bien|tres bien|ok|okay|alors|ecoutez),? )?(?:j'accepte|nous acceptons|on accepte|c'est accepte)"
        r"\s*[.!]*$",
        r"<CS>(?:(?:bon|bien|tres bien|ok|okay|alors|ecoutez|bon ben),? )?(?:c'est |ok |okay |bon )?(?:d'accord|ok"
        r"|okay|va|entendu) (?:pour|sur) (?:\d|vos|votre|ce|cette|ces|le|la|les|l'|un|une|trente|quarante"
        r"|soixante|quatre-vingt|cent)",
        r"^(?:(?:bon|bien|tres bien|ok|okay|alors|ecoutez),? )?(?:c'est d'accord|marche conclu|affaire conclue"
        r"|banco|vous avez gagne|topez la)\s*[.!]*$",
    ],
    en=[
        r"\b"
        + _MODAL_EN
        + r" (?:lower|drop|cut|decrease|reduce|bring down|knock|shave|go down) "
        + _PRICE_EN,
        r"\b" + _MODAL_EN + r" (?:waive|extend|absorb|refund|reimburse|match|forgo|forego|give up|lengthen"
        r"|stretch|move to|go down to|accept)\b(?! (?:your|their) )",
        r"\b(?:we|i) (?:lower|drop|cut|reduce|waive) " + _PRICE_EN,
        r"\b" + _MODAL_EN + r" (?:go|come|move) (?:down |up )?to " + _GIVEN_EN,
        r"\b(?:we|i)(?:'ll| will| can| could| would|(?:'re| are|'m| am) (?:prepared|willing|happy|ready) to)?"
        r" cover the (?:\w+ )?(?:cost|costs|shipping|fees|difference|delivery)\b",
        r"\b(?:we|i)(?:'ll| will| can| could| would|(?:'re| are|'m| am) (?:prepared|willing|happy|ready) to)?"
        r" (?:also )?(?:give|grant|offer|throw in|add|include|allow|accord|award|let you have)(?: you)? "
        + _GIVEN_EN,
        r"\b(?:we|i) (?:accept|agree to) (?:your|the|these|those|this|that|a|an|payment|\d)\b",
        r"\b(?:ok|okay|fine|alright|agreed|deal),? (?:we|i) (?:accept|agree|can (?:do|accept|live with)"
        r"|'ll (?:accept|take|do))\b",
        r"\b(?:we|i)(?:'ll| will) accept\b",
        r"^(?:(?:ok|okay|fine|alright|agreed),? )?(?:ok|okay|fine|agreed) (?:for|on|with) (?:\d|your|the|those"
        r"|these|that|thirty|sixty|ninety)",
        r"\byou(?:'ve| have) got (?:a|yourself a) deal\b",
        r"<CS>(?:ok|okay|fine|agreed|alright|all right),? (?:\d+|thirty|forty-five|sixty|ninety) days\b",
        r"\b\d+ days(?: payment| payment terms| terms)?,? (?:no problem|that's fine|fine by me|agreed)\b",
        r"^(?:(?:ok|okay|fine|alright),? )?(?:agreed|deal|it's a deal)\s*[.!]*$",
        r"\b(?:we|i) can do (?:\d|it for|that for)",
    ],
)
_CONCEDES_A_POINT = re.compile(r"\bje vous l'accorde\b|\bje vous accorde (?:que|qu'|ce point)\b")


def _is_unconditional_concession(s: _Sentence) -> bool:
    norm = _CONCEDES_A_POINT.sub(" ", s.norm)
    if norm != s.norm:
        s = _Sentence(s.start, s.end, s.text, norm, s.langs, s.question)
    return (
        _has(_UNCONDITIONAL, s)
        or (_has(_NOTHING_IN_RETURN, s, negatable=False) and _has(_OFFER_VERB, s))
        or _waives_penalties(s)  # "nous annulons les pénalités de retard": given away
    )


_COUNTERPART_FOLLOW_UP = re.compile(
    r"^(?:(?:et|mais|and|but|par contre|en revanche|however),? )?(?:en contrepartie|en echange|en retour"
    r"|in return|in exchange|a (?:la )?condition|provided|on condition|only if|pour cela,? (?:il me faut|j'ai"
    r" besoin|nous avons besoin|je vous demande|nous vous demandons)|(?:il me faut|il nous faut|j'ai besoin"
    r"|nous avons besoin|je vous demande|nous vous demandons|i need|we need|we'd need|i'd need|we would need)"
    r" (?:en (?:contrepartie|echange|retour)|in (?:return|exchange)))"
)


def _pair_concessions_with_counterparts(sentences: list[_Sentence], found: list[set[Move]]) -> None:
    """ "Je peux descendre à 5 %. En contrepartie, ..." is one conditional concession over two sentences."""
    for i, moves in enumerate(found[:-1]):
        if Move.unconditional_concession in moves and _COUNTERPART_FOLLOW_UP.match(sentences[i + 1].norm):
            moves.discard(Move.unconditional_concession)
            moves.add(Move.conditional_concession)


_PROPOSAL = _by_lang(
    fr=[
        r"\bje (?:vous |te |leur |lui )?(?:propose|proposerais|proposerai|suggere|suggererais|recommande"
        r"|recommanderais|conseille|conseillerais|soumets)\b",
        r"\bnous (?:vous )?(?:proposons|proposerions|proposerons|suggerons|recommandons|conseillons|offrons)\b",
        r"\bon (?:vous )?(?:propose|suggere|recommande)\b",
        r"\bce que je (?:vous )?(?:propose|suggere|recommande|recommanderais|proposerais|suggererais|conseille)\b",
        r"\bce que nous (?:vous )?(?:proposons|suggerons|recommandons)\b",
        r"\b(?:notre|ma|mon) (?:offre|proposition|recommandation|suggestion|contre-proposition)\b",
        r"\b(?:nous|on|je) (?:pouvons|pourrions|pourrons|peut|pourrait|peux|pourrais) (?:vous )?(?:proposer|offrir"
        r"|mettre en place|envisager|suggerer|recommander)\b",
        r"\bque diriez<H>vous (?:de|d'|si)",
        r"\b(?:ca|cela) vous dirait (?:de|d')",
        r"^(?:(?:alors|bon|bien|ok|donc),? )?et si (?:nous|on|je|j')\b",
        r"\bpourquoi ne pas\b",
        r"\bl'idee (?:serait|est) de\b",
        r"\bvoici (?:ce que je|ce que nous|ma|notre) (?:propose|proposons|proposition|offre)\b",
        r"\bil (?:serait|me semble) (?:judicieux|interessant|pertinent|utile) de\b",
    ],
    en=[
        r"\b(?:i|we)(?:'d| would)? (?:like to )?(?:propose|suggest|recommend|advise)\b",
        r"\b(?:i|we)(?:'ll|'d| can| could| will| would| might) (?:offer|propose|suggest|recommend|provide you)\b",
        r"\bwe (?:could|might) (?:set up|start with|try|run|put in place|organi[sz]e)\b",
        r"\b(?:suggest|propose)(?: that)? we\b",
        r"\bwhat (?:i|we)(?:'d| would)? (?:recommend|suggest|propose)\b",
        r"\b(?:my|our) (?:proposal|suggestion|recommendation|offer|counter-?offer|counter-?proposal)\b",
        r"\bhere's (?:what (?:i|we) (?:propose|suggest|recommend|offer)|my proposal|our proposal|our offer)\b",
        r"\blet me (?:propose|suggest|offer|recommend)\b",
        r"\bhow about (?:we|i|us|a|an|if|\w+ing)\b",
        r"\bwhat if (?:we|i)\b",
        r"\bwhy don't (?:we|i)\b",
        r"\bwhy not\b",
        r"\bmy advice (?:is|would be)\b",
        r"\bthe idea (?:would be|is) to\b",
        r"\bwe(?:'re| are) (?:offering|proposing)\b",
        r"\bwould you (?:be open to|consider)\b",
    ],
)
