"""Arguments: quantified ones (a figure that argues) and references to a contract, a law, a regulation.

A digit does not make a quantified argument: a figure argues only when the sentence compares it or ties
it to a cause, a consequence or a gain. Dates, phone numbers, article numbers and ordinals are masked
first; a list of figures is not an argument. Penalties the candidate waives ("nous renonçons aux pénalités
de retard") are given away, not referred to (see `penalties`).
"""

from __future__ import annotations

import re

from scenarios.moves.patterns import _H, _by_lang
from scenarios.moves.penalties import _waived_spans
from scenarios.moves.sentences import _Sentence

_NUM = r"(?<![\w.,])\d+(?:[ .,]\d{3})*(?:[.,]\d+)?"
_WORD_NUM = (
    r"\b(?:deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze|treize|quatorze|quinze|seize|vingt"
    r"|trente|quarante|cinquante|soixante|cent|mille|two|three|four|five|six|seven|eight|nine|ten|eleven"
    r"|twelve|fifteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|thousand)"
    r"(?:[- ](?:et[- ])?(?:un|une|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|vingt|cent|mille|one|two"
    r"|three|four|five|six|seven|eight|nine|hundred|thousand))*"
)
_MONTHS = (
    r"(?:janvier|fevrier|mars|avril|mai|juin|juillet|aout|septembre|octobre|novembre|decembre|january"
    r"|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun"
    r"|jul|aug|sep|sept|oct|nov|dec)"
)
_MONEY = (
    r"(?:(?:k|m|md|mds|mrd|bn|mn|mille|millions?|milliards?|thousand|million|billion)\s?(?:d'|de |of )?)?"
    r"(?:€|eur\b|euros?\b|\$|usd\b|dollars?\b|£|gbp\b|pounds?\b|chf\b)|k€|keur\b|meur\b|k\b|ke\b"
)
_PERCENT_WORDS = r"%|pour ?cents?\b|pourcents?\b|percent\b|per cent\b"
_PERCENT = (
    _PERCENT_WORDS + r"|pts?\b|(?:percentage )?points? (?:de |of )?(?:marge|margin|pourcentage|percentage"
    r"|croissance|growth|part de marche|market share|nps|remise|discount)"
)
_DURATION = (
    r"jours?\b|j\b|days?\b|semaines?\b|weeks?\b|mois\b|months?\b|heures?\b|h\b|hours?\b|hrs?\b|ans\b"
    r"|annees?\b|years?\b|trimestres?\b|quarters?\b"
)
_COUNT = (
    r"tonnes?\b|tons?\b|kg\b|kilos?\b|litres?\b|liters?\b|m2\b|m²|m3\b|km\b|unites?\b|units?\b|pieces?\b"
    r"|pcs\b|palettes?\b|pallets?\b|colis\b|parcels?\b|references?\b|skus?\b|commandes?\b|orders?\b"
    r"|clients?\b|customers?\b|sites?\b|magasins?\b|stores?\b|points de vente\b|salaries\b|employees\b"
    r"|collaborateurs\b|personnes\b|people\b|etp\b|fte\b|licences?\b|licenses?\b|utilisateurs\b|users\b"
    r"|livraisons?\b|deliveries\b|camions?\b|trucks?\b|agences?\b|branches\b|interventions?\b"
)
_SHORT_TIME = r"minutes?\b|min\b|secondes?\b|seconds?\b|sec\b"
_FIGURE_MASKS = tuple(
    re.compile(p)
    for p in (
        r"\b(?:articles?|art\.?)\s*[lrd]?\.?\s?\d[\d.\-]*",  # legal article numbers
        r"\b[lrd]\.?\s?\d{3}-\d+(?:-\d+)?\b",
        r"(?:\+\d{1,3}\s?(?:\(0\)\s?)?\d(?:[\s.-]?\d{2}){4})|(?<!\d)0\d(?:[\s.-]?\d{2}){4}(?!\d)",  # phones
        r"\(?\b\d{3}\)?[\s.-]\d{3}[\s.-]\d{4}\b",
        r"\b\d{4}-\d{2}-\d{2}\b",  # dates
        r"\b\d{1,2}/\d{1,2}(?:/\d{2,4})?\b|\b\d{1,2}-\d{1,2}-\d{2,4}\b",
        r"\b\d{1,2}\.\d{1,2}\.\d{2,4}\b",
        r"\b\d{1,2}(?:er|e|st|nd|rd|th)?\s+(?:de )?" + _MONTHS + r"\b(?:\s+\d{4})?",
        r"\b" + _MONTHS + r"\s+\d{1,2}(?:st|nd|rd|th)?\b(?:,?\s+\d{4})?",
        r"\b(?:19|20)\d{2}\b(?!\s?(?:%|€|k€|k\b|euros?|eur\b|\$|dollars?|units?|unites?|clients|pieces|tonnes))",
        r"\b\d{1,2}\s?[:h]\s?\d{2}\b",  # times of day
        r"\b\d{1,2}\s?(?:am|pm|a\.m\.|p\.m\.|o'clock)",
        r"\b(?:a|vers|des|avant|apres|jusqu'a|entre|at|around|before|after|until|till)\s+\d{1,2}\s?(?:h|heures?)\b",
        rf"\bil y a (?:\d+|{_WORD_NUM})\s?\w+",  # "three months ago" is a story, not an argument
        rf"(?:\b\d+|{_WORD_NUM})\s?\w+ ago\b",
        r"\b\d+(?:er|ere|e|eme|st|nd|rd|th)\b",  # ordinals
        r"\b(?:page|numero|n°|no\.|version|etape|step|option|ligne|line|piste)\s?\d+",
        r"#\d+",
    )
)
_UNIT_FIGURE = re.compile(
    rf"(?:{_NUM})\s?(?:{_MONEY}|{_PERCENT}|{_COUNT})"
    rf"|(?:€|\$|£)\s?\d"
    rf"|(?:{_NUM}|{_WORD_NUM})\s?(?:{_PERCENT_WORDS}|euros?\b|dollars?\b)"
    r"|\bx\s?\d+(?:[.,]\d+)?\b|\b\d+(?:[.,]\d+)?\s?x\b"
)
_DURATION_FIGURE = re.compile(rf"(?:{_NUM})\s?(?:{_DURATION})")
_WORDED_DURATION_FIGURE = re.compile(rf"(?:{_WORD_NUM})\s?(?:{_DURATION})")
_SHORT_TIME_FIGURE = re.compile(rf"(?:{_NUM}|{_WORD_NUM})\s?(?:{_SHORT_TIME})")
_GAIN_CONTEXT = re.compile(
    r"\b(?:gagn\w*|gain\w*|econom\w*|save[sd]?|saving\w*|faster|plus rapide\w*|moins|less|fewer|reduit\w*"
    r"|reduire|reduce[sd]?|cut|instead|au lieu|contre|versus|vs|par (?:commande|jour|semaine|colis|operateur"
    r"|ticket|appel)|per (?:order|day|week|parcel|ticket|operator|call))\b"
)
_COMPARATIVE_MULTIPLIER = re.compile(
    rf"(?:{_NUM}|{_WORD_NUM}) (?:fois|times) (?:plus|moins|mieux|more|less|fewer|faster|cheaper|better|as)\b"
    r"|\b(?:twice|half) as\b|\b(?:divise|multiplie|divided|multiplied)e?s? par (?:deux|trois|quatre|dix|\d+)\b"
    r"|\b(?:halved|doubled|tripled)\b"
    r"|\b(?:deux|trois) fois (?:plus|moins)\b"
)
_FIGURE_COMPARISON = re.compile(
    rf"{_NUM}[^?!]{{0,40}}?\b(?:contre|versus|vs\.?|au lieu de|instead of|compared (?:to|with)|par rapport a)"
    rf"\s+(?:\w+\s+){{0,3}}?{_NUM}"
    rf"|\b(?:de|from) {_NUM} (?:a|to) {_NUM}\b(?=.*\b(?:pass|redui|reduc|baiss|augment|descend|go|went|drop"
    r"|fell|fall|cut|increas|grow|grew|ris|rose|improv|amelior|gagn))"
)
_KPI = re.compile(
    r"\b(?:roi|retour sur investissement|payback|rentabilis\w*|amorti\w*|break-?even|point mort|marge|margin"
    r"|taux de \w+|nps|chiffre d'affaires|turnover|revenue)\b"
)
_BARE_NUMBER = re.compile(_NUM)
_ARGUMENT_LINK = {  # what turns a figure into an argument: a cause, a consequence, a comparison, a gain
    "fr": re.compile(
        r"\b(?:parce qu|car\b|donc\b|ainsi\b|grace a|puisqu|ce qui (?:\w+ )?\w+|cela (?:represente|signifie"
        r"|permet|fait|vous fera|equivaut)|ca (?:represente|fait|vous fait)|contre\b|au lieu de|par rapport a"
        r"|alors que|tandis que|seulement\b|seule?s?\b|autant que|de moins\b|de plus que|moins cher|plus cher|(?:plus|moins"
        r"|mieux) (?:\w+ ){0,2}(?:que|qu')|redui\w*|diminu\w+|baiss\w+|econom\w+|gagn\w+|gain\w*|amelior\w+"
        r"|augment\w+|pass\w* (?:de|a)\b|tomb\w* a\b|recul\w*|liber\w+|rapport\w+|rentab\w+|retour (?:sur|en)\b"
        r"|point mort|amorti\w*|roi\b|cree\w*|gener\w+|permet\w*|evit\w+|plafonn\w+|nous (?:livrons|garantissons"
        r"|equipons|servons|accompagnons|tenons|assurons)|nos clients|vous (?:gagnez|economisez|reduisez|evitez"
        r"|recuperez)|(?:sous|en moins de|en) \d+ ?(?:h|heures|jours|semaines)\b)"
        r"|%\s*(?:plus|moins|de plus|de moins|d'economies?|de gain)\b"
    ),
    "en": re.compile(
        r"\b(?:because|therefore|thus|thanks to|which (?:\w+ )?\w+s\b|that (?:means|represents|saves)|this"
        r" (?:means|represents|saves|keeps|gives)|against|instead of|compared|versus|vs\b|whereas|while\b"
        r"|only\b|than\b|as much as|(?:more|less) expensive|cheaper|cut\w*|reduc\w+|lower\w*|sav\w+|gain\w*"
        r"|improv\w+|increas\w+|ris\w+ (?:to|by)|fall\w* (?:to|by)|drop\w*|goes down|go down|frees?|brings? in"
        r"|payback|pays? (?:for itself|back)|break-even|roi\b|return on|creat\w+|generat\w+|enables?|allows?"
        r"|helps?|avoids?|caps?\b|capped|we (?:deliver|guarantee|equip|serve|support|commit)|our (?:clients"
        r"|customers)|you (?:save|gain|cut|avoid|get back)|(?:within|in less than|in under) \d+ (?:hours?|days?"
        r"|weeks?))"
        r"|%\s*(?:more|less|fewer|lower|higher|cheaper|savings?)\b"
    ),
}
_RHETORICAL_FACT = re.compile(
    r"\b(?:le )?saviez" + _H + r"vous\b|\bvous saviez que\b|\bdid you know\b|\bimagine[zr]?\b"
)
_QUESTION_CLAUSE = re.compile(
    r"^(?:et |mais |alors |donc |and |but |so )?(?:est-ce|est ce|qu'|que |qui |quel|quand|comment|pourquoi"
    r"|combien|où|[a-z]+-(?:t-)?(?:vous|il|elle|on|tu|nous)\b|vous |tu |c'est |ca |cela |what|who|how|why"
    r"|which|where|when|do |does |did |are |is |can |could |would |will |have |has |should |shall |may "
    r"|isn't|aren't|don't|doesn't|wouldn't|you |any )"
)


def _statement_part(s: _Sentence) -> str:
    """The part of a sentence that states something (a question asks; it argues nothing)."""
    if not s.question or _RHETORICAL_FACT.search(s.norm):
        return s.norm
    clauses = re.split(r",\s*|\s-\s|:\s*", s.norm)
    if len(clauses) > 1 and _QUESTION_CLAUSE.match(clauses[-1]):
        return ", ".join(clauses[:-1])
    return ""


def _mask_non_figures(norm: str) -> str:
    for mask in _FIGURE_MASKS:
        norm = mask.sub(" # ", norm)
    return norm


def _is_quantified_argument(s: _Sentence, scheduling: bool) -> bool:
    """A figure that argues: compared, or tied to a cause, a consequence or a gain (a list of figures is not)."""
    text = _mask_non_figures(_statement_part(s))
    if not text:
        return False
    if _COMPARATIVE_MULTIPLIER.search(text) or _FIGURE_COMPARISON.search(text):
        return True
    figure = (
        _UNIT_FIGURE.search(text)
        or (not scheduling and (_DURATION_FIGURE.search(text) or _WORDED_DURATION_FIGURE.search(text)))
        or (_SHORT_TIME_FIGURE.search(text) and _GAIN_CONTEXT.search(text))
        or (_KPI.search(text) and _BARE_NUMBER.search(text))
    )
    return bool(figure) and any(_ARGUMENT_LINK[lang].search(text) for lang in s.langs)


_REGULATION = _by_lang(
    fr=[
        r"\b(?:selon|d'apres|conformement (?:au|a)|aux termes (?:du|de)|en vertu (?:du|de)|dans|au|par) (?:le |notre |votre |ce |du )?"
        r"contrats?\b",
        r"\b(?:le|notre|votre|ce|du) contrat(?: \w+)? (?:prevoit|stipule|precise|fixe|impose|couvre|exclut|interdit|oblige"
        r"|encadre|dit|mentionne|indique|engage|lie|plafonne|garantit|s'applique|reste)\b",
        r"\bcontractuel(?:le)?s?\b|\bcontractuellement\b",
        r"\bclauses?\b",
        r"\bcg[va]\b",
        r"\bconditions generales\b",
        r"\bcode (?:de commerce|du commerce|du travail|civil|de la consommation)\b",
        r"\blme\b",
        r"\begalim\b",
        r"\blois?\b",
        r"\b(?:il)?legal(?:e|es|ement)?\b|\b(?:il)?legaux\b",
        r"\bdelais? de paiement (?:legaux|plafonnes|maximum|maximaux)\b",
        r"\bplafond legal\b",
        r"\brgpd\b",
        r"\bcse\b|\bcomite social et economique\b",
        r"\bgarantie (?:legale|contractuelle|de conformite|des vices|constructeur|commerciale)\b",
        r"\bsous garantie\b|\bextension de garantie\b",
        r"\bpenalites? (?:contractuelles?|de retard|prevues|logistiques)\b",
        r"\bindemnite forfaitaire\b",
        r"\bl\.? ?441\b|\barticle l\.? ?\d",
        r"\breglementation\b|\breglementaires?\b",
        r"\bjuridiques?\b|\bjuridiquement\b",
        r"\bavenant\b",
        r"\bconvention collective\b",
        r"\baccord (?:d'entreprise|collectif|cadre)\b|\baccord-cadre\b",
        r"\bdgccrf\b",
        r"\bcahier des charges\b",
        r"\bsla\b",
        r"\bdirective (?:europeenne|ue)\b",
        r"\bjurisprudence\b",
        r"\bobligation (?:legale|d'information|de consultation|de conseil|de resultat|de moyens)\b",
        r"\bmise en demeure\b",
    ],
    en=[
        r"\b(?:under|according to|as per|per|in|by|within|of|breach of|terms of) (?:the |our |your |this |that )?(?:signed )?"
        r"contracts?\b|\bcontractual(?:ly)?\b",
        r"\b(?:the|our|your|this|that) (?:signed )?contract(?: \w+)? (?:provides|states|says|sets|stipulates|requires|covers"
        r"|includes|excludes|foresees|guarantees|specifies|applies|allows|forbids|prohibits|binds|caps|limits|runs"
        r"|is clear|commits)\b",
        r"\bclauses?\b",
        r"\bterms (?:and|&) conditions\b|\bt&cs?\b|\bt's and c's\b",
        r"\b(?:the|by|under|french|eu|european|labou?r|employment|competition|consumer|data protection) laws?\b",
        r"\b(?:il)?legal(?:ly)?\b",
        r"\bregulations?\b|\bregulatory\b",
        r"\bgdpr\b",
        r"\b(?:under|of the|our|the|your|this|a|legal|statutory|manufacturer's) warrant(?:y|ies) (?:covers?|includes?"
        r"|excludes?|applies|terms|conditions|period|claims?|runs|lasts|guarantees)\b|\bunder warranty\b"
        r"|\b(?:under|according to|as per|by) (?:the |our |your )?warrant(?:y|ies)\b",
        r"\bsla\b|\bservice level agreement\b",
        r"\bcomplian(?:ce|t)\b|\bcomply with\b",
        r"\bstatutory\b",
        r"\blate[- ]payment (?:penalt\w+|directive|interest|fees?|rules)\b",
        r"\bpenalt(?:y|ies) (?:clause|for late)\b|\bcontractual penalt\w+\b",
        r"\bcommercial code\b|\bcode de commerce\b",
        r"\blabou?r code\b",
        r"\bworks council\b",
        r"\bcollective (?:bargaining )?agreement\b",
        r"\bframework agreement\b|\bpurchase agreement\b|\bmaster agreement\b",
        r"\bdirective\b",
        r"\bpayment terms (?:cap|caps|limit|limits|ceiling)\b",
    ],
)


def _is_regulation_reference(s: _Sentence) -> bool:
    """A reference to a contract, a law or a regulation, not counting the penalties the sentence waives
    ("nous renonçons aux pénalités de retard" gives them away; "elles s'appliqueront" refers to them)."""
    waived = _waived_spans(s)
    return any(
        not any(a <= m.start() < b for a, b in waived)
        for lang in s.langs
        for pattern in _REGULATION[lang]
        for m in pattern.finditer(s.norm)
    )
