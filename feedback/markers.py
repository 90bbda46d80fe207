"""Phrase markers the scorer needs beyond the move vocabulary of `scenarios.moves`, in French and English.

A move says what a sentence *does* (asks openly, concedes on a condition...). Some indicators also need
what a sentence is *about* or a specific fault: accepting payment terms the Code de commerce forbids,
naming psychosocial risks, steps and tools of change, co-construction, a company's values, innovation,
value creation, the candidate's mandate, dismissing a person's worry, or addressing the scorer instead
of the counterpart. Each marker returns the sentence it was found in, an exact substring of the text.

These markers are read together with moves (e.g. a psychosocial-risk word counts only in a question,
an empathic or a proposing sentence): on their own they are topics, not skills.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import cache

from scenarios.moves import strikes_penalties

logger = logging.getLogger(__name__)

_FLAGS = re.IGNORECASE | re.UNICODE


@dataclass(frozen=True)
class Sentence:
    """A sentence of a turn: `text` is exactly `turn_text[start:end]`."""

    text: str
    start: int
    end: int


_BOUNDARY = re.compile(r"(?<=[.!?…])\s+|\n+")


def sentences(text: str) -> list[Sentence]:
    """Split a turn into sentences (on . ! ? … followed by a space, and on new lines), keeping offsets."""
    out: list[Sentence] = []
    pos = 0
    for m in _BOUNDARY.finditer(text):
        _add(out, text, pos, m.start())
        pos = m.end()
    _add(out, text, pos, len(text))
    return out


def _add(out: list[Sentence], text: str, start: int, end: int) -> None:
    chunk = text[start:end]
    stripped = chunk.strip()
    if stripped:
        offset = start + chunk.index(stripped)
        out.append(Sentence(stripped, offset, offset + len(stripped)))


# --- the markers ----------------------------------------------------------------------------------

# Each marker: name -> {lang: pattern}. Patterns are searched inside one sentence.
PATTERNS: dict[str, dict[str, str]] = {
    "rps": {
        "fr": r"\bstress|anxi|inqui[eè]t|angoiss|épuis|surcharge|surmenage|charge (de travail|mentale)|burn.?out|"
        r"bien-être|risques? psycho|\bRPS\b|santé (au travail|mentale)|fatigue|isolement|isolé|démotiv|"
        r"pression|\btensions?\b|conflits?\b|perte de sens|sens (de|du) (votre |leur )?travail|reconnaissance|"
        r"équilibre (vie|pro|perso)|\bpeurs?\b|crainte|craignez|motivation",
        "en": r"\bstress|anxi|worr(y|ied|ies)|burn.?out|exhaust|overload|workload|well-?being|psychosocial|"
        r"mental (health|load)|fatigue|\bisolat|isolated|demotivat|\bpressure|\btensions?\b|conflicts?\b|"
        r"\bfears?\b|afraid|work-life|recognition|motivation|morale",
    },
    "assessment": {
        "fr": r"évalu|mesur|suivre|suivi|baromètre|enquête|questionnaire|entretiens? (individuels?)?|point individuel|"
        r"médecin du travail|\bRH\b|ressources humaines|indicateurs?|comment (vous )?(vivez|ressentez|le vivez)",
        "en": r"assess|measur|monitor|survey|pulse|questionnaire|one-to-one|1:1|check-?in|occupational|\bHR\b|"
        r"human resources|indicators?|how (do|are) you (feel|feeling|coping)",
    },
    "dismissal": {
        "fr": r"pas (mon|notre) problème|vous vous y ferez|(il )?faudra (vous )?(y )?faire|c'est comme ça|"
        r"pas le choix|(pas|non) négociable|point final|pas de discussion|vous n'avez qu'à|"
        r"arrêtez de (vous plaindre|râler|discuter)|si ça ne vous (plaît|convient) pas|c'est décidé|c'est acté|"
        r"je ne veux (plus )?(rien )?entendre|tout le monde (stresse|s'adapte)|fait partie du (job|métier)|"
        r"on ne revient pas|sans discuter|exécutez|obéi",
        "en": r"not my problem|get over it|stop (complaining|moaning|arguing)|deal with it|you'?ll get used to it|"
        r"part of the job|no choice|non-?negotiable|take it or leave it|that'?s final|end of (the )?discussion|"
        r"it'?s (been )?decided|I don'?t want to hear|everyone (gets stressed|adapts)|no discussion|"
        r"just do (it|as)|like it or not",
    },
    "change_steps": {
        "fr": r"\bétapes?\b|\bphases?\b|calendrier|planning|rétro-?planning|jalons?|\bpilote\b|phase de test|"
        r"expériment|formations?\b|former\b|accompagnement|tutorat|binômes?|points? (d'étape|hebdo|réguliers?|mensuels?)|"
        r"comité|retour d'expérience|\bbilan|feuille de route|plan de communication|ateliers?\b|kick-?off|"
        r"déploiement progressif|progressivement|dans un premier temps|diagnostic|courbe du changement|ADKAR|"
        r"Kotter|\bFAQ\b|référents?|ambassadeurs?",
        "en": r"\bsteps?\b|\bphases?\b|timeline|schedule|roadmap|milestones?|\bpilot|\btrial|training|coaching|"
        r"buddy|check-?ins?|(weekly|monthly|regular) (review|meeting|point|check)|steering|lessons learned|"
        r"retrospective|workshops?|communication plan|kick-?off|gradual|roll-?out|first of all|ADKAR|Kotter|"
        r"change curve|champions?|ambassadors?",
    },
    "coconstruction": {
        "fr": r"\bensemble\b|co-?constru|co-?écri|vos idées|votre avis|qu'en pensez-vous|que proposez-vous|"
        r"vos propositions|proposez-moi|\btest(er|ons)\b|expériment|itérati|ajust|rétrospective|sprint|"
        r"autonomie|autonome|à votre rythme|en équipe|collecti|particip|impliqu|associer|vous (choisirez|décidez|déciderez)|"
        r"comment (verriez|feriez|organiseriez)-vous|qu'est-ce qui vous aiderait|de quoi auriez-vous besoin",
        "en": r"\btogether\b|co-?(create|design|build|construct|write)|your ideas|your (view|opinion|input)|"
        r"what do you (think|suggest|propose)|how would you|what would help|what would you need|\btest(ing)?\b|"
        r"try (it|out)|experiment|iterat|adjust|retrospective|sprint|autonom|at your own pace|as a team|"
        r"collective|involv|participat|your call|you decide|you('ll| will) choose",
    },
    "support": {
        "fr": r"accompagn|soutien|soutenir|\baider\b|\baide\b|former\b|formation|responsabili|autonomie|confiance|"
        r"valoris|reconna[iî]|motiv|encourag|à votre écoute|mentor|binôme|vos compétences|votre expérience|"
        r"votre expertise|vos forces",
        "en": r"support|\bhelp|coach|\btrain|mentor|empower|responsib|ownership|autonom|\btrust|recogni|motivat|"
        r"encourag|your (experience|expertise|skills|strengths)|I'?m listening",
    },
    "impact": {
        "fr": r"impact|conséquence|charge de travail|organisation|horaires|planning|outils?\b|logiciel|logistique|"
        r"\bcoûts?\b|budget|rémunération|\bprimes?\b|variable|commission|compétences|clients?\b|tournées|"
        r"déplacements|process|effectifs?|\bpostes?\b|secteurs?\b|portefeuille|quotidien|métier",
        "en": r"impact|consequence|workload|organi[sz]ation|schedule|\bhours\b|tools?\b|software|logistic|"
        r"\bcosts?\b|budget|\bpay\b|bonus|commission|skills|customers?|clients?|routes?\b|travel|process|"
        r"headcount|\brole\b|\bjob\b|territor|portfolio|day-to-day|daily work",
    },
    "values": {
        "fr": r"\bvaleurs\b|notre valeur\b|\bmission\b|raison d'être|\bRSE\b|responsabilité (sociétale|sociale|environnementale)|"
        r"durable|durabilité|environnement|carbone|\bCO2|éthique|nos engagements|engagement (sociétal|climat)|"
        r"inclusi|made in France|circuit court|B ?Corp|\bESG\b|impact (social|environnemental)",
        "en": r"\bvalues\b|core value|\bmission\b|\bpurpose\b|\bCSR\b|sustainab|environment|carbon|\bCO2|ethic|"
        r"our commitments?|inclusi|B ?Corp|\bESG\b|(social|environmental) impact|responsible",
    },
    "coherence": {
        "fr": r"cohéren|aligné|alignée|en ligne avec|conforme|fidèle|s'inscri[tv]|dans le (droit )?fil|respect|incarne|"
        r"tradui[st]|renforce|prolonge|au service de|découle",
        "en": r"consistent|align|in line with|true to|\bfits?\b|reflect|embod|coheren|reinforc|respect|in keeping|"
        r"builds on|serves|follows from|stays faithful",
    },
    "values_violation": {
        "fr": r"peu importe (l'|les |la |le |nos )?(image|valeurs|RSE|éthique|environnement|planète|mission)|"
        r"tant pis pour (l'|les |la |le |nos )|(RSE|valeurs|éthique)[^.]{0,30}plus tard|quitte à (polluer|licencier|sacrifier|tromper)|"
        r"personne ne (le )?(saura|verra)|sans (le )?dire aux|cacher|masquer|contourner (la loi|la réglementation|les règles)|"
        r"\bdumping\b|on s'en fiche|on s'en moque|oublions (la RSE|nos valeurs|l'éthique)",
        "en": r"whatever it takes|who cares about|forget (about )?(the |our )?(CSR|values|ethics|environment|mission)|"
        r"(ethics|values|CSR)[^.]{0,30}(can wait|later)|nobody will (know|notice)|\bhide\b|cut corners|"
        r"get around (the )?(law|rules)|\bdumping\b|regardless of (our )?(values|the environment|ethics)",
    },
    "innovation": {
        "fr": r"innov|inédit|différenci|distincti|\bunique\b|disrupt|rupture|avantage concurrentiel|"
        r"contrairement (aux|à nos|à) concurrents?|aucun concurrent|personne d'autre|brevet|"
        r"premi(er|ère) (acteur|sur le marché|du marché|offre)|nouveau modèle|nouveau standard",
        "en": r"innovat|first-of-its-kind|differentiat|distinctive|\bunique\b|disrupt|breakthrough|competitive (advantage|edge)|"
        r"unlike (our )?competitors|no competitor|none of our competitors|no one else|patent|"
        r"first (to|on) (the )?market|new business model|new standard",
    },
    "competition": {
        "fr": r"concurren|marché|leader|parts? de marché|benchmark",
        "en": r"competit|market|leader|market share|benchmark",
    },
    "value_creation": {
        "fr": r"marge|chiffre d'affaires|\bCA\b|rentab|\bROI\b|retour sur investissement|EBITDA|\bEBE\b|résultat net|"
        r"bénéfice|profit|économies|\bgains?\b|valeur ajoutée|création de valeur|crée(ra)? de la valeur|payback|"
        r"point mort|seuil de rentabilité|amorti|trésorerie|parts? de marché|panier moyen|\bLTV\b|fidélisation|"
        r"taux de (conversion|rétention|transformation|churn)|coût d'acquisition",
        "en": r"margin|revenue|turnover|profit|\bROI\b|return on investment|EBITDA|earnings|savings|value creation|"
        r"added value|create[sd]? value|payback|break-?even|cash flow|market share|basket|lifetime value|\bLTV\b|"
        r"retention|churn|conversion rate|acquisition cost",
    },
    "effect": {
        "fr": r"passe (de|à)|\bcontre \d|au lieu de|\bcrée|créera|génère|générera|rapporte|augment|hausse|baisse|"
        r"rédui|économis|\bgagn|amélior|\bpermet|grâce à|\bsoit \d|retour sur investissement|point mort|amorti|"
        r"rentabilis|tombe à|recul",
        "en": r"\brises?\b|increas|\bgrow|creat|generat|\bbrings?\b|\bsaves?\b|\bcuts?\b|reduc|improv|against \d|"
        r"versus|compared|instead of|thanks to|which means|payback|return on investment|break-even|falls? to|pays? back",
    },
    "structure": {
        "fr": r"\bd'abord\b|premièrement|tout d'abord|deuxièmement|troisièmement|\benfin\b|pour conclure|"
        r"en conclusion|en synthèse|en résumé|\b(deux|trois|quatre) (points|axes|leviers|raisons|piliers|priorités)\b|"
        r"mon (premier|second|deuxième|troisième) point|ma recommandation|je recommande|"
        r"je vous (propose|demande) de (valider|décider|arbitrer)",
        "en": r"\bfirst(ly)?,|to begin with|second(ly)?,|third(ly)?,|\bfinally\b|to conclude|in conclusion|in short|"
        r"to sum up|in summary|\b(two|three|four) (points|pillars|levers|reasons|priorities)\b|"
        r"my (first|second|third) point|my recommendation|I recommend|bottom line|I'?m asking you to (approve|decide|validate)",
    },
    "mandate": {
        "fr": r"mandat|je (suis|ne suis pas) habilitée?|ma marge de man(œ|oe)uvre|dans la limite de|"
        r"je dois (en référer|valider|consulter)|valider (cela )?avec (ma|notre) direction|(ma|notre) direction (a validé|m'autorise|m'a donné)|"
        r"je m'engage personnellement|en tant que (directeur|directrice|responsable|manager|key account)|"
        r"à mon niveau|je peux m'engager|je peux vous garantir|escalad|arbitrage|je (porte|signe) (cet|cette|ce)",
        "en": r"mandate|I'?m (not )?authori[sz]ed|my (room for manoeuvre|latitude|remit)|within (my|the) limits?|"
        r"I need to (check|validate|clear)|(sign-?off|approval) from|as (head|director|manager|key account)|"
        r"at my level|I can commit|I can guarantee|escalat|I have the authority|I personally commit",
    },
    # the reason given for a proposal or a concession (read in its sentence or the next one)
    "justification": {
        "fr": r"\bparce que\b|\bparce qu'|\bcar\b|\bpuisque\b|\bpuisqu'|compte tenu|étant donné|vu (que|qu'|le|la|les|l'|vos|votre)|"
        r"afin de|afin que|pour que|ce qui (vous |nous )?(permet|représente|correspond|couvre|compense)|"
        r"en échange|en contrepartie|grâce à|en raison (de|du|des)|du fait (de|du|des|que)|au vu (de|du|des)|"
        r"c'est pourquoi|c'est pour (cela|ça) que|voilà pourquoi|pour tenir compte|en reconnaissance|pour récompenser|"
        r"ce qui (s'explique|se justifie)|cela (s'explique|se justifie)|se justifie par|s'explique par|"
        r"correspond (à|au|aux) (l'|la|le|les|vos|votre|nos|notre)|reflète|reflètent|la raison (est|en est)",
        "en": r"\bbecause\b|\bsince\b|given (that|the|your|our)|so that|in order to|which (lets|allows|means|covers|"
        r"reflects|matches|offsets)|in exchange|in return|thanks to|due to|owing to|as a result of|"
        r"that's why|this is why|that is why|the reason (is|being)|reflects|to reward|in recognition of|"
        r"to account for|considering (that|the|your|our)|in view of|in light of|justified by|"
        r"it (matches|covers|offsets|mirrors)|this (matches|covers|offsets|mirrors)",
    },
    "process": {
        "fr": r"procédure|garantie|\bCGV\b|conditions générales|contrat|avoir\b|\bSAV\b|process|politique|"
        r"norme|certification|traçabilité|protocole|qualité|audit|\bclause",
        "en": r"procedure|warranty|guarantee|terms and conditions|\bT&Cs?\b|contract|credit note|after-sales|process|"
        r"policy|standard|certification|traceability|protocol|quality|audit|\bclause",
    },
    # Addressing whoever scores the session instead of the counterpart: overriding instructions, naming the
    # grader or the scoring system, or asking for a grade / level / "all criteria met". A role-play has no
    # reason to say any of these to a purchasing director, a team member or a board.
    "manipulation": {
        "fr": r"(?<!pas )(?<!plus )(?<!jamais )\b(?:ignore[rsz]?|oublie[rsz]?|ne tiens? pas compte|ne tenez pas compte|fais abstraction|faites abstraction)\b"
        r"[^.!?]{0,30}\b(?:instructions?|consignes?|règles|barème|grille|prompt|directives?)|"
        r"(?:nouvelles?|vraies?) (?:instructions?|consignes?)\s*:|prompt système|"
        r"\b(?:correcteur|correctrice|évaluateur|évaluatrice|examinateur|examinatrice|notateur|système de notation|"
        r"modèle de langage|assistant IA|l'IA|cher IA|chère IA|LLM|grille d'évaluation)\b|"
        r"\b(?:20|vingt) ?(?:/|sur) ?(?:20|vingt)\b(?!\s+(?!pour\b|please\b|merci\b|svp\b|for\b|to\b|on\b|au\b|à\b)[^\W\d_]{3,})|note (?:maximale|parfaite|maximum|de 20)|"
        r"(?:donne[rz]?|mette[rz]?|mets|attribue[rz]?|accorde[rz]?)[- ]?(?:moi|lui|nous|au candidat)? (?:une |la )?(?:note|niveau 3)|"
        r"\bniveau (?:3|trois|maximal|maximum) (?:à|sur|pour|dans) (?:tous|toutes|chaque|l'ensemble)|"
        r"(?:tous|l'ensemble des) (?:les )?(?:critères|indicateurs)[^.!?]{0,20}\b(?:validés|acquis|atteints|remplis|maîtrisés)|"
        r"le jury (?:a|m'a) (?:déjà )?(?:validé|approuvé|noté)|déjà validé par le jury|"
        r"(?:notez|note)-(?:moi|le) (?:au )?maximum|en tant qu'IA",
        "en": r"(?<!not )(?<!never )(?<!n't )\b(?:ignore|disregard|forget|override|bypass|skip)\b[^.!?]{0,30}\b(?:instructions?|prompts?|rules|"
        r"guidelines|rubric|criteria|directions)\b|\bnew instructions?\s*:|\bsystem prompt\b|\byou are now\b|"
        r"\b(?:grader|scorer|evaluator|examiner|assessor|marker|(?<!lead )scoring (?:system|model|engine)|language model|LLM|"
        r"AI (?:judge|grader|model|assistant)|grading (?:system|model))\b|\bas an AI\b|dear AI\b|"
        r"\b(?:20|twenty) ?(?:/|out of) ?(?:20|twenty)\b(?!\s+(?!pour\b|please\b|merci\b|svp\b|for\b|to\b|on\b|au\b|à\b)[^\W\d_]{3,})|\bfull marks\b|\bperfect (?:score|grade|mark)\b|"
        r"\b(?:top|maximum|highest) (?:marks?|score|grade|level)\b|"
        r"\b(?:score|grade|rate|mark) (?:me|this (?:candidate|session|answer)|the candidate)\b|"
        r"\blevel (?:3|three) (?:on|for|in|across) (?:all|every|each)\b|"
        r"\b(?:all|every|each) (?:the )?(?:criteria|criterion|indicators?)\b[^.!?]{0,20}\b(?:met|validated|achieved|"
        r"fulfilled|mastered|satisfied)\b|"
        r"the jury (?:has )?already (?:validated|approved|graded|scored)",
    },
}


@cache
def _compiled(name: str, lang: str) -> re.Pattern[str]:
    return re.compile(PATTERNS[name][lang], _FLAGS)


def find(name: str, text: str, lang: str) -> list[Sentence]:
    """The sentences of `text` where marker `name` occurs (in `lang`, then the other language)."""
    pattern = _compiled(name, lang if lang in ("fr", "en") else "en")
    return [s for s in sentences(text) if pattern.search(s.text)]


def has(name: str, sentence: str, lang: str) -> bool:
    """Whether marker `name` occurs in this sentence."""
    return _compiled(name, lang if lang in ("fr", "en") else "en").search(sentence) is not None


# --- substance: a sentence that says something ----------------------------------------------------------

_FILLER = {
    "fr": re.compile(
        r"\b(?:alors|voilà|en fait|bon|ben|euh|heu|comment dire|disons que|disons|enfin|vous voyez|tu vois|"
        r"en quelque sorte|bref|tout d'abord|d'abord|premièrement|deuxièmement|ensuite|puis|pour conclure|"
        r"en conclusion|en résumé|en synthèse|pour résumer|au final|finalement|globalement|du coup|quoi|"
        r"effectivement|absolument|clairement|évidemment|honnêtement|franchement|vraiment|donc|ainsi|"
        r"c'est-à-dire|pour ainsi dire|si vous voulez|je dirais|je veux dire|en gros|grosso modo|"
        r"à la fin de la journée|tout compte fait|en tout cas|de toute façon|bien sûr|justement|"
        r"voici|maintenant|point|points|mon|ma|mes)\b",
        _FLAGS,
    ),
    "en": re.compile(
        r"\b(?:well|you know|basically|i mean|to be honest|honestly|frankly|at the end of the day|so yeah|yeah|"
        r"all things considered|in a nutshell|first of all|first|firstly|second|secondly|third|thirdly|next|then|"
        r"finally|lastly|to sum up|to summarise|to summarize|in summary|in short|in conclusion|to conclude|"
        r"to begin with|overall|actually|literally|really|clearly|obviously|of course|so|like|kind of|sort of|"
        r"as it were|if you will|let me say|i would say|i'd say|let's say|anyway|anyhow|right|okay|ok|um|uh|er|"
        r"bottom line|now|here|point|points|my|the)\b",
        _FLAGS,
    ),
}
_STOP = frozenset(
    "le la les un une des de du d l et ou est sont a au aux en dans sur pour par avec que qui quoi ce cet cette ces "
    "je j vous nous on il elle ils elles c s n ne pas plus y se sa son ses votre vos notre nos leur leurs "
    "the a an and or of to in on for with that this these those it is are was were be been i we you they he she "
    "me us them our your their its at by as from all some any".split()
)
_CONTENT_WORD = re.compile(r"[^\W\d_][\w'’-]*|\d+(?:[.,]\d+)?", _FLAGS)


def content_words(sentence: str, lang: str) -> int:
    """How many words of a sentence say something: what is left once discourse markers and fillers ("well, you
    know, first of all, to sum up", "alors voilà, en fait, en résumé") and function words are taken out."""
    rest = sentence
    for code in (lang,) if lang in ("fr", "en") else ("fr", "en"):
        rest = _FILLER[code].sub(" ", rest)
    return sum(
        1
        for w in _CONTENT_WORD.findall(rest)
        if w.lower().strip("'’") not in _STOP and (len(w) > 2 or w[0].isdigit())
    )


# --- terms the law forbids ------------------------------------------------------------------------

PAYMENT_CAP_DAYS = 60  # Code de commerce L441-10: 60 days from the invoice date...
PAYMENT_CAP_EOM_DAYS = 45  # ...or 45 days end of month.

_NUMBER_WORDS = {
    "soixante-dix": 70,
    "soixante-quinze": 75,
    "quatre-vingts": 80,
    "quatre-vingt": 80,
    "quatre-vingt-dix": 90,
    "cent vingt": 120,
    "cent-vingt": 120,
    "cent": 100,
    "seventy": 70,
    "seventy-five": 75,
    "eighty": 80,
    "ninety": 90,
    "hundred": 100,
    "one hundred and twenty": 120,
    "a hundred and twenty": 120,
    "hundred and twenty": 120,
    "soixante": 60,
    "sixty": 60,
    "quarante-cinq": 45,
    "forty-five": 45,
    "trente": 30,
    "thirty": 30,
}
_NUM = r"(\d{2,3}|" + "|".join(sorted((re.escape(w) for w in _NUMBER_WORDS), key=len, reverse=True)) + r")"
_DAYS = re.compile(_NUM + r"\s*(?:jours|j\b|days|-day|day\b)", _FLAGS)
_MONTHS = re.compile(r"(?<![\d,.])\b(\d|deux|trois|quatre|two|three|four)\s*(?:mois|months)\b", _FLAGS)
# What makes a duration a payment term: a word of paying in the same clause ("délai de paiement de 90 jours",
# "paid within 90 days", "90-day payment terms", "net 90", "à 90 jours fin de mois").
_PAYMENT_WORD = re.compile(
    r"paiement|\bpai(e|ent|era|erons|erez)\b|\bpay(er|ons|ez|é|ée|és|ées|ent|ait|erons|erez)\b|règlement|\brégl|"
    r"factur|échéance|escompte|encaiss|\bnet\b|fin de mois|\bFDM\b|"
    r"payment|\bpa(y|ys|id|ying|yable)\b|invoice|\bsettle|end of (the )?month|\bEOM\b|\bdue\b|"
    r"\b(?:credit|payment|\d+-day) terms\b|(?<!contract )(?<!contractual )\bterms\b",
    _FLAGS,
)
# What else a duration may qualify: a contract or commitment and its exit, a notice, a delivery, a warranty, a trial...
_OTHER_DURATION = re.compile(
    r"livr|deliver|lead time|garanti|warrant|préavis|notice|essai|trial|validit|valid|stock|fabrication|production|"
    r"shipping|expédi|transport|contrat|contract|engag|commit|durée|duration|sortie|exit|résili|terminat|cancel|"
    r"clause|renouvel|renew|période|period|pilot|pilote|\btest|mission|agreement|partenariat|partnership|"
    r"abonnement|subscription|\bbail\b|lease|exclusivit|réflexion|rétractation|cooling|review|revue|bilan|"
    r"onboarding|formation|training|déploiement|roll-?out|deployment|implementation|mise en (place|œuvre)",
    _FLAGS,
)
_NET_DAYS = re.compile(r"\bnet\s*(\d{2,3})\b(?!\s*(?:%|€|\$|euros?|k\b))", _FLAGS)
_EOM = re.compile(r"fin de mois|\bFDM\b|end of (the )?month|\bEOM\b", _FLAGS)
_REFUSAL = {
    "fr": re.compile(
        r"\bne\b|\bn'|\bpas\b|jamais|impossible|illégal|interdit|\bloi\b|\bLME\b|code de commerce|légal|plafon|"
        r"maximum|au-delà|au delà|dépasse|hors de question|refus|\bnon\b|sanction|amende",
        _FLAGS,
    ),
    "en": re.compile(
        r"\bnot\b|n't|never|\bno\b|cannot|impossible|illegal|forbid|prohibit|\blaw\b|legal|\bcap\b|capped|maximum|"
        r"beyond|exceed|out of the question|refuse|sanction",
        _FLAGS,
    ),
}
# phrases that contain a negation word but accept
_ACCEPTING_NEGATIONS = re.compile(
    r"pas de (problème|souci|soucis)|pourquoi pas|no problem|not a problem|no worries|why not|no objection|"
    r"je n'y vois pas d'inconvénient|ne vois pas d'(objection|inconvénient)|pas d'objection|aucun problème|"
    r"(ce |ça )?n'est pas un problème|ne (sera|pose) pas (un |de )?problème|I don'?t see why not|don'?t worry|"
    r"not an issue|isn'?t a problem|won'?t be a problem|no issue",
    _FLAGS,
)
_BRIBERY = {
    "fr": re.compile(
        r"sans facture|hors facture|au noir|dessous de table|pot-de-vin|pots-de-vin|rétro-?commission|"
        r"en liquide sans|(s'entendre|nous entendre|entente) (avec|sur les prix avec) (nos|les|vos) concurrents|"
        r"aligner nos prix avec (nos|les) concurrents|antidater|falsifi|"
        r"(pénalités?|pénalité)[^.;]{0,80}(déduit|retenu|prélev)\w*[^.;]{0,30}(d'office|directement|automatiquement)|"
        r"(déduit|retenu|prélev)\w* (d'office|directement|automatiquement)[^.;]{0,40}factures?",
        _FLAGS,
    ),
    "en": re.compile(
        r"without (an )?invoice|off the books|under the table|kickback|bribe|cash in hand|"
        r"(fix|agree|align) (our )?prices with (our |the )?competitors|backdate|falsif|"
        r"penalt(y|ies)[^.;]{0,80}deduct\w*[^.;]{0,30}(automatically|directly|straight)|"
        r"deduct\w* (automatically|directly|straight) from (our|your|the) invoices?",
        _FLAGS,
    ),
}


def payment_days(sentence: str) -> list[tuple[int, bool, int, int]]:
    """The durations a sentence names that may be payment terms: (days, end of month, start, end)."""
    out: list[tuple[int, bool, int, int]] = []
    for m in _DAYS.finditer(sentence):
        raw = m.group(1).lower()
        days = int(raw) if raw.isdigit() else _NUMBER_WORDS.get(raw, 0)
        out.append((days, _eom_after(sentence, m.end()), m.start(), m.end()))
    for m in _NET_DAYS.finditer(sentence):
        if not any(start <= m.start(1) < end for _, _, start, end in out):
            out.append((int(m.group(1)), _eom_after(sentence, m.end()), m.start(), m.end()))
    for m in _MONTHS.finditer(sentence):
        raw = m.group(1).lower()
        n = (
            int(raw)
            if raw.isdigit()
            else {"deux": 2, "trois": 3, "quatre": 4, "two": 2, "three": 3, "four": 4}[raw]
        )
        out.append((30 * n, _eom_after(sentence, m.end()), m.start(), m.end()))
    return out


def _clause(sentence: str, start: int, end: int) -> str:
    """The clause around a term: from the previous to the next , ; : or dash."""
    left = max(sentence.rfind(c, 0, start) for c in ",;:–—(")
    rights = [i for i in (sentence.find(c, end) for c in ",;:–—)") if i >= 0]
    return sentence[left + 1 : min(rights) if rights else len(sentence)]


def _eom_after(sentence: str, end: int) -> bool:
    """Whether "end of month" qualifies the term that ends at `end`."""
    return bool(_EOM.match(sentence[end:].lstrip(" ,")) or _EOM.search(sentence[end : end + 12]))


def illegal_terms(text: str, lang: str, context: str = "") -> list[Sentence]:
    """Sentences where the candidate accepts or offers terms the law forbids.

    Payment terms beyond the Code de commerce caps (60 days from invoice, 45 days end of month, art.
    L441-10), late-payment penalties or the €40 recovery fee taken out of the agreement (mandatory, same
    article; waiving penalties already due as a one-off is not a clause), and logistics penalties deducted
    automatically from invoices (art. L441-17), stated without
    refusing them (a question, a negation, or a reference to the law is not an acceptance); bribery,
    undeclared cash, backdating or price fixing with competitors. `context` (the counterpart's previous turn)
    tells whether a bare "90 days" is about payment.
    """
    lang = lang if lang in ("fr", "en") else "en"
    out: list[Sentence] = []
    for s in sentences(text):
        if _BRIBERY[lang].search(s.text) or _BRIBERY["en" if lang == "fr" else "fr"].search(s.text):
            if not _refuses(s.text, lang):
                out.append(s)
            continue
        if s.text.rstrip().endswith("?"):
            continue
        if strikes_penalties(s.text, lang):  # late-payment penalties taken out of the agreement (L441-10)
            out.append(s)
            continue
        over = [
            (start, end)
            for days, eom, start, end in payment_days(s.text)
            if days > (PAYMENT_CAP_EOM_DAYS if eom else PAYMENT_CAP_DAYS)
        ]
        # a duration is a payment term only when it qualifies a payment: a contract's length, its exit, a notice,
        # a delivery lead time or a warranty is not one
        if not any(_qualifies_payment(s.text, a, b, [text, context]) for a, b in over):
            continue
        if _refuses(s.text, lang):
            continue
        out.append(s)
    return out


def _qualifies_payment(sentence: str, start: int, end: int, around: list[str]) -> bool:
    """Whether the duration at [start, end) is a payment term: a word of paying in its clause, nearer to it
    than any other thing a duration measures (contract, exit, notice, delivery...); or, for a bare duration
    ("OK, 90 days."), a word of paying in the sentence, the turn or the counterpart's previous turn."""
    clause_start = max(sentence.rfind(c, 0, start) for c in ",;:–—(") + 1
    clause = _clause(sentence, start, end)
    if _EOM.match(sentence[end:].lstrip(" ,")):
        return True

    def distance(m: re.Match[str]) -> int:
        a, b = clause_start + m.start(), clause_start + m.end()
        return max(a - end, start - b, 0)

    pays = [distance(m) for m in _PAYMENT_WORD.finditer(clause)]
    other = [distance(m) for m in _OTHER_DURATION.finditer(clause)]
    if pays or other:
        return bool(pays) and (not other or min(pays) <= min(other))
    if _OTHER_DURATION.search(sentence):
        return False
    return any(_PAYMENT_WORD.search(t) for t in (sentence, *around) if t)


def _refuses(sentence: str, lang: str) -> bool:
    cleaned = _ACCEPTING_NEGATIONS.sub(" ", sentence)
    return bool(_REFUSAL[lang].search(cleaned))


# --- which language a turn is in -----------------------------------------------------------------

_FR_WORDS = frozenset(
    "le la les des une est et je vous nous pas que qui pour dans sur avec ce cette mais sont votre vos notre nos "
    "du au aux il elle on c'est j'ai ne très plus bien".split()
)
_EN_WORDS = frozenset(
    "the a an is are and i you we not that which for in on with this but your our of to it be have do what how "
    "can will would could it's i'm don't".split()
)
_WORD = re.compile(r"[\w']+", _FLAGS)


def guess_language(text: str, default: str) -> str:
    """fr or en by function words when they clearly say so (two more, and twice as many); else `default`."""
    words = [w.lower() for w in _WORD.findall(text)]
    fr = sum(w in _FR_WORDS for w in words)
    en = sum(w in _EN_WORDS for w in words)
    if fr >= en + 2 and fr >= 2 * en:
        return "fr"
    if en >= fr + 2 and en >= 2 * fr:
        return "en"
    return default
