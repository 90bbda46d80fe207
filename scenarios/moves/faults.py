"""What a candidate must not do: blame the other side, impose a decision top-down.

A disclaimer ("je ne dis pas que c'est votre faute") or a negation ("ce n'est pas votre faute") is not
blame; refusing any share of the problem ("ce n'est pas notre faute") is.
"""

from __future__ import annotations

import re

from scenarios.moves.patterns import _EN_NEG, _FR_NE, _by_lang, _clause_start, _first, _has
from scenarios.moves.sentences import _Sentence

_BLAME = _by_lang(
    fr=[
        r"\b(?:c'est|c'etait|tout est) (?:de )?votre faute\b",
        r"\bc'est (?:de )?la faute (?:de vos|de votre|a vos|a votre|de vous)\b",
        r"\bpar votre (?:faute|negligence)\b",
        r"\bvotre (?:erreur|faute|negligence)\b",
        r"\b(?:c'est|cela releve de|ca releve de) (?:de )?votre responsabilite\b",
        r"\bvous n'avez pas (?:bien )?(?:respecte|lu|suivi|transmis|envoye|prevenu|anticipe|verifie|signale"
        r"|informe|rempli|fourni|communique|compris|paye|regle|fait attention|tenu compte)\b",
        r"\bvous n'aviez qu'a\b",
        r"\bvous auriez du\b|\bvous auriez pu (?:lire|verifier|prevenir|anticiper|nous dire|faire attention)\b",
        r"\bsi vous aviez (?:bien )?(?:lu|respecte|suivi|verifie|anticipe|commande|prevenu|signale|ete plus"
        r"|fait attention|regarde|ecoute|compris)\b",
        r"\bvous avez mal (?:lu|compris|commande|rempli|interprete|stocke|utilise|installe|evalue|anticipe|gere"
        r"|calcule|dimensionne|monte|pose)\b",
        r"\bvous vous etes trompee?s?\b",
        r"\bvos (?:equipes|services|collaborateurs|gens|magasiniers|acheteurs|techniciens|operateurs|poseurs"
        r"|salaries) (?:se sont trompee?s|ont fait (?:une|des) erreurs?|n'ont pas|ont (?:oublie|mal|neglige"
        r"|ignore))",
        r"\bvotre (?:equipe|service|entrepot|logistique|personnel|acheteur|technicien) (?:s'est trompee?|a fait"
        r" (?:une|des) erreurs?|n'a pas|a (?:oublie|mal|neglige))",
        r"\ba cause de (?:vous|vos|votre)\b",
        r"\b(?:le probleme|l'erreur|la faute|le souci|le defaut) (?:vient|provient) (?:de chez vous|de vous|de vos"
        r"|de votre)\b",
        r"\bc'est (?:vous|votre equipe|vos equipes|votre service) qui (?:avez|a|ont|n'avez|n'a|n'ont)\b",
        r"\bvous etes (?:seule?s? )?responsables? (?:de|du|des)\b",
        r"\b(?:les |des )?erreurs de vos\b|\bvos (?:erreurs|torts)\b",
        r"\bc'est (?:d'abord |avant tout |bien )?votre probleme\b",
        r"\bvous ne (?:lisez|respectez|suivez|repondez|ecoutez|verifiez) (?:jamais|pas|rien)\b",
        r"\bla responsabilite (?:vous incombe|est de votre cote|est la votre)\b",
        # ce que l'autre partie a mal fait, dit comme un fait : « vos équipes ont stocké les vitrages dehors »
        r"\b(?:vous avez|vos (?:\w+ ){1,2}?ont|votre (?:\w+ ){1,2}?a) (?:\w+ )?(?:stocke|laisse|installe|commande|utilise"
        r"|applique|monte|pose|coupe|charge|empile|range|ignore|saute|modifie|melange|depasse|surcharge|entrepose"
        r"|manipule|oublie|valide|saisi|envoye|nettoye|expose|assemble|entre|retire)e?s?\b.{0,60}\b(?:mauvaise?s?"
        r"|\bmal\b|sans (?:respecter|attendre|suivre|lire|verifier|tenir)|dehors|a l'exterieur|sous la pluie|au soleil"
        r"|trop (?:tot|tard|vite|haut|longtemps)|au lieu (?:de|du|des)|malgre|contrairement|avant (?:la fin|de|que)"
        r"|hors (?:des|de la|du)|en dehors|nos (?:recommandations|consignes|preconisations|instructions))",
        r"\b(?:vos|votre) (?:\w+ ){1,2}?(?:ont|a) (?:ignore|neglige|saute|contourne|oublie)e?s? (?:nos|les|la|le|l')",
    ],
    en=[
        r"\b(?:it's|it is|it was|that's|that is|this is) (?:all )?your (?:own )?fault\b",
        r"\byour (?:own )?fault\b",
        r"\byour (?:team|people|staff|warehouse|department|colleagues|employees|buyers|side|company|guys"
        r"|technicians|installers) (?:failed|didn't|did not|forgot|made (?:a|the) mistake|messed up|got it"
        r" wrong|never|ignored|neglected|mishandled|misread|screwed up)\b",
        r"\byou (?:failed|neglected) to\b",
        r"\byou (?:should|ought to) have\b|\byou shouldn't have\b",
        r"\bif you(?: had|'d) (?:read|followed|checked|respected|told|ordered|informed|paid|listened|anticipated"
        r"|been more)\b",
        r"\byou (?:didn't|did not|never) (?:read|follow|respect|check|send|tell|inform|order|pay|anticipate"
        r"|listen|understand|fill)\b",
        r"\byou got (?:it|this|that) wrong\b",
        r"\byou made (?:a|the|an) (?:mistake|error)\b",
        r"\byour (?:mistake|error|negligence)\b",
        r"\bbecause of (?:you|your)\b",
        r"\b(?:the problem|the issue|the mistake|the error|the fault) (?:is|lies|comes|came) (?:on|from|with)"
        r" (?:your|you)\b",
        r"\bthat's on you\b",
        r"\byou(?:'re| are) (?:the ones? )?(?:to blame|responsible for (?:this|the|that))\b",
        r"\byou (?:misread|misunderstood|misused)\b",
        r"\byou never (?:read|listen|follow|answer|respond|check|tell)\b",
        # what the other side did wrong, said as a fact about them: "your team stored the units outside in the rain"
        r"\b(?:you|your (?:\w+ ){0,2}?(?:team|teams|people|staff|warehouse|department|colleagues|employees|buyers?"
        r"|installers?|fitters?|technicians?|operators?|planners?|storekeepers?|drivers?|service|site|logistics))"
        r" (?:\w+ )?(?:stored|left|installed|ordered|used|applied|mixed|loaded|handled|cut|fitted|mounted|stacked"
        r"|placed|kept|ignored|skipped|overloaded|dropped|changed|modified|approved|validated|entered|sent|cleaned"
        r"|exposed|assembled|forgot|misread|misplaced|mislabel\w*)\b.{0,60}\b(?:wrong|incorrect\w*|improperly|badly"
        r"|without|outside|in the rain|in the sun|too (?:early|soon|late|fast|high|long|much|many)|instead of|despite"
        r"|against (?:our|the)|contrary to|before (?:the|it)|ignor\w*|beyond|our (?:recommendations|instructions"
        r"|guidelines|specifications))",
        r"\byour (?:\w+ ){0,2}?(?:team|people|staff|warehouse|department|buyers?|installers?|technicians?|service)"
        r" (?:ignored|skipped|overlooked|disregarded|overloaded|misused|mishandled)\b",
    ],
)
_BLAME_DEFLECTION = _by_lang(  # refusing any share of the problem points at the other side
    fr=[
        r"\b(?:ce n'est|c'est) pas (?:de )?notre faute\b",
        r"\b(?:ce n'est|c'est) pas notre (?:probleme|responsabilite)\b",
        r"\bnous n'y sommes pour rien\b|\bon n'y est pour rien\b",
        r"\bnous ne sommes (?:en rien )?(?:pas )?responsables\b",
    ],
    en=[
        r"\bnot (?:our|my) (?:fault|problem|responsibility)\b",
        r"\bwe(?:'re| are) not responsible\b",
        r"\bnothing to do with us\b",
    ],
)
_DISCLAIMER = re.compile(  # "je ne dis pas que c'est votre faute", "I'm not saying it's your fault"
    r"\b(?:je ne (?:dis|pretends|veux dire|cherche a dire)|il ne s'agit pas de (?:dire|chercher|blamer)"
    r"|loin de moi l'idee|sans (?:dire|pretendre)|personne ne dit|je n'accuse|not saying|not blaming"
    r"|i don't mean|no one is saying|nobody is saying|not suggesting|i'm not saying)\b"
)


def _is_blame(s: _Sentence) -> bool:
    if _has(_BLAME_DEFLECTION, s, negatable=False):
        return True
    for lang in s.langs:
        for pattern in _BLAME[lang]:
            for m in pattern.finditer(s.norm):
                before = s.norm[: m.start()]
                if not _DISCLAIMER.search(before) and not _negated_before(s.norm, m.start(), lang):
                    return True
    return False


def _negated_before(norm: str, start: int, lang: str) -> bool:
    """A negation just before the words ("ce n'est pas votre faute"), for rules that hold a negation."""
    tail = " ".join(norm[_clause_start(norm, start) : start].split()[-3:])
    if lang == "en":
        return bool(_EN_NEG.search(tail))
    return bool(_FR_NE.search(tail) or re.search(r"\bpas\b", tail))


_IMPOSITION = _by_lang(
    fr=[
        r"\bc'est comme (?:ca|cela)\b(?! (?:que|qu'))",
        r"\bc'est comme (?:ca|cela) que (?:ca|cela) (?:marche|fonctionne|se passe)\b",
        r"\bvous vous y (?:ferez|habituerez)\b|\bil (?:faudra|faut) vous y faire\b",
        r"\b(?:arretez|arrete) de (?:vous|te) plaindre\b",
        r"\bc'est (?:pareil|la meme chose) pour tout le monde\b",
        r"\b(?:le stress|la pression|la charge) fait partie du (?:job|metier|boulot|poste)\b",
        r"\bc'est ainsi\b(?! (?:que|qu'))",
        r"\bvous n'avez pas (?:le|d'autre|vraiment le) choix\b",
        r"\bvous n'avez pas voix au chapitre\b",
        r"\b(?:il n'y a|on n'a|nous n'avons|vous n'avez) (?:pas|plus) (?:le|d'autre|de) choix\b",
        r"\bc'est (?:decide|acte|tranche)\b",
        r"\bpoint (?:final|barre)\b",
        r"\b(?:ce n'est|c'est) pas (?:negociable|discutable|en discussion|une option|a discuter|a debattre)\b",
        r"\bnon negociable\b",
        r"\b(?:ca|cela) ne se discute pas\b",
        r"\bpas de discussion\b|\bsans discussion\b|\bfin de la discussion\b",
        r"\b(?:inutile|pas la peine) de (?:discuter|negocier|protester|revenir|en parler|contester)\b",
        r"\bil n'y a (?:rien|pas) a (?:discuter|negocier|debattre)\b",
        r"\bon ne (?:revient|reviendra) pas (?:la-?)?dessus\b",
        r"\bne (?:vais|va|allons) pas (?:y )?revenir (?:la-?)?dessus\b|\bne (?:reviendrai|reviendrons) pas (?:la-?)?dessus\b",
        r"\bje ne vous demande pas (?:votre|ton) (?:avis|opinion)\b",
        r"\bje n'ai pas a (?:me justifier|vous expliquer|vous demander)\b",
        r"\bc'est un ordre\b",
        r"\ba prendre ou a laisser\b",
        r"\bvous n'avez qu'a\b",
        r"\bque (?:ca|cela) vous plaise ou non\b",
        r"\bvous (?:allez|devrez|devez) (?:le faire|appliquer|vous y (?:faire|plier|adapter|conformer)|suivre"
        r" (?:la|les|cette|ces)|executer|accepter|vous adapter|vous conformer|vous plier|obeir)\b",
        r"\b(?:la direction|le siege|la hierarchie|le comite de direction|le codir|le comex|la dg|la drh|on|nous)"
        r" (?:l'a|a|l'ont|ont|avons) (?:decide|tranche|acte)\b.*\b(?:il faut (?:l')?appliquer|il faut s'y"
        r"|il faut que vous|vous devez|on applique|appliquez|executez|point|c'est comme|pas le choix)\b",
        r"\bil (?:faut|faudra) (?:l')?(?:appliquer|vous y (?:faire|plier|adapter)|s'y (?:faire|plier|conformer"
        r"|adapter)|obeir|executer)\b",
        r"\bon (?:ne|n'en) discute pas\b",
        r"^(?:appliquez|executez|obeissez)\b",
    ],
    en=[
        r"\bnot (?:up for|open to|open for) (?:discussion|debate|negotiation)\b",
        r"\bnon-?negotiable\b|\bnot negotiable\b",
        r"\byou (?:have|'ve got|'ve) no (?:choice|say|option)\b",
        r"\byou don't (?:have|get) (?:a|any) (?:choice|say)\b",
        r"\bthere(?:'s| is) no (?:choice|alternative|discussion|debate)\b",
        r"\b(?:it's|it has|it is|this has|that has|this is|that's)(?: been)? decided\b",
        r"\bthe decision (?:has been|is) (?:made|final)\b",
        r"\bfull stop\b",
        r"[,.]\s*period\s*[.!]*$|^period\b",
        r"\byou will (?:do it|do this|do as|comply|apply|follow|accept|adapt|have to)\b",
        r"\byou'll (?:do it|do as|comply|have to|just have to)\b",
        r"\byou (?:must|have to) (?:comply|accept|apply|follow|adapt|do it)\b",
        r"\bthat's (?:just )?(?:the way|how) it is\b",
        r"\bend of (?:discussion|story|debate)\b",
        r"\blike it or not\b",
        r"\bi(?:'m| am) not asking (?:for )?(?:your|you for your) (?:opinion|permission|view)\b",
        r"\bjust do it\b",
        r"\btake it or leave it\b",
        r"\bget over it\b|\bstop complaining\b|\byou'll get used to it\b|\blet's not dwell on it\b",
        r"\bthat's (?:just )?how (?:big |large )?companies work\b",
        r"\bit's the same for everyone\b",
        r"\b(?:stress|pressure) is part of the job\b",
        r"\b(?:just )?deal with it\b",
        r"\bdo as (?:you're|you are) told\b",
        r"\bno (?:discussion|debate|arguments?|ifs,? (?:and |no )?buts)\b",
        r"\bthis is (?:an order|not a debate|not a discussion|final)\b",
        r"\bthat's final\b",
        r"\bwe(?:'re| are) not (?:going to )?(?:discuss|debat)(?:e|ing) (?:this|it|that)\b",
        r"\b(?:management|headquarters|hq|the board|the direction|top management|senior management|the ceo)"
        r" (?:has|have) decided\b.*\b(?:you (?:must|will|have to)|full stop|period|just|no choice|apply)\b",
    ],
)


def _is_imposition(s: _Sentence) -> bool:
    m = _first(_IMPOSITION, s, negatable=False)
    return m is not None and not _DISCLAIMER.search(s.norm[: m.start()])
