"""One concrete piece of advice per weak indicator, in French and English.

`advice(indicator_id, reason, lang, quote)` picks the text written for that indicator and that reason
(what went wrong: `leading`, `unconditional`, `illegal`, `blame`, `imposition`, `dismissal`, `register`,
`misuse`...), or the indicator's default. `{quote}` is replaced by the candidate's words that went wrong,
when there are any; `{hint}` by what to say instead (a misused term and the right one).
"""

from __future__ import annotations

import logging

logger = logging.getLogger(__name__)

# indicator id -> reason ("" = default) -> lang -> text
ADVICE: dict[str, dict[str, dict[str, str]]] = {
    # --- BLOC2.A2.C1.CR1: advise key accounts -----------------------------------------------------
    "BLOC2.A2.C1.CR1.1": {
        "": {
            "fr": "Explorez avant de proposer : posez deux ou trois questions ouvertes (« Comment voyez-vous vos volumes "
            "sur les deux prochaines années ? ») puis reformulez (« Si je vous comprends bien, … »).",
            "en": 'Explore before proposing: ask two or three open questions ("How do you see your volumes over the '
            'next two years?") then reformulate ("If I understand you correctly, ...").',
        },
        "leading": {
            "fr": "« {quote} » oriente la réponse. Posez une question ouverte qui laisse le client s'exprimer : "
            "« Qu'est-ce qui compte le plus pour vous dans ce renouvellement ? »",
            "en": '"{quote}" steers the answer. Ask an open question that lets the client speak: '
            '"What matters most to you in this renewal?"',
        },
    },
    "BLOC2.A2.C1.CR1.2": {
        "": {
            "fr": "Appuyez votre expertise sur des chiffres reliés au bénéfice client (« nos délais de 48 h réduisent "
            "votre stock de sécurité de 15 % ») et répondez à chaque objection par un argument précis.",
            "en": "Back your expertise with figures tied to the client's benefit (\"our 48-hour lead time cuts your "
            'safety stock by 15%") and answer each objection with a precise argument.',
        },
    },
    "BLOC2.A2.C1.CR1.3": {
        "": {
            "fr": "Formalisez une proposition qui protège les deux parties et citez le cadre légal quand il s'applique "
            "(délais de paiement : 60 jours date de facture ou 45 jours fin de mois, article L441-10 du Code de commerce).",
            "en": "Put forward a proposal that protects both parties and cite the legal framework when it applies "
            "(French payment terms: 60 days from invoice or 45 days end of month, Code de commerce L441-10).",
        },
        "illegal": {
            "fr": "« {quote} » : ces conditions sont interdites. Refusez en citant la loi (60 jours date de facture ou "
            "45 jours fin de mois au maximum ; pénalités de retard et indemnité de 40 € obligatoires) et proposez "
            "une contrepartie légale (escompte, échéancier).",
            "en": '"{quote}": these terms are unlawful. Refuse by citing the law (at most 60 days from invoice or '
            "45 days end of month; late-payment penalties and the €40 recovery fee are mandatory) and offer a "
            "lawful alternative (early-payment discount, schedule).",
        },
        "unconditional": {
            "fr": "« {quote} » sacrifie les intérêts de votre entreprise. Toute concession doit avoir une contrepartie.",
            "en": '"{quote}" gives away your company\'s interests. Every concession needs something in return.',
        },
    },
    "BLOC2.A2.C1.CR1.4": {
        "": {
            "fr": "Entraînez votre anglais professionnel (niveau B1 attendu) : phrases complètes, connecteurs "
            "(because, however, which means), vocabulaire commercial précis.",
            "en": "Practise your business English (B1 expected): full sentences, connectors (because, however, "
            "which means), precise commercial vocabulary.",
        },
    },
    # --- BLOC2.A2.C2.CR2: negotiate ----------------------------------------------------------------
    "BLOC2.A2.C2.CR2.1": {
        "": {
            "fr": "Justifiez chaque position et situez votre niveau d'engagement : « Dans le cadre de mon mandat, je "
            "peux aller jusqu'à 3 %, parce que vos volumes le permettent. »",
            "en": 'Justify each position and state how far you can commit: "Within my mandate I can go to 3%, '
            'because your volumes allow it."',
        },
        "mandate": {
            "fr": "« {quote} » va au-delà de votre mandat ({hint} au plus selon votre brief) : vous engagez votre "
            "entreprise sans en avoir le pouvoir, et l'accord devra être défait. Restez dans votre marge et dites-le : "
            "« Mon mandat me permet d'aller jusqu'à {hint}, et seulement si vous … ; au-delà, je dois en référer à ma "
            "direction. »",
            "en": '"{quote}" goes beyond your mandate (at most {hint} in your brief): you commit your company '
            "without the authority to, and the deal will have to be undone. Stay within your margin and say so: "
            '"My mandate lets me go to {hint}, and only if you ...; beyond that I must refer to my management."',
        },
        "unconditional": {
            "fr": "« {quote} » : vous cédez sans justifier ni situer votre mandat. Annoncez ce que vous pouvez engager, et pourquoi.",
            "en": '"{quote}": you give in without justifying it or stating your mandate. Say what you can commit to, and why.',
        },
    },
    "BLOC2.A2.C2.CR2.2": {
        "": {
            "fr": "Conditionnez vos concessions : « Si vous vous engagez sur 12 mois, alors je peux revoir le prix de 2 %. »",
            "en": 'Make your concessions conditional: "If you commit to 12 months, then I can take 2% off the price."',
        },
        "unconditional": {
            "fr": "« {quote} » est une concession sans contrepartie. Demandez toujours quelque chose en échange : "
            "« Je peux le faire si vous … »",
            "en": '"{quote}" is a concession with nothing in return. Always ask for something back: '
            '"I can do that if you ..."',
        },
    },
    "BLOC2.A2.C2.CR2.3": {
        "": {
            "fr": "Soyez assertif : formulez une proposition claire, tenez-la avec calme et proposez l'étape suivante.",
            "en": "Be assertive: make a clear proposal, hold it calmly and propose the next step.",
        },
        "blame": {
            "fr": "« {quote} » met le client en cause. Parlez des faits et de la solution, pas de ses torts.",
            "en": '"{quote}" blames the client. Talk about facts and the way forward, not their faults.',
        },
        "unconditional": {
            "fr": "« {quote} » : vous capitulez. Réaffirmez votre proposition et ce qui la justifie avant de bouger.",
            "en": '"{quote}": you capitulate. Restate your proposal and what justifies it before moving.',
        },
    },
    "BLOC2.A2.C2.CR2.4": {
        "": {
            "fr": "Traitez chaque objection : reformulez-la, répondez par un fait chiffré ou une règle, vérifiez qu'elle est levée.",
            "en": "Handle each objection: reformulate it, answer with a figure or a rule, check it is resolved.",
        },
        "unresolved": {
            "fr": "Des objections sont restées sans réponse. Répondez-y par un argument d'expert (coût complet, délai, "
            "qualité) avant de passer à la suite.",
            "en": "Some objections were left unanswered. Answer them with an expert argument (total cost, lead time, "
            "quality) before moving on.",
        },
    },
    "BLOC2.A2.C2.CR2.5": {
        "": {
            "fr": "Travaillez l'anglais de la négociation (B1) : proposer, conditionner (If you..., then we...), conclure.",
            "en": "Work on negotiation English (B1): proposing, making conditions (If you..., then we...), closing.",
        },
    },
    # --- BLOC2.A2.C3.CR3: complaints ---------------------------------------------------------------
    "BLOC2.A2.C3.CR3.1": {
        "": {
            "fr": "Analysez la réclamation avant de répondre : faits, dates, quantités, impact pour le client (questions "
            "ouvertes), puis reformulez pour valider.",
            "en": "Analyse the complaint before answering: facts, dates, quantities, impact on the client (open "
            "questions), then reformulate to check.",
        },
        "leading": {
            "fr": "« {quote} » suggère la réponse. Demandez plutôt : « Que s'est-il passé exactement à la réception ? »",
            "en": '"{quote}" suggests the answer. Ask instead: "What exactly happened at delivery?"',
        },
    },
    "BLOC2.A2.C3.CR3.2": {
        "": {
            "fr": "Montrez que vous prenez la mesure du problème (« Je comprends l'impact sur votre production ») puis "
            "appuyez-vous sur la procédure et un plan d'action daté.",
            "en": 'Show you grasp the problem ("I understand the impact on your production") then rely on the '
            "procedure and a dated action plan.",
        },
        "blame": {
            "fr": "« {quote} » rejette la faute sur le client. Reconnaissez son ressenti et cherchez la cause avec lui.",
            "en": '"{quote}" puts the blame on the client. Acknowledge how they feel and look for the cause together.',
        },
    },
    "BLOC2.A2.C3.CR3.3": {
        "": {
            "fr": "Proposez une solution qui respecte contrat et réglementation (avoir, remplacement, geste commercial "
            "conditionné) et vérifiez qu'elle convient au client.",
            "en": "Offer a solution that respects the contract and the rules (credit note, replacement, a conditional "
            "goodwill gesture) and check it suits the client.",
        },
        "illegal": {
            "fr": "« {quote} » n'est pas conforme à la réglementation ou à l'éthique. Proposez une solution encadrée "
            "par le contrat.",
            "en": '"{quote}" breaks the rules or business ethics. Offer a solution framed by the contract.',
        },
        "blame": {
            "fr": "« {quote} » : une solution ne satisfait pas le client si elle commence par l'accuser.",
            "en": '"{quote}": a solution cannot satisfy the client when it starts by accusing them.',
        },
    },
    # --- BLOC3.A1.C3.CR3: management ---------------------------------------------------------------
    "BLOC3.A1.C3.CR3.1": {
        "": {
            "fr": "Adaptez votre management à la personne : valorisez son expérience, proposez un accompagnement "
            "(formation, binôme) et confiez-lui une responsabilité dans le projet.",
            "en": "Adapt your management to the person: value their experience, offer support (training, a buddy) "
            "and give them a responsibility in the project.",
        },
        "imposition": {
            "fr": "« {quote} » impose au lieu d'embarquer. Expliquez le pourquoi et proposez un rôle dans la mise en œuvre.",
            "en": '"{quote}" imposes instead of bringing people along. Explain why and offer a role in the roll-out.',
        },
    },
    "BLOC3.A1.C3.CR3.2": {
        "": {
            "fr": "Ouvrez le dialogue : « Qu'est-ce qui vous inquiète le plus dans ce changement ? », puis reformulez.",
            "en": 'Open the dialogue: "What worries you most about this change?", then reformulate.',
        },
        "imposition": {
            "fr": "« {quote} » ferme la discussion. Invitez les objections : « Qu'est-ce qui vous ferait adhérer ? »",
            "en": '"{quote}" closes the discussion. Invite objections: "What would make you buy into it?"',
        },
    },
    # --- BLOC3.A1.C4.CR4: change --------------------------------------------------------------------
    "BLOC3.A1.C4.CR4.1": {
        "": {
            "fr": "Analysez les impacts avec la personne : humains (charge, rôle), techniques (outils), logistiques "
            "(tournées, horaires), financiers (rémunération variable). « Concrètement, qu'est-ce que ça change pour vous ? »",
            "en": "Analyse the impacts with the person: human (workload, role), technical (tools), logistical "
            '(routes, hours), financial (variable pay). "In practice, what does it change for you?"',
        },
        "imposition": {
            "fr": "« {quote} » annonce sans analyser. Demandez quels impacts la personne anticipe avant de décider des modalités.",
            "en": '"{quote}" announces without analysing. Ask which impacts the person expects before settling the details.',
        },
    },
    "BLOC3.A1.C4.CR4.2": {
        "": {
            "fr": "Identifiez les risques psychosociaux (surcharge, perte de sens, isolement, inquiétude) et proposez "
            "de les évaluer : point individuel, indicateur de charge, RH.",
            "en": "Identify psychosocial risks (overload, loss of meaning, isolation, anxiety) and offer to assess "
            "them: one-to-one meeting, workload indicator, HR.",
        },
        "dismissal": {
            "fr": "« {quote} » balaie une inquiétude. Prenez-la au sérieux : « Parlons de cette charge, comment la mesurer ? »",
            "en": '"{quote}" brushes a worry aside. Take it seriously: "Let\'s talk about that workload: how could we measure it?"',
        },
    },
    "BLOC3.A1.C4.CR4.3": {
        "": {
            "fr": "Donnez les étapes et les outils du changement : calendrier, phase pilote, formation, points d'étape, "
            "bilan.",
            "en": "Give the stages and tools of the change: timeline, pilot phase, training, check-ins, review.",
        },
        "imposition": {
            "fr": "« {quote} » : une date imposée n'est pas une conduite du changement. Prévoyez un pilote, une formation et un bilan.",
            "en": '"{quote}": an imposed date is not change management. Plan a pilot, training and a review.',
        },
    },
    "BLOC3.A1.C4.CR4.4": {
        "": {
            "fr": "Appliquez les principes agiles : co-construire avec l'équipe, tester sur un périmètre réduit, "
            "ajuster après un retour d'expérience.",
            "en": "Apply agile principles: co-build with the team, test on a small scope, adjust after feedback.",
        },
        "imposition": {
            "fr": "« {quote} » impose le changement d'en haut. Proposez de le construire ensemble : « Comment "
            "organiseriez-vous ce test ? »",
            "en": '"{quote}" imposes the change top-down. Offer to build it together: "How would you organise this trial?"',
        },
    },
    # --- BLOC3.A1.C5.CR5: languages -----------------------------------------------------------------
    "BLOC3.A1.C5.CR5.1": {
        "": {
            "fr": "Relisez vos messages écrits (accords, conjugaisons) et gardez le vouvoiement professionnel.",
            "en": "Proofread your written French (agreements, conjugations) and keep the professional 'vous'.",
        },
        "register": {
            "fr": "« {quote} » : avec un client ou la Direction, on vouvoie. Gardez « vous » du début à la fin, "
            "même si votre interlocuteur vous tutoie ou que l'échange se détend.",
            "en": '"{quote}": with a client or the Direction, French business speech says « vous ». Keep « vous » '
            "from start to finish, even if the other person says « tu » or the talk gets friendlier.",
        },
    },
    "BLOC3.A1.C5.CR5.2": {
        "": {
            "fr": "Visez le B1 en anglais : expliquez, justifiez (because, so that), décrivez des étapes (first, then).",
            "en": "Aim for B1 English: explain, justify (because, so that), describe steps (first, then).",
        },
    },
    "BLOC3.A1.C5.CR5.3": {
        "": {
            "fr": "Vérifiez systématiquement la compréhension après chaque terme technique : « Est-ce clair pour vous ? "
            "Qu'en retenez-vous ? »",
            "en": 'Check understanding systematically after each technical term: "Is that clear? What do you take '
            'from it?"',
        },
        "misuse": {
            "fr": "« {quote} » : un terme professionnel y est mal employé ({hint}). Employez le terme juste, puis "
            "vérifiez qu'il est compris : « Est-ce clair pour vous ? »",
            "en": '"{quote}": a professional term is misused ({hint}). Use the right term, then check it is '
            'understood: "Is that clear for you?"',
        },
    },
    # --- BLOC1.A2.C3.CR3: pitch to the Direction ----------------------------------------------------
    "BLOC1.A2.C3.CR3.1": {
        "": {
            "fr": "Adressez la Direction : annoncez votre plan, concluez par une recommandation et la décision attendue.",
            "en": "Address the Direction: announce your outline, end with a recommendation and the decision you need.",
        },
        "blame": {
            "fr": "« {quote} » met en cause votre auditoire. Restez factuel et orienté décision.",
            "en": '"{quote}" blames your audience. Stay factual and decision-oriented.',
        },
    },
    "BLOC1.A2.C3.CR3.2": {
        "": {
            "fr": "Structurez en trois points chiffrés (marché, plan, rentabilité) et terminez par une synthèse.",
            "en": "Structure your case in three quantified points (market, plan, profitability) and end with a summary.",
        },
    },
    "BLOC1.A2.C3.CR3.3": {
        "": {
            "fr": "Reliez explicitement la stratégie aux valeurs et à la mission : « Ce projet prolonge notre engagement RSE parce que … »",
            "en": 'Link the strategy explicitly to the values and mission: "This project extends our CSR commitment because ..."',
        },
    },
    "BLOC1.A2.C3.CR3.4": {
        "": {
            "fr": "Montrez que la stratégie respecte les valeurs de l'entreprise (RSE, éthique, clients).",
            "en": "Show that the strategy respects the company's values (CSR, ethics, customers).",
        },
        "violation": {
            "fr": "« {quote} » contredit les valeurs de l'entreprise. Proposez une voie qui les respecte.",
            "en": '"{quote}" goes against the company\'s values. Offer a path that respects them.',
        },
    },
    "BLOC1.A2.C3.CR3.5": {
        "": {
            "fr": "Dites ce qui rend l'offre innovante et distinctive face aux concurrents : « Aucun concurrent ne propose … »",
            "en": 'Say what makes the offer innovative and distinctive against competitors: "No competitor offers ..."',
        },
    },
    "BLOC1.A2.C3.CR3.6": {
        "": {
            "fr": "Démontrez la création de valeur en chiffres : marge, chiffre d'affaires additionnel, retour sur "
            "investissement, délai d'amortissement.",
            "en": "Demonstrate value creation in figures: margin, additional revenue, return on investment, payback period.",
        },
    },
}

_GENERIC = {
    "fr": "Travaillez cet indicateur : {text}",
    "en": "Work on this indicator: {text}",
}


def advice(
    indicator_id: str,
    reason: str | None,
    lang: str,
    quote: str | None = None,
    text: str = "",
    hint: str | None = None,
) -> str:
    """The advice for a weak indicator, for this reason, in `lang` (fr or en)."""
    lang = lang if lang in ("fr", "en") else "fr"
    table = ADVICE.get(indicator_id)
    if table is None:
        return _GENERIC[lang].format(text=text)
    entry = table.get(reason) if reason else None
    if entry is not None and ("{quote}" in entry[lang] and not quote or "{hint}" in entry[lang] and not hint):
        entry = None
    out = (entry or table[""])[lang]
    if "{quote}" in out:
        out = out.replace("{quote}", _short(quote or ""))
    if "{hint}" in out:
        out = out.replace("{hint}", hint or "")
    return out


def _short(quote: str, limit: int = 160) -> str:
    if len(quote) <= limit:
        return quote
    return quote[: limit - 1].rsplit(" ", 1)[0] + "…"
