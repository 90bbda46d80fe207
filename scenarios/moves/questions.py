"""Questions: open, closed and leading ones, suggestions (proposals, not questions), feedback requests.

A question mark does not make an open question; a leading question is neither open nor closed; a
question the candidate answers at once ("Le résultat ? 15 % d'économies.") is rhetorical.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from scenarios.moves.kinds import Move
from scenarios.moves.listening import _is_reformulation
from scenarios.moves.patterns import _by_lang, _has, _negated, _search
from scenarios.moves.sentences import _Sentence

_QUESTION_MARK = re.compile(r"\?[\s!?.\"'\u00bb\u201d)]*$")
_IMPERATIVE_REFLEXIVE = (
    r"(?:rendez|rassurez|souvenez|rappelez|renseignez|asseyez|detendez|projetez|mettez|figurez|tenez|preparez"
    r"|adressez|imaginez|dites|allez|occupez|inquietez|sentez|installez)-vous"
)
_QUESTION_FORM = _by_lang(
    fr=[
        r"^(?:<CS>)?est<H>ce (?:que|qu')",
        r"^(?:<CS>)?qu'est<H>ce",
        r"^(?:(?:et|mais|alors|donc),? )?(?!"
        + _IMPERATIVE_REFLEXIVE
        + r")[a-z]+-(?:t-)?(?:vous|tu|il|elle|ils"
        r"|elles|on)\b",
        r"^(?:comment|pourquoi|combien|quel(?:le)?s?|quand|où|que|qui)\b.*\b[a-z]+-(?:t-)?(?:vous|tu|il|elle|on)\b",
    ],
    en=[
        r"^(?:(?:so|and|ok|okay|well|now|but),? )?(?:do|does|did|are|is|have|has)"
        r" (?:you|we|they|it|there|this|that|your|the|our)\b",
        r"^(?:what|who|how|why|which|where|when)(?:'s| (?:do|does|did|are|is|was|were|have|has|can|could"
        r"|would|will|should))\b",
    ],
)


def _is_question_form(norm: str, langs: Sequence[str]) -> bool:
    return bool(_QUESTION_MARK.search(norm)) or _search(_QUESTION_FORM, norm, langs)


_SUGGESTION = _by_lang(
    fr=[
        r"\bpourquoi ne pas\b",
        r"\bque diriez<H>vous (?:de|d'|si)",
        r"\bqu'est<H>ce que vous diriez (?:de|d'|si)",
        r"\b(?:ca|cela) vous dirait (?:de|d')",
        r"^(?:(?:alors|bon|bien|ok|donc),? )?et si (?:nous|on|je|j')\b",
        # a proposal asked as a question about what would help: what we would do, offered for the other to take
        r"\b(?:est<H>ce (?:que|qu')(?:cela|ca|il)|cela|ca|(?:cela|ca) ne) vous (?:aiderait|serait utile|rendrait service"
        r"|faciliterait)\b.*\b(?:si (?:nous|je|j'|on)|que (?:nous|je|j'|on)|de (?:recevoir|avoir|disposer))",
        r"\b(?:cela|ca) vous (?:aiderait|serait<H>il utile|faciliterait)<H>(?:t<H>)?il (?:que|si|de)\b",
        r"\b(?:vous aiderait|vous serait utile|vous faciliterait)<H>(?:t<H>)?(?:il|elle)\b",
        r"\bserait<H>(?:il|ce) utile (?:que|qu'|si) (?:nous|je|j'|on)\b",
        r"\best<H>ce qu'(?:un|une) .{3,60} vous (?:aiderait|serait utile|faciliterait)\b",
    ],
    en=[
        r"\bwhy not\b",
        r"\bwhy don't (?:we|i)\b",
        r"\bhow about (?:we|i|us|a|an|if|\w+ing)\b",
        r"\bwhat about (?:we|if|a|an|\w+ing)\b",
        r"\bwhat if (?:we|i)\b",
        r"\bwould you (?:be open to|consider|be willing to consider)\b",
        # a proposal asked as a question about what would help: what we would do, offered for the other to take
        r"\b(?:would|could|might) it (?:help|be useful|be helpful|make (?:things|it|life) easier)(?: you| for you)?"
        r" if (?:we|i)\b",
        r"\b(?:would|could|might) (?:a|an|some|our|the) (?!\w+ (?:do|think)\b)[\w\s-]{3,60} (?:help|be useful"
        r"|be helpful|make (?:things|it) easier)\b",
        r"\b(?:would|could) (?:it|that) help (?:you )?(?:to have|if)\b",
    ],
)

_LEADING_ANYWHERE = _by_lang(
    fr=[
        r"\bn'est<H>ce pas\b",
        r"\bvous (?:etes|seriez|serez|etiez) (?:bien |sans doute |surement |certainement |forcement |tous )?"
        r"d'accord (?:avec moi )?(?:pour dire |pour reconnaitre |sur le fait )?(?:que|qu')",
        r"\bvous (?:etes|seriez|serez) (?:bien )?d'accord avec moi\b",
        r"\bon (?:est|sera|serait) (?:bien |tous )?d'accord (?:pour dire )?(?:que|qu')",
        r"\b(?:etes|seriez)<H>vous (?:bien )?d'accord (?:avec moi|pour dire|pour reconnaitre|que|qu')",
        r"\bvous (?:conviendrez|admettrez|reconnaitrez|avouerez)\b",
        r"(?:^|[,;:]\s*)(?:avouez|admettez|reconnaissez|convenez) (?:que|qu'|bien|avec moi)",
        r"\b(?:qui|personne) (?:ne |n')(?:voudrait|souhaiterait|veut|reve|aimerait|serait|refuserait|dirait)\b",
        r"\bqui (?:refuserait|dirait non|irait contre)\b",
        r"\bcomment ne pas\b",
        r"\bvous ne (?:pensez|trouvez|croyez|diriez|voyez) pas (?:que|qu')",
        r"\bne (?:pensez|trouvez|croyez|diriez|voyez)<H>vous pas\b",
    ],
    en=[
        r"\bdon't you (?:think|agree|feel|believe|see|want|find)\b",
        r"\bdo you not (?:think|agree|feel|believe|see|want)\b",
        r"\bwouldn't you (?:agree|say|like|want|prefer|think|rather)\b",
        r"\bwould you not (?:agree|say)\b",
        r"\bisn't it (?:true|clear|obvious|fair|reasonable|better|time|a fact)\b",
        r"\bis it not (?:true|clear|obvious|fair|better)\b",
        r"\bsurely (?:you|we|this|that|it|the|there|nobody|no one|your|everyone|anyone)\b",
        r"\byou(?:'d| would| will|'ll)? (?:surely |certainly |obviously |of course |probably )?"
        r"agree (?:that|with me)\b",
        r"\byou (?:must|have to|'ve got to|got to) (?:admit|agree|see|realise|realize|recognise|recognize)\b",
        r"\bwho (?:wouldn't|would not|doesn't|does not|would ever) (?:want|like|love|prefer|agree|refuse|say no)\b",
        r"\bhow could (?:you|anyone) (?:not|refuse|say no|argue)\b",
        r"\bwhy wouldn't you\b",
        r"\badmit (?:it|that)\b",
        r"\bwe both know\b",
        r"\byou know (?:very well|full well|as well as i do)\b",
    ],
)
_LEADING_WHEN_ASKED = _by_lang(
    fr=[
        r"\bvous ne (?:pensez|trouvez|croyez|voulez|souhaitez|aimeriez|voudriez|seriez|trouveriez|penseriez"
        r"|croiriez|imaginez|allez) pas\b",
        r"\bvous n'(?:etes|allez|auriez|aimeriez|avez) pas (?:d'accord|envie|interet|me dire|peur)\b",
        r"(?:^|[,;:]\s*)(?:ne |n')(?:\w+ ){0,2}?[a-z']+-(?:t-)?(?:vous|il|elle|on|nous|ils) (?:\w+ )?pas\b",
        r"(?<!^)\b(?:bien sur|forcement|evidemment|surement|certainement|naturellement|sans aucun doute"
        r"|sans doute|de toute evidence|assurement)\b",
        r"\bvous (?:voyez|savez|comprenez|imaginez|sentez) bien (?:que|qu')",
        r"\bil (?:est|serait|parait) (?:evident|clair|logique|dommage|absurde|indispensable)\b",
        r"\bc'est (?:quand meme|tout de meme|evidemment|clairement|forcement)\b",
        r"\b(?:quand meme|tout de meme)\b",
        r"^(?:(?:et|mais|alors|donc),? )?pourquoi (?:est-ce que )?(?:vous )?(?:ne |n')[^?]*\bpas\b",
        r"\b(?:je suppose|j'imagine|je presume|je pars du principe) (?:que|qu')",
        r"\b(?:simplement|juste)\b.*\b(?:c'est bien (?:ca|cela)|non|pas vrai)\s*\?",
    ],
    en=[
        r"^(?:(?:so|and|but|well|now|ok|okay),? )?(?:isn't|aren't|don't|doesn't|wouldn't|won't|can't"
        r"|shouldn't|haven't|hasn't|didn't|couldn't|wasn't) (?:it|that|this|you|we|there|they|your|the)\b",
        r"\b(?:obviously|of course|clearly|naturally|certainly|undoubtedly)\b",
        r"\byou (?:surely|certainly|obviously|must) (?:want|need|agree|see|know|realise|realize|understand)\b",
        r"\bisn't that (?:true|right|clear|obvious|better|what|so|fair)\b",
        r"\byou(?:'d| would) (?:surely |certainly )?agree\b",
        r"\bwhy (?:don't|didn't|won't|wouldn't|haven't|aren't) you\b",
        r"\bi (?:guess|assume|suppose|presume|take it)\b",
        r"\b(?:simply|just)\b.*\b(?:is that right|right|isn't it|no)\s*\?",
    ],
)
_LEADING_TAG = _by_lang(  # "..., non ?", "..., right?", "..., don't you?"
    fr=[
        r"(?:,\s*|(?<!\bou)\s)(?:non|pas vrai|hein|vrai|oui ou non|j'imagine|je suppose|je presume|j'espere)\s*\?"
    ],
    en=[
        r",\s*(?:right|no|yes|yeah|surely|i suppose|i imagine|i hope|isn't it|aren't you|aren't they|aren't we"
        r"|don't you|don't they|don't we|doesn't it|won't you|won't it|wouldn't it|wouldn't you|can't you|can't we|haven't you"
        r"|hasn't it|didn't you|didn't it|wasn't it|weren't you|shouldn't we|shouldn't you|isn't that so"
        r"|don't you agree)\s*\?",
        r",\s*(?:is|are|was|were|do|does|did|has|have|had|will|would|can|could|should|shall)(?:n't)?"
        r" (?:it|you|we|they|he|she|there|i|that)\s*\?",
    ],
)


def _is_suggestion(s: _Sentence) -> bool:
    return _has(_SUGGESTION, s, negatable=False)  # "pourquoi ne pas" carries its own "ne pas"


def _is_leading(s: _Sentence) -> bool:
    if _has(_LEADING_ANYWHERE, s, negatable=False):
        return True
    if not s.question:
        return False
    if _has(_LEADING_WHEN_ASKED, s, negatable=False):
        return True
    return _has(_LEADING_TAG, s, negatable=False) and not _is_reformulation(s)


_OPEN_NOT_A_QUESTION = {  # removed before looking for interrogative words
    "fr": re.compile(
        r"\b(?:c'est|voila|voici|c'est donc|voila donc) pourquoi\b|\bn'importe (?:quel\w*|quoi|comment|qui|où"
        r"|quand|lequel\w*)\b|\bquoi qu'il\b|\bquel(?:le)?s? que soi\w*\b|\btel(?:le)?s? quel(?:le)?s?\b"
        r"|\bje ne sais pas (?:comment|pourquoi|quoi|quel\w*|combien)\b|\bpourquoi ne pas\b"
    ),
    "en": re.compile(
        r"\bwhat (?:you're|you are|you|i'm|i am|i|we're|we are|we)(?: really| actually| just)? (?:saying|say|said"
        r"|mean|meant|hearing|hear|heard|understand|understood|propose|suggest|recommend|need is|want is"
        r"|offer|'re offering|are offering)\b|\b(?:that's|that is|this is|which is|here's|here is|here are)"
        r" (?:why|how|what|where|when)\b|\bno matter (?:what|how|who|which|where|when)\b|\bwhat's more\b"
        r"|\bi don't know (?:how|what|why|who|which|where|when)\b"
    ),
}
_PREP_FR = r"(?:(?:a|avec|pour|de|par|chez|sur|aupres de|selon|d'apres|entre)\s+)?"
_OPEN_WORDS = _by_lang(
    fr=[
        r"\bcomment\b",
        r"\bpourquoi\b",
        r"\bcombien\b",
        r"\bquoi\b",
        r"\bquel(?:le)?s?\b",
        r"<CS>" + _PREP_FR + r"(?:lequel|laquelle|lesquel(?:le)?s|auquel|auxquel(?:le)?s|duquel)\b",
        r"\bqu'est<H>ce\b",
        r"<CS>(?:que|qu')\s*(?:\w+\s+){0,2}?[a-z]+-(?:t-)?(?:vous|tu|il|elle|on|ils|elles|nous)\b",
        r"<CS>" + _PREP_FR + r"qui\b",
        r"\bqui\s*\?",
        r"\bc'est qui\b",
        r"<CS>(?:(?:depuis|jusqu'a|a partir de|pour|de|d'ici)\s+)?quand\b",
        r"\bquand\s*\?",
        r"\bc'est quand\b",
        r"<CS>(?:d'|par |jusqu')?où\b",
        r"\b(?:d'|par |jusqu')où\b",
        r"\boù\s*\?",
        r"\bc'est où\b",
        r"\b(?:où|quand|qui) (?:exactement|precisement|donc|actuellement|aujourd'hui|en general|en ce moment)\b",
    ],
    en=[
        r"<CS>(?:(?:in|on|to|for|from|with|at|by|of|about|under|since|through|towards?)\s+)?"
        r"(?:what|who|whom|whose|how|why|which|where|when)\b",
        r"\b(?:what|why|how|who|whom|where|when|which one)\s*\?",
    ],
)
_INFO_VERBS_FR = (
    r"(?:decrire|expliquer|detailler|preciser|raconter|presenter|parler|dire|en dire|partager|indiquer"
    r"|eclairer|donner|communiquer|faire part|expliciter|developper|illustrer|citer|resumer|montrer comment)"
)
_OBJ_FR = r"(?:me |m'|nous |m'en |nous en |en |lui )?"
_OPEN_REQUEST = _by_lang(
    fr=[
        r"\b(?:pouvez|pourriez|voudriez|pourrais|peux|voudrais|accepteriez)<H>(?:vous|tu) "
        + _OBJ_FR
        + _INFO_VERBS_FR,
        r"\bvous (?:pouvez|pourriez|voulez bien|voudriez bien) " + _OBJ_FR + _INFO_VERBS_FR,
        r"<CS>(?:parlez|dites|decrivez|expliquez|racontez|presentez|detaillez|precisez|partagez|montrez)"
        r"<H>(?:moi|nous)\b",
        r"<CS>(?:dites|parlez)<H>m'en\b",
        r"^(?:decrivez|detaillez|expliquez|racontez|presentez|precisez)\b",
        r"\bj'aimerais (?:bien |beaucoup )?(?:mieux )?(?:comprendre|savoir|connaitre|en savoir|entendre"
        r"|que vous me (?:parliez|decriviez|expliquiez|racontiez|disiez|presentiez|detailliez))\b",
        r"\bje (?:voudrais|souhaiterais|souhaite|veux|serais curieux de|serais curieuse de) (?:bien )?(?:mieux )?"
        r"(?:comprendre|savoir|connaitre|en savoir)\b",
        r"\bje me demande (?:comment|pourquoi|combien|quel|ce qui|ce que|qui|où|quand|en quoi|dans quelle)\b",
        r"\baidez<H>moi a (?:mieux )?(?:comprendre|voir)\b",
    ],
    en=[
        r"\b(?:can|could|would|will) you (?:please |perhaps |maybe |kindly )?(?:tell|explain|describe|walk"
        r"|talk|take|share|clarify|elaborate|detail|outline|expand|give me|help me understand|say more"
        r"|run me through|paint)\b",
        r"<CS>(?:please )?(?:tell me|walk me through|talk me through|take me through|run me through|describe"
        r"|explain|help me understand|give me (?:an overview|an idea|a sense|a picture|more detail|some detail"
        r"|an example)|share with me|say more|elaborate)\b",
        r"\bi(?:'d| would) (?:really )?(?:like|love|want) to (?:better )?(?:understand|know|hear|learn|find out)\b",
        r"\bi(?:'m| am) (?:curious|interested) (?:about|to (?:know|hear|understand|learn)|how|what|why)\b",
        r"\bi (?:want|need) to (?:understand|know)\b",
        r"\bi(?: wonder|'m wondering| am wondering) (?:how|what|why|who|which|where|when)\b",
        r"\bdo you (?:know|have any idea) (?:what|how|why|who|where|when|which)\b",
        r"\b(?:may|can|could) i ask (?:how|what|why|who|which|where|when)\b",
    ],
)
_YES_NO_AFTER_REQUEST = re.compile(r"^\s*(?:me |us |moi |nous )?(?:si\b|s'il\b|s'ils\b|if\b|whether\b)")
_BARE_AFTER_REQUEST = re.compile(r"^\s*(?:[,.!?]|$)")  # "Dites-moi, vous avez un budget ?"


def _open_request(s: _Sentence) -> bool | None:
    """True: a request for information; False: a yes/no request ("dites-moi si..."); None: neither."""
    for lang in s.langs:
        for pattern in _OPEN_REQUEST[lang]:
            for m in pattern.finditer(s.norm):
                if _negated(s.norm, m.start(), m.end(), lang):
                    continue
                after = s.norm[m.end() :]
                if _YES_NO_AFTER_REQUEST.match(after):
                    return False
                if _BARE_AFTER_REQUEST.match(after) and re.search(r"(?:moi|nous|tell me)$", m.group()):
                    continue
                return True
    return None


def _has_open_word(s: _Sentence) -> bool:
    for lang in s.langs:
        norm = _OPEN_NOT_A_QUESTION[lang].sub(" ", s.norm)
        if any(p.search(norm) for p in _OPEN_WORDS[lang]):
            return True
    return False


def _question_moves(s: _Sentence) -> set[Move]:
    if _is_suggestion(s):
        return set()
    if _is_leading(s):
        return {Move.leading_question}
    request = _open_request(s)
    if request:
        return {Move.open_question}
    if not s.question:
        return set()
    if _is_rhetorical_statement(s):
        return set()
    if request is None and _has_open_word(s):
        return {Move.open_question}
    return {Move.closed_question}


_RHETORICAL_STATEMENT = _by_lang(  # "Saviez-vous que ...?" presents a fact, it asks nothing
    fr=[r"\b(?:le )?saviez<H>vous\b", r"\bvous saviez que\b", r"^imaginez\b"],
    en=[r"\bdid you know\b", r"\byou know that\b", r"^imagine\b"],
)


def _is_rhetorical_statement(s: _Sentence) -> bool:
    return _has(_RHETORICAL_STATEMENT, s, negatable=False)


_SELF_ANSWER = re.compile(  # what opens the candidate's own answer to the question just asked
    r"^(?:c'est simple|tout simplement|simple|la reponse|reponse\b|eh bien|et bien|grace a|it's simple|simply"
    r"|simple|the answer|answer\b|well,|thanks to)"
)
_WHY_ANSWERED = re.compile(r"^(?:parce qu|because\b)(?! ?e? sinon| otherwise)")
_FRAGMENT_OPENING = re.compile(
    r"^(?:le|la|les|l'|notre|nos|mon|ma|mes|son|sa|ses|leur|leurs|un|une|du|the|our|my|a|an|their|its)\b"
)
_ADDRESSES_LISTENER = re.compile(r"\b(?:vous|you|tu)\b|-vous\b")


def _drop_rhetorical_questions(sentences: list[_Sentence], found: list[set[Move]]) -> None:
    """A question the candidate answers at once is a figure of speech, not a question."""
    for i, s in enumerate(sentences[:-1]):
        nxt = sentences[i + 1]
        if not s.question or nxt.question or not found[i] & {Move.open_question, Move.closed_question}:
            continue
        words = s.norm.rstrip(" ?!.").split()
        why = re.match(r"^(?:(?:et|mais|alors|and|but|so),? )?(?:pourquoi|why)\b", s.norm)
        answered = bool(_SELF_ANSWER.match(nxt.norm) or (why and _WHY_ANSWERED.match(nxt.norm)))
        fragment = (
            len(words) <= 4 and _FRAGMENT_OPENING.match(s.norm) and not _ADDRESSES_LISTENER.search(s.norm)
        )
        if answered or fragment:
            found[i] -= {Move.open_question, Move.closed_question}


_FEEDBACK_WHEN_ASKED = _by_lang(
    fr=[
        r"\bqu'en (?:pensez|dites)<H>vous\b",
        r"\bqu'est<H>ce que vous en (?:pensez|dites)\b",
        r"\bvous en pensez quoi\b",
        r"\bqu'en penses<H>tu\b|\bt'en penses quoi\b",
        r"\best<H>ce (?:que c'est |que cela est |que ca est )?clair\b",
        r"\bc'est clair pour vous\b",
        r"\b(?:ai|suis)<H>je (?:ete )?clair\b|\best<H>ce que (?:je suis|j'ai ete) clair\b",
        r"\b(?:cela|ca) vous (?:convient|va|parle|semble|parait)\b",
        r"\b(?:cela|ceci) vous (?:convient|semble|parait)<H>(?:t<H>)?il\b",
        r"\b(?:avez<H>vous|vous avez|est<H>ce que vous avez|auriez<H>vous) (?:des|d'autres) (?:questions"
        r"|remarques|commentaires|objections|reactions)\b",
        r"^(?:des|d'autres) (?:questions|remarques|commentaires)\b",
        r"\bcomment (?:le|la|les) (?:voyez|percevez|sentez|vivez|recevez)<H>vous\b",
        r"\bcomment (?:voyez|percevez|recevez)<H>vous (?:cela|ca|les choses|cette|ce|la)\b",
        r"\bquel(?:le)? est votre (?:avis|ressenti|sentiment|point de vue|retour|reaction|position)\b",
        r"\bvotre (?:avis|ressenti|sentiment|reaction)\s*\?",
        r"\bvous me suivez\b",
        r"\best<H>ce que (?:ca|cela) (?:vous )?(?:convient|va|repond|parle)\b",
        r"\b(?:cela|ceci) repond<H>il a\b",
        r"\b(?:etes<H>vous|vous etes|seriez<H>vous|vous seriez) (?:d'accord|ok|a l'aise|partante?s?)\b"
        r"(?!\s*(?:que|qu'|pour dire|avec moi))",
        r"\bcomment reagissez<H>vous\b",
        # about the meeting itself: "qu'avez-vous pensé de notre échange ?", "cette réunion vous a-t-elle été utile ?"
        r"\b(?:qu'avez<H>vous|qu'est<H>ce que vous avez|comment avez<H>vous|vous avez) (?:pense|trouve|vecu|percu"
        r"|ressenti|retenu)\b.{0,20}\b(?:notre|cet|cette|ce|la|le|l') ?(?:echange|entretien|reunion|rendez<H>vous"
        r"|discussion|conversation|presentation|seance|rencontre)\b",
        r"\b(?:que|qu'est<H>ce que vous) retene[sz]<H>?(?:vous)? (?:de|d') ?(?:notre|cet|cette|ce)\b",
        r"\b(?:notre|cet|cette|ce) (?:echange|entretien|reunion|rendez-vous|discussion|conversation|presentation"
        r"|seance|rencontre) vous (?:a<H>t<H>(?:il|elle) )?(?:a )?(?:ete utile|aide|convenu|paru|semble|eclaire)",
        r"\bcomment s'est passe(?:e)? (?:notre|cet|cette|ce)\b.{0,30}\bpour vous\b",
        r"\b(?:repond|correspond)<H>(?:t<H>)?(?:il|elle) a vos (?:attentes|besoins|questions|contraintes)\b",
        r"\b(?:cela|ca|cette \w+|ce \w+) (?:repond|correspond)<H>?(?:t<H>)?(?:il|elle)? a vos (?:attentes|besoins)\b",
        r"^(?:(?:alors|donc|bon),? )?on est (?:bien )?d'accord\s*\?",
    ],
    en=[
        r"\bis (?:that|this|it|everything) clear\b",
        r"\bdoes (?:that|this|it) make sense\b",
        r"\bwhat do you think\b",
        r"\bwhat are your (?:thoughts|views|feelings)\b",
        r"\bhow does (?:that|this|it) sound\b",
        r"\bhow do you feel about\b",
        r"\b(?:any|do you have any|have you got any|are there any) (?:questions|comments|concerns|thoughts"
        r"|objections)\b",
        r"\bwhat's your (?:view|opinion|take|feeling|reaction|feedback)\b",
        r"\b(?:does|would|will) (?:that|this|it) work for you\b",
        r"\bhow do you see (?:it|this|that|things)\b",
        r"\bam i (?:being )?clear\b",
        r"\bhave i answered\b",
        r"\bdoes (?:that|this) answer your question\b",
        r"\bare you (?:comfortable|ok|okay|happy|on board) with\b",
        r"\bdoes (?:that|this) (?:suit|meet|address)\b",
        r"\bsounds? (?:good|ok|okay|fair|reasonable)\s*\?",
        r"\bare we on the same page\b",
        r"\bdo you agree\b(?! that)",
        # about the meeting itself: "how do you feel this meeting went?", "was this conversation useful?"
        r"\b(?:how|what) (?:do|did) you (?:feel|think|make of|find|rate)\b.{0,30}\b(?:this|our|the|today's)"
        r" (?:meeting|conversation|discussion|exchange|session|call|talk|presentation|interview|chat)\b",
        r"\bhow (?:was|did|has) (?:this|our|the|today's) (?:meeting|conversation|discussion|exchange|session|call|talk"
        r"|presentation|interview)\b",
        r"\b(?:was|has|is|were) (?:this|our|the|today's) (?:meeting|conversation|discussion|exchange|session|call|talk"
        r"|presentation)\b.{0,20}\b(?:useful|helpful|clear|worthwhile|productive|what you (?:expected|needed))\b",
        r"\bwhat (?:will|do|did) you take (?:away )?from (?:this|our|the|today's)\b",
        r"\bhave i (?:been|made (?:myself|it|that|things)) clear\b",
        r"\b(?:does|would|will) (?:this|that|it|my|our|the) (?:\w+ )?(?:meet|match|answer|address) your"
        r" (?:expectations|needs|concerns|question|requirements)\b",
    ],
)
_FEEDBACK_ANYWHERE = _by_lang(
    fr=[
        r"\bdites<H>moi ce que vous en pensez\b",
        r"\bj'aimerais (?:avoir |connaitre )?votre (?:avis|ressenti|retour|point de vue)\b",
        r"\bdonnez<H>moi votre (?:avis|ressenti|retour)\b",
    ],
    en=[
        r"\btell me what you think\b",
        r"\blet me know (?:what you think|your thoughts|if (?:that|this) works|how (?:that|this) sounds)\b",
        r"\bi(?:'d| would) (?:like|love) (?:to hear |to get |to have )?your (?:thoughts|feedback|view|opinion)\b",
    ],
)


def _is_feedback_request(s: _Sentence) -> bool:
    return (s.question and _has(_FEEDBACK_WHEN_ASKED, s)) or _has(_FEEDBACK_ANYWHERE, s)
