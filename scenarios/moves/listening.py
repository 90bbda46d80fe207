"""What shows the candidate listened: reformulation, summary, empathy.

"Je ne comprends pas pourquoi vous..." is not empathy; "si je comprends bien" is a reformulation.
"""

from __future__ import annotations

from scenarios.moves.patterns import _by_lang, _has
from scenarios.moves.sentences import _Sentence

_REFORMULATION = _by_lang(
    fr=[
        r"\bsi je (?:vous )?comprends bien\b",
        r"\bsi j'ai bien (?:compris|saisi|entendu|suivi)\b",
        r"\bsi je vous (?:suis|entends) bien\b",
        r"\bsi je vous ai bien (?:compris|suivi|entendu)\b",
        r"\bsi j'entends bien\b",
        r"\bsi je (?:resume|reformule|traduis) (?:bien )?(?:votre|vos|ce que vous)\b",
        r"\bautrement dit\b",
        r"\ben d'autres (?:termes|mots)\b",
        r"\bvous voulez dire (?:que|qu')",
        r"\bce que j'entends\b",
        r"\bce que je (?:comprends|retiens|percois),? c'est\b",
        r"\bsi je reformule\b",
        r"\bvous etes en train de me dire\b",
        r"\bce que vous me dites,? c'est\b",
        r"\bje (?:verifie|m'assure|veux etre sur|voudrais etre sur) (?:que|d'avoir) (?:j'ai )?bien (?:compris|suivi|saisi)\b",
        r"\b(?:pour|je) reformule[rz]?\b",
        r"\bvous me dites (?:donc )?(?:que|qu')",
        r"\bvous (?:etes en train de dire|dites donc) (?:que|qu')",
        r"\bd'apres ce que vous (?:dites|me dites|m'avez dit|avez dit)\b",
        r"\bc'est bien (?:ca|cela)\b",
        r"\best<H>ce bien (?:ca|cela)\b",
        r"\bai<H>je bien compris\b",
        r"\bj'ai bien compris\s*\?",
        r"\bje me trompe\s*\?",
        r"\bcorrigez<H>moi si je me trompe\b",
        r"\bdonc,? pour vous,",
        r"\bpour vous,? (?:l'essentiel|le plus important|la priorite|l'enjeu|le vrai sujet|le probleme),? c'est\b",
        r"\bvotre (?:priorite|preoccupation|inquietude|crainte|besoin|enjeu|probleme)(?: principale?| premiere?)?,?"
        r" (?:c'est|est donc|serait)\b",
    ],
    en=[
        r"\bif i (?:understand|understood|hear|heard|follow|followed|get|got)(?: you| this| that| it)?"
        r" (?:correctly|right|well|properly)\b",
        r"\bif i'm (?:hearing|understanding|following|reading) you (?:correctly|right)\b",
        r"\bif i'?ve understood(?: you)? (?:correctly|right)\b",
        r"\bso what you're saying\b",
        r"\bwhat you're (?:saying|telling me) is\b",
        r"\bwhat (?:i'm|i am) hearing\b",
        r"\bwhat i hear (?:is|you)\b",
        r"\bwhat i understand is\b",
        r"\bas i understand it\b",
        r"\bso you're saying\b",
        r"\bin other words\b",
        r"\blet me (?:rephrase|reformulate|paraphrase|make sure i (?:understand|understood|got|get))\b",
        r"\bto (?:rephrase|paraphrase)\b",
        r"\bto put it (?:another way|differently)\b",
        r"\b(?:so|do) you mean (?:that|to say)\b",
        r"\bso you mean\b",
        r"^(?:<CS>)?you mean (?:that )?(?:the|your|you|it|this|there)\b",
        r"\bif i follow you\b",
        # checking one's understanding before saying it back: "If I've got this right, ...", "Let me check I've understood:"
        r"\bif i(?:'ve| have)? (?:got|get|understood|followed) (?:this|that|it|you|everything) (?:right|correctly)\b",
        r"\blet me (?:check|see|make sure)(?: if| that)? i(?:'ve| have)? (?:got|understood|understand|heard|followed)"
        r"(?: (?:this|that|it|you|everything))?(?: right| correctly)?\s*[,:]",
        r"^(?:<CS>)?(?:so )?you(?:'re| are) telling me\b",
        r"\bcorrect me if i'm wrong\b",
        r"\bam i right in (?:thinking|saying|understanding)\b",
        r"\b(?:did|have) i (?:got|get|understood|understand) (?:that|this|it|you) (?:right|correctly)\b",
        r"\bis that (?:right|correct)\s*\?",
        r"\bso,? for you,",
        r"\bfor you,? the (?:key|main|real|most important) (?:issue|point|concern|thing|priority) is\b",
    ],
)
_SUMMARY = _by_lang(
    fr=[
        r"\bpour (?:resumer|recapituler|conclure|synthetiser|faire (?:court|simple|la synthese))\b",
        r"\ben (?:resume|synthese|conclusion|somme|bref)\b",
        r"\b(?:recapitulons|resumons|synthetisons)\b",
        r"\bsi (?:je|l'on|on) (?:resume|recapitule|fait la synthese|fais la synthese)\b",
        r"\bje (?:resume|recapitule)\b",
        r"\b(?:faisons|je fais) (?:la synthese|un recapitulatif|le recapitulatif)\b",
        r"\b(?:nous sommes|on est) (?:donc |bien |maintenant )?d'accord sur\b",
        r"\bnous nous sommes (?:donc |bien )?mis d'accord sur\b",
        r"\bnous avons (?:donc |bien )?(?:convenu|acte|valide ensemble)\b",
        r"\bce que nous avons (?:decide|convenu|retenu|acte)\b",
        r"\b(?:on|nous) reti(?:ent|enons) donc\b",
        r"\bvoici ce que nous avons (?:convenu|retenu|decide)\b",
        r"\bpoint par point\b",
    ],
    en=[
        r"\bto (?:sum up|summari[sz]e|recap|conclude|wrap up|sum it up|recapitulate)\b",
        r"\bin (?:summary|short|conclusion|a nutshell|sum)\b",
        r"\blet me (?:sum up|summari[sz]e|recap|recapitulate|wrap up)\b",
        r"\blet's (?:recap|sum up|summari[sz]e|wrap up|recapitulate)\b",
        r"\bsumming up\b",
        r"\b(?:quick )?recap\b",
        r"\bso,? we(?:'re| are)? (?:all )?agreed? (?:on|that)\b",
        r"\bwe(?:'ve| have)? agreed (?:on|to|that)\b",
        r"\bso we agree\b",
        r"\bwhat we(?:'ve| have)? agreed (?:on|is)\b",
    ],
)


def _is_reformulation(s: _Sentence) -> bool:
    return _has(_REFORMULATION, s)


_EMPATHY = _by_lang(
    fr=[
        r"(?<!\bsi )\bje (?:vous |le |la |les )?comprends\b(?! (?:mal|pas)\b)",
        r"(?<!\bsi )\bje (?:vous )?entends\b(?! bien\b)",
        r"\bj'entends (?:bien |parfaitement |tout a fait )?(?:votre|vos|ce que vous|que vous|bien)\b",
        r"\bje (?:mesure|concois|saisis|percois|vois bien) (?:bien |tout a fait |parfaitement |pleinement )?"
        r"(?:votre|vos|la|le|les|l'|que|qu'|combien|a quel point)",
        r"\b(?:je suis|nous sommes) (?:vraiment |sincerement |tres |profondement |reellement |absolument )?"
        r"desole(?:e|s|es)?\b(?!,? mais)",
        r"\b(?:je|nous) (?:regrette|regrettons|deplore|deplorons) (?:sincerement |vivement |profondement "
        r"|vraiment )?(?:ce|cette|ces|cet|que|qu'|la|le|les|l'|vivement|sincerement|profondement)",
        r"\b(?:toutes )?(?:mes|nos) (?:plus )?(?:sinceres )?excuses\b",
        r"\bje vous (?:presente|prie d'accepter) (?:mes|nos)\b",
        r"\b(?:veuillez|je vous prie de) (?:nous |m')?excuser\b",
        r"\bexcusez<H>(?:nous|moi) pour\b",
        r"\bvous avez (?:tout a fait |entierement |parfaitement |completement |bien )?raison\b",
        r"\b(?:c'est|c'etait|ce serait|cela est|ce qui est) (?:tout a fait |parfaitement |bien |vraiment |tres )?"
        r"(?:legitime|comprehensible|normal que vous|normal de|naturel|humain)\b",
        r"\b(?:votre|vos|cette|ces) (?:inquietudes?|reactions?|questions?|preoccupations?|frustrations?|colere"
        r"|craintes?|doutes?|reticences?|interrogations?|remarques?) (?:est|sont) (?:tout a fait |parfaitement "
        r"|bien |tres )?(?:legitimes?|comprehensibles?|normales?|fondees?|justifiees?|naturelles?)\b",
        r"\b(?:ca|cela|ce|c') ?(?:doit|a du|a dû) (?:etre|vous (?:sembler|paraitre)) (?:vraiment |tres "
        r"|particulierement |assez )?(?:frustrant|difficile|penible|complique|stressant|inquietant|usant"
        r"|desagreable|epuisant|decevant|agacant|lourd|dur|genant)",
        r"\bj'imagine (?:bien |sans peine |tout a fait )?(?:que|qu'|votre|vos|la|le|combien|a quel point|l'impact)",
        r"\bje partage (?:votre|vos)\b",
        r"\bje suis (?:tres |particulierement )?sensible a\b",
        r"\bmerci (?:de|pour) (?:votre (?:patience|franchise|retour|transparence|confiance|comprehension)|avoir"
        r" (?:souleve|pose|partage|exprime|signale)|me (?:faire part|dire|signaler)|ce retour)\b",
        r"\bje sais (?:bien )?(?:que|qu'|combien|a quel point) (?:c'est|ce n'est|ce changement|cela|ca|ce sera"
        r"|la situation|vous etes|vous avez (?:peur|du mal|beaucoup)|ce projet|ces changements|c'etait"
        r"|vos equipes sont)",
        r"\bje sais (?:bien )?(?:que|qu')[^,.;]{0,60} (?:a ete|est|sont|ont ete|etait|reste) (?:\w+ )?(?:difficile"
        r"|penible|complique|frustrant|dur|lourd|stressant|eprouvant|un vrai probleme|un gros probleme"
        r"|une vraie difficulte|inquietant)",
        r"\bje reconnais (?:votre|vos|que c'est|que cela|que la situation|l'impact|la gene|les difficultes"
        r"|que nous avons)\b",
        r"\bje me mets a votre place\b",
        r"\ba votre place,? je\b",
        r"\b(?:nous prenons|je prends) (?:tres |vraiment )?au serieux\b",
        r"\bpour la gene (?:occasionnee|causee|subie)\b",
    ],
    en=[
        r"(?<!\bif )(?<!\bsure )(?<!\bcheck )\bi (?:completely |totally |fully |really |absolutely |perfectly |do )?understand\b"
        r"(?! (?:you |it |this |that )?(?:correctly|right)\b)",
        r"(?<!\bif )\bi (?:can )?(?:completely |totally |fully |really )?(?:understand|imagine|appreciate) (?:how|why|that"
        r"|your|what|the|this)\b",
        r"\bi (?:can )?see (?:how|why|that you|that this|that it|your point|where you're coming from)\b",
        r"(?<!\bif )\bi hear (?:you|your|what you)\b(?! (?:correctly|right)\b)",
        r"\b(?:that|it|this) must (?:be|have been) (?:really |very |so |incredibly |extremely |quite )?"
        r"(?:frustrating|difficult|hard|stressful|annoying|worrying|upsetting|disappointing|painful|tough"
        r"|exhausting|inconvenient|a (?:real |big )?(?:pain|headache|blow|worry|concern|shock))\b",
        r"\b(?:i'm|i am|we're|we are) (?:so |really |very |truly |deeply |terribly |sincerely |genuinely )?"
        r"sorry (?:for|about|that|to hear|to learn|this|it|you)\b",
        r"\b(?:i'm|i am|we're|we are) (?:so |really |very |truly |deeply |terribly |sincerely )?sorry\s*[.!]*$",
        r"\b(?:i|we) (?:sincerely |truly |deeply )?apologi[sz]e\b",
        r"\b(?:my|our) (?:sincere |sincerest |deepest |humble )?apologies\b",
        r"\bapologies for\b",
        r"\byou(?:'re| are) (?:absolutely |completely |quite |totally |perfectly )?right (?:to|about|that)\b",
        r"\byou(?:'re| are) (?:absolutely |completely |quite |totally |perfectly )?right\s*(?:,|[.!]*$)",
        r"\byou have every right\b",
        r"\b(?:your|that|this|the) (?:concerns?|frustration|reaction|worry|worries|questions?|point|fears?"
        r"|hesitation|doubts?) (?:is|are) (?:completely |totally |perfectly |entirely |very )?(?:legitimate"
        r"|understandable|valid|fair|justified|normal|natural|reasonable)\b",
        r"\b(?:that's|that is) (?:a )?(?:completely |totally |perfectly )?(?:fair|legitimate|valid|understandable)"
        r" (?:point|concern|question|reaction|worry)\b",
        r"\b(?:it's|that's|it is|that is) (?:completely |totally |perfectly )?understandable\b",
        r"\b(?:it's|it is|that's|that is) (?:completely |perfectly |totally |quite )?(?:normal|natural|legitimate)"
        r" (?:that you|to feel|for you to|to be (?:worried|concerned|upset|frustrated|anxious))\b",
        r"\bi (?:really )?(?:appreciate|value) (?:your (?:patience|honesty|feedback|concern|frankness|candou?r"
        r"|point)|that you|how)\b",
        r"\bi (?:realise|realize|know|recognise|recognize|acknowledge|understand) (?:that )?(?:(?:the|this|that)"
        r" (?:change|situation|reorgani[sz]ation|move)|this|that|it|these changes|change)"
        r"(?:'s| is| has been| was| will be| can be| may be)"
        r" (?:not easy|hard|difficult|frustrating|a lot|a big|unsettling|stressful|worrying|tough|disruptive"
        r"|challenging|inconvenient|painful|a (?:real )?(?:concern|worry|change|shock|blow))",
        r"\b(?:i|we) (?:share|get) your (?:concern|frustration|worry|point|disappointment)\b",
        r"\bi know (?:that )?[^,.;]{0,60} (?:was|has been|is|must be|must have been) (?:a (?:real |big |huge |major )?"
        r"(?:problem|pain|headache|blow|worry|concern|shock|struggle)|(?:really |very )?(?:hard|difficult|frustrating"
        r"|painful|tough|stressful|disruptive|worrying))\b",
        r"\bi get (?:it|that|why|how)\b",
        r"\bthank you for (?:your (?:patience|honesty|feedback|understanding|candou?r|trust)|raising|sharing"
        r"|bringing|being (?:so )?(?:patient|honest|open|frank)|telling me|flagging|pointing)\b",
        r"\bin your (?:shoes|position|place),? i\b",
        r"\bput myself in your shoes\b",
        r"\bwe take (?:this|it|your complaint|your concern|the matter) (?:very )?seriously\b",
        r"\b(?:sorry|apologies) for the (?:inconvenience|trouble|delay|disruption)\b",
    ],
)
