"""A coaching hint in practice mode (Telegram's `/hint`), from where the director says the session stands.

The hint is generic on purpose: it names the kind of move that would help (answer the open objection
with a conditional concession, ask open questions, summarise, propose a next step…), never the
persona's hidden facts, limits or interests. The director's state is rebuilt from the stored turns,
as everywhere else.
"""

from __future__ import annotations

import logging

from bot.core.sessions import SessionView
from scenarios.director import Director, DirectorState
from scenarios.model import Scenario
from scenarios.moves import Move

log = logging.getLogger(__name__)

MOVE_TIPS: dict[Move, dict[str, str]] = {
    Move.open_question: {
        "fr": "Posez une question ouverte (« Comment… ? », « Qu'est-ce qui… ? ») pour faire parler votre interlocuteur.",
        "en": "Ask an open question (“How…?”, “What…?”) to get your counterpart talking.",
    },
    Move.closed_question: {
        "fr": "Vérifiez un point précis par une question fermée.",
        "en": "Check a precise point with a closed question.",
    },
    Move.reformulation: {
        "fr": "Reformulez ce que vous avez entendu (« Si je comprends bien… ») avant de répondre.",
        "en": "Rephrase what you heard (“If I understand correctly…”) before answering.",
    },
    Move.summary: {
        "fr": "Faites la synthèse : les points d'accord, puis ce qui reste à régler.",
        "en": "Summarise: the points agreed, then what is left to settle.",
    },
    Move.quantified_argument: {
        "fr": "Appuyez-vous sur un argument chiffré (coût, gain, délai) plutôt que sur une affirmation.",
        "en": "Back your point with figures (cost, savings, lead time) rather than a claim.",
    },
    Move.conditional_concession: {
        "fr": "Ne cédez rien sans contrepartie : « Si vous…, alors nous pouvons… ».",
        "en": "Give nothing without something in return: “If you…, then we can…”.",
    },
    Move.empathy: {
        "fr": "Montrez que vous comprenez la préoccupation avant d'argumenter.",
        "en": "Show you understand the concern before arguing your case.",
    },
    Move.proposal: {
        "fr": "Faites une proposition concrète et précise.",
        "en": "Make a concrete, precise proposal.",
    },
    Move.regulation_reference: {
        "fr": "Rappelez le cadre légal ou réglementaire qui s'applique.",
        "en": "Point to the legal or regulatory framework that applies.",
    },
    Move.next_step: {
        "fr": "Proposez une prochaine étape précise : quoi, qui, quand.",
        "en": "Propose a precise next step: what, who, when.",
    },
    Move.feedback_request: {
        "fr": "Demandez à votre interlocuteur ce qu'il pense de votre proposition.",
        "en": "Ask your counterpart what they think of your proposal.",
    },
}

PITFALLS: dict[Move, dict[str, str]] = {
    Move.leading_question: {
        "fr": "Évitez les questions orientées (« Vous êtes d'accord que… ? ») : elles n'apprennent rien.",
        "en": "Avoid leading questions (“You'd agree that…?”): they teach you nothing.",
    },
    Move.unconditional_concession: {
        "fr": "Vous avez concédé sans contrepartie : demandez toujours quelque chose en échange.",
        "en": "You conceded without a counterpart: always ask for something in return.",
    },
    Move.blame: {
        "fr": "Ne rejetez pas la faute sur l'autre : cherchez la solution ensemble.",
        "en": "Don't blame the other side: look for the solution together.",
    },
    Move.imposition: {
        "fr": "Imposer ne convainc pas : expliquez le pourquoi et associez la personne.",
        "en": "Imposing does not convince: explain why and involve the person.",
    },
}

OPEN_OBJECTION = {
    "fr": "Votre interlocuteur a soulevé une objection qui n'est pas encore traitée.",
    "en": "Your counterpart raised an objection that has not been dealt with yet.",
}
UNDISCOVERED = {
    "fr": "Tout n'a pas encore été dit : continuez à questionner sa situation, ses enjeux, ses contraintes.",
    "en": "Not everything has come out yet: keep asking about their situation, stakes and constraints.",
}
CLOSING = {
    "fr": "Vous approchez de la fin : préparez une synthèse et une prochaine étape.",
    "en": "You are nearing the end: prepare a summary and a next step.",
}
KIND_TIPS: dict[str, dict[str, str]] = {
    "negotiation": {
        "fr": "En négociation : découvrez les besoins avant de parler prix, chiffrez vos arguments, échangez chaque concession.",
        "en": "In a negotiation: find out the needs before talking price, quantify, trade every concession.",
    },
    "complaint": {
        "fr": "Face à une réclamation : accueillez le mécontentement, faites préciser les faits, proposez une solution et un suivi.",
        "en": "With a complaint: acknowledge the frustration, get the facts, propose a remedy and a follow-up.",
    },
    "change": {
        "fr": "Pour conduire le changement : expliquez le pourquoi, écoutez les craintes, associez la personne à la mise en œuvre.",
        "en": "To lead change: explain why, listen to the fears, involve the person in making it work.",
    },
    "pitch": {
        "fr": "Devant la Direction : constat chiffré, objectifs, plan d'action, moyens et retour sur investissement.",
        "en": "Before the Direction: figures first, then objectives, action plan, resources and return on investment.",
    },
}


def hint(record: SessionView, lang: str) -> str:
    """A short coaching hint for the session as stored, in `lang` (fr or en)."""
    lang = "fr" if lang == "fr" else "en"
    scenario = record.scenario
    state = Director(scenario, record.language).replay(
        [t.text for t in record.turns if t.speaker == "candidate"]
    )
    lines: list[str] = []
    stage = scenario.stages[state.stage]
    if state.pending is not None:
        objection = next((o for o in stage.objections if o.id == state.pending), None)
        lines.append(OPEN_OBJECTION[lang])
        if objection is not None:
            lines += [MOVE_TIPS[m][lang] for m in objection.resolved_by if m in MOVE_TIPS][:2]
    else:
        wanted = [m for m in stage.ends_when.moves_any if m in MOVE_TIPS and m not in state.stage_moves]
        lines += [MOVE_TIPS[m][lang] for m in wanted][:2]
        if _undiscovered(scenario, state):
            lines.append(UNDISCOVERED[lang])
        if state.stage == len(scenario.stages) - 1 or state.turns >= scenario.max_turns - 2:
            lines.append(CLOSING[lang])
    lines += [tip[lang] for move, tip in PITFALLS.items() if state.moves_seen.get(move.value)][:1]
    if not lines:
        lines.append(KIND_TIPS.get(scenario.kind.value, KIND_TIPS["negotiation"])[lang])
    return "\n".join(f"• {line}" for line in dict.fromkeys(lines))


def _undiscovered(scenario: Scenario, state: DirectorState) -> bool:
    """Whether a hidden fact that may already be revealed has not been (its content is not used)."""
    for fact in scenario.hidden_brief.facts:
        if fact.id in state.revealed:
            continue
        if fact.from_stage is None or scenario.stage_index(fact.from_stage) <= state.stage:
            return True
    return False
