"""Next steps: what happens after the meeting, who does what, and when."""

from __future__ import annotations

from scenarios.moves.patterns import _by_lang

_WEEKDAY = r"(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche)"
_WEEKDAY_EN = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
_NEXT_STEP = _by_lang(
    fr=[
        r"\bprochaines? etapes?\b|\betapes? suivantes?\b",
        r"\b(?:je|nous|on) (?:vous )?(?:envoie|enverrai|enverrons|envoyons|envoierai|transmets|transmettrai"
        r"|transmettrons|transmettons|fais parvenir|ferai parvenir|ferons parvenir|adresse|adresserai"
        r"|adresserons|fais suivre|ferai suivre|recontacte|recontacterai|recontacterons|rappellerai"
        r"|rappellerons)\b",
        r"\bje vous (?:confirme|confirmerai) (?:par (?:ecrit|mail|e-mail|courriel)|ce soir|demain|d'ici|avant)\b",
        r"\bje vous (?:prepare|preparerai|rappelle)\b(?! (?:que|qu'|l'article|la clause|les termes|le contrat))",
        r"\b(?:je|nous) (?:reviens|reviendrai|revenons|reviendrons) vers vous\b",
        r"\bon se (?:revoit|revoie|rappelle|recontacte|reparle|cale|fixe|retrouve|voit|dit)\b",
        r"\bqu'on se (?:revoie|rappelle|recontacte|reparle|retrouve|voie)\b",
        r"\bnous nous (?:reverrons|revoyons|retrouverons|retrouvons|rappelons|recontacterons)\b",
        r"\b(?:fixons|calons|planifions|organisons|programmons|prevoyons|bloquons|convenons d') (?:un|une"
        r"|ensemble|des|le|la)\b",
        r"\bje (?:vous )?propose (?:un|une|de) (?:point|rendez-vous|rdv|reunion|appel|call|visio|echange|comite"
        r"|atelier|pilote|test|demonstration|demo|nous revoir|se revoir|fixer|caler|planifier|organiser"
        r"|faire un point)\b",
        r"\b(?:rendez<H>vous|rdv|point|reunion|appel|comite de suivi|point d'etape|reunion de suivi|visio)"
        r" (?:le \d|" + _WEEKDAY + r"|demain|la semaine prochaine|dans|d'ici|en fin de)",
        r"\bd'ici (?:" + _WEEKDAY + r"|demain|ce soir|la fin|fin|le \d|\d|une semaine|deux|trois|quinze|huit"
        r"|quarante-huit|la semaine)\b",
        r"\b(?:avant|au plus tard) (?:" + _WEEKDAY + r"|demain|la fin de (?:la|cette) semaine)\b",
        r"\bje vous (?:appelle|rappelle|recontacte|ecris)\b(?=.*\b(?:demain|"
        + _WEEKDAY
        + r"|la semaine|dans|d'ici"
        r"|ce soir|cet apres-midi|en fin de|avant|des que)\b)",
        r"\bje vous (?:appellerai|rappellerai|ecrirai)\b",
        r"\bpour la suite,? (?:je|nous|on)\b",
        r"\b(?:un|une) (?:point|comite|suivi|bilan|reunion) (?:d'etape|de suivi|mensuel|hebdomadaire|dans)\b",
        r"\b(?:point|reunion) de suivi\b",
        # an agreement on who does what: each side's next action in one sentence
        r"\bde (?:mon|notre) cote\b.*\bde votre cote\b|\bde votre cote\b.*\bde (?:mon|notre) cote\b",
        # "vous validez les volumes et je vous envoie le contrat": a task for each person, in the present
        r"(?:^|^(?:et|donc|alors|bon|ok|bien),? )vous (?:me |nous |leur |lui |les |en |y )?(?!avez\b|etes\b|pouvez\b"
        r"|voulez\b|devez\b|savez\b|pensez\b|croyez\b|trouvez\b|comprenez\b|voyez bien\b|dites que\b|semblez\b"
        r"|allez\b|devrez\b|aurez\b|serez\b|irez\b)"
        r"[a-z]+ez\b.*\b(?:je|j'|nous|on) (?:vous |leur |lui |m'|me |nous |les |en |y )?(?!pense|crois|comprend|suis"
        r"|sommes|ai\b|avons|sais|savons|veux|voulons|peux|pouvons|dois|devons|trouve|entends|espere|esperons)"
        r"[a-z']+(?:e|es|s|x|ons|erai|erons)\b",
        r"\b(?:je|j'|nous|on) (?:vous )?(?:m'occupe|m'en occupe|nous occupons|prepare|envoie|transmets|redige|organise"
        r"|contacte|lance|reserve|cale|planifie)\w*\b.*[,;] (?:et )?vous (?:me |nous )?(?:validez|verifiez|confirmez"
        r"|consultez|rassemblez|informez|signez|faites|dites|voyez|demandez|preparez|envoyez|transmettez)\b",
    ],
    en=[
        r"\bnext steps?\b|\bway forward\b",
        r"\b(?:i|we)(?:'ll| will| shall| am going to| are going to|'m going to|'re going to) (?:send|e-?mail"
        r"|forward|share|get back|follow up|call|ring|circle back|come back|draft|prepare|put together|set up"
        r"|schedule|book|organi[sz]e|confirm|be in touch)\b",
        r"\blet me (?:send|e-?mail|get back|follow up|schedule|set up|book|draft|prepare)\b",
        r"\blet's (?:meet|schedule|set up|book|plan|arrange|organi[sz]e|reconvene|catch up|talk again"
        r"|speak again|have a (?:call|meeting|follow)|fix|agree on a date|pencil)\b",
        r"\b(?:shall|can|could|should) we (?:schedule|meet|set up|book|plan|arrange|fix|organi[sz]e|reconvene"
        r"|catch up|talk again|have a (?:call|meeting))\b",
        r"\bby (?:" + _WEEKDAY_EN + r"|tomorrow|tonight|the end of|end of|next|close of business|cob|eod|the"
        r" \d+(?:st|nd|rd|th)?\b)",
        r"\bbefore (?:" + _WEEKDAY_EN + r"|tomorrow|the end of (?:the|this|next) (?:week|month))\b",
        r"\bfollow[- ]up (?:meeting|call|e-?mail|session|visit)\b",
        r"\bmeet again\b|\b(?:speak|talk) again\b",
        r"\blet's (?:talk|speak|meet|reconvene)(?: again)? (?:next|on|tomorrow)\b",
        r"\b(?:i|we) propose (?:a|to) (?:meeting|call|follow|meet|schedule|review|pilot|trial|demo)\b",
        r"\b(?:meeting|call|catch-up|review) (?:on "
        + _WEEKDAY_EN
        + r"|next week|in (?:two|three|\d) weeks)\b",
        # an agreement on who does what: each side's next action in one sentence
        r"\bon (?:my|our) side\b.*\bon your side\b|\bon your side\b.*\bon (?:my|our) side\b",
        r"\byou(?:'ll| will)? (?:check|confirm|validate|consult|gather|collect|send|share|brief|inform|sign|book"
        r"|handle|take care of|talk to|ask|run|review|get)\b.*\b(?:i|we)(?:'ll| will)? (?:take care of|handle|send"
        r"|draft|prepare|book|organi[sz]e|update|share|call|contact|write|start|launch|sort out|set up)\b",
        r"\b(?:i|we)(?:'ll| will)? (?:take care of|handle|draft|prepare|book|organi[sz]e|update|contact|start|launch"
        r"|sort out|set up)\b.*[,;] (?:and )?you(?:'ll| will)? (?:check|confirm|validate|consult|gather|collect"
        r"|send|share|brief|inform|sign|handle|take care of|talk to|ask|run|review|get)\b",
    ],
)
