"""What the bot says outside the role-play, in French and English (`t(lang, key, **fields)`).

Plain text (no Markdown or HTML parse mode), so nothing a scenario or a candidate writes can break a
message. The persona's own words come from the scenario; the scorecard summary from `feedback.report`.
"""

from __future__ import annotations

import logging
from typing import Literal

from bot.telegram.staff_texts import STAFF_TEXTS

log = logging.getLogger(__name__)

Lang = Literal["fr", "en"]

TEXTS: dict[str, dict[str, str]] = {
    "fr": {
        "greeting": (
            "Bonjour {name} ! Je suis oralblanc. Ici, vous répétez les jeux de rôle de l'oral du titre "
            "« Manager du développement commercial » (RNCP niveau 7), par écrit ou par message vocal, "
            "puis vous recevez une grille d'évaluation fondée sur les critères de l'examen."
        ),
        "privacy": (
            "🔒 Vos données. Nous enregistrons votre identifiant et votre nom Telegram, votre langue, vos "
            "séances (vos messages, la transcription de vos messages vocaux) et leurs évaluations. "
            "L'audio brut de vos messages vocaux est effacé après {days} jours ; le reste est conservé "
            "jusqu'à ce que vous le supprimiez. Votre interlocuteur est {played_by} et l'évaluation est "
            "proposée automatiquement (un formateur peut la valider)."
            "{llm}\n/mydata : recevoir vos données · /deletemydata : tout effacer"
        ),
        "privacy_llm": " Vos répliques sont transmises au service d'IA qui joue l'interlocuteur.",
        "played_by_scripted": (
            "joué par un programme qui choisit ses répliques parmi celles écrites pour ce scénario "
            "(pas d'IA générative)"
        ),
        "played_by_llm": "joué par une IA (un modèle de langage), dans les limites fixées par le scénario",
        "empty_line": "Je n'ai trouvé aucun mot dans ce message : écrivez votre réplique (ou /end pour terminer).",
        "menu": (
            "Que voulez-vous faire ?\n"
            "/scenarios — choisir une mise en situation\n"
            "/progress — votre progression\n"
            "/help — toutes les commandes"
        ),
        "scenarios_button": "📋 Les mises en situation",
        "resume_hint": "Une séance est en cours ({title}) : répondez simplement pour continuer, ou /end pour la terminer.",
        "help": (
            "Commandes :\n"
            "/scenarios — les mises en situation\n"
            "/play <id> — en commencer une directement\n"
            "/hint — un conseil pendant la séance (entraînement)\n"
            "/end — terminer la séance et recevoir l'évaluation\n"
            "/report [n] — renvoyer le rapport de la séance n\n"
            "/progress — vos dernières séances, critère par critère\n"
            "/voice on|off — réponses en message vocal\n"
            "/lang fr|en — langue de l'interface\n"
            "/mydata — vos données (fichier JSON)\n"
            "/deletemydata — effacer vos données\n\n"
            "Pendant une séance, chaque message (écrit ou vocal) est une réplique."
        ),
        "joined_cohort": "Vous avez rejoint le groupe « {cohort} ».",
        "already_member": "Vous faites déjà partie du groupe « {cohort} ».",
        "bad_invite": "Ce lien d'invitation n'est pas (ou plus) valable. Demandez-en un nouveau à votre formateur.",
        "assigned": "Mises en situation qui vous sont confiées :",
        "scenarios_title": "Choisissez une mise en situation :",
        "scenario_line": "{mark}• {title}{exam}\n   {difficulty} · ~{minutes} min · FR/EN{played}",
        "kind_heading": "{icon} {kind}",
        "played_never": "",
        "played_scored": "\n   ✓ jouée {count} fois · dernière note {score}/20",
        "played_pending": "\n   ✓ jouée {count} fois · note en attente de validation",
        "played_unscored": "\n   ✓ jouée {count} fois",
        "assigned_mark": "📌 ",
        "exam_mark": " (examen blanc)",
        "briefing": (
            "{icon} {title}\n{kind} · {difficulty} · ~{minutes} min\n\n"
            "Votre interlocuteur : {persona}, {role}, {company} ({played_by}).\n\n"
            "Votre mission :\n{briefing}"
        ),
        "start_button": "▶ Commencer (français)",
        "other_language_button": "🇬🇧 Read in English",
        "started": (
            "▶ Séance commencée : {title}.\n"
            "Répondez par écrit ou par message vocal. /hint pour un conseil, /end pour terminer. "
            "Votre interlocuteur est {played_by}."
        ),
        "persona_line": "🗣 {name} :\n{text}",
        "active_exists": "Une séance est déjà en cours ({title}). Continuez-la, ou abandonnez-la pour commencer celle-ci.",
        "abandon_button": "Abandonner et commencer",
        "abandoned": "Séance précédente abandonnée.",
        "unknown_scenario": "Je ne connais pas la mise en situation « {id} ». /scenarios pour la liste.",
        "play_usage": "Indiquez une mise en situation : /play <id>. /scenarios pour la liste.",
        "no_session": "Aucune séance en cours. /scenarios pour en choisir une.",
        "understood": "🎙 J'ai compris : « {text} »",
        "understood_unsure": (
            "🎙 Je ne suis pas sûr d'avoir bien compris : « {text} »\n"
            "Est-ce bien ce que vous avez dit ? Sinon, renvoyez votre réplique (par écrit ou à voix haute)."
        ),
        "heard_ok_button": "✅ Oui, c'est ça",
        "heard_no_button": "🔁 Non, je la renvoie",
        "heard_resend": "D'accord, ce message vocal est écarté : renvoyez votre réplique.",
        "ended_by_persona": "— Fin de la simulation. Je prépare votre évaluation…",
        "ending": "Séance terminée. Je prépare votre évaluation…",
        "scoring_failed": "Désolé, l'évaluation n'a pas pu être calculée. Votre séance est enregistrée : réessayez avec /report.",
        "full_report_button": "📄 Rapport complet",
        "report_caption": "Rapport de la séance {n} — {title}",
        "no_reports": "Pas encore d'évaluation. Terminez une séance avec /end.",
        "report_usage": "Numéro de séance inconnu. /progress pour la liste.",
        "report_active": "Cette séance est en cours : terminez-la avec /end pour recevoir son évaluation.",
        "report_unscored": "Cette séance a été abandonnée : elle n'a pas d'évaluation.",
        "progress_title": "Vos dernières séances :",
        "progress_line": "{n}. {date} · {title} — {score}/20",
        "progress_criteria": "Niveaux par critère (0 à 3, du plus ancien au plus récent) :",
        "progress_empty": "Pas encore de séance évaluée. /scenarios pour commencer.",
        "hint_exam": "Pas de conseil pendant un examen blanc : faites comme le jour J !",
        "hint_title": "💡 Conseil :",
        "voice_on": "🔊 Réponses vocales activées : votre interlocuteur vous répondra aussi en message vocal.",
        "voice_off": "🔇 Réponses vocales désactivées.",
        "voice_usage": "Réponses vocales : {state}. /voice on ou /voice off.",
        "voice_state_on": "activées",
        "voice_state_off": "désactivées",
        "lang_set": "Interface en français.",
        "lang_session_note": "La séance en cours continue dans sa langue ; les prochaines seront en français.",
        "lang_usage": "Choisissez la langue de l'interface : /lang fr ou /lang en.",
        "mydata_caption": "Toutes les données enregistrées à votre sujet (format JSON).",
        "mydata_no_audio": "Toutes les données enregistrées à votre sujet (format JSON, sans l'audio brut, trop volumineux).",
        "delete_confirm": (
            "Effacer toutes vos données ? Vos séances, vos messages, vos enregistrements, vos évaluations "
            "et votre appartenance à des groupes seront supprimés définitivement."
        ),
        "delete_yes": "Oui, tout effacer",
        "delete_no": "Non, annuler",
        "deleted": "Vos données ont été effacées. Au revoir ! (/start pour recommencer)",
        "delete_cancelled": "Rien n'a été effacé.",
        "busy": "⏳ Je réponds encore à votre message précédent : attendez ma réponse, puis renvoyez celui-ci s'il y a lieu.",
        "too_long": "Votre message est trop long ({length} caractères, {limit} au plus). Découpez votre réplique ou résumez-la.",
        "not_supported": "Je ne lis que les messages écrits et les messages vocaux.",
        "edited": "Les modifications de messages ne sont pas prises en compte : envoyez plutôt un nouveau message.",
        "unknown_command": "Commande inconnue. /help pour la liste.",
        "private_only": "Je ne fonctionne qu'en conversation privée.",
        "voice_no_session": "Aucune séance en cours pour ce message vocal. /scenarios pour en choisir une.",
        "voice_too_long": "Message vocal trop long ({seconds} s, {limit} s au plus). Faites des répliques plus courtes.",
        "voice_unusable": "Je n'ai pas pu lire ce message vocal. Réessayez, ou écrivez votre réplique.",
        "voice_file_too_big": "Ce fichier audio est trop lourd ({mb} Mo, 20 Mo au plus). Envoyez une réplique plus courte.",
        "voice_empty": "Je n'ai rien compris dans ce message vocal. Réessayez en parlant près du micro.",
        "voice_unavailable": "Les messages vocaux ne sont pas disponibles pour le moment : écrivez votre réplique.",
        "session_over": "Cette séance est terminée. /end pour l'évaluation, /scenarios pour en commencer une autre.",
        "stale_button": "Ce bouton n'est plus valable.",
        "error": (
            "Désolé, un incident m'a empêché de traiter ce message. Vos répliques précédentes sont "
            "enregistrées ; renvoyez celui-ci dans un instant."
        ),
        "storage_down": (
            "⚠️ Je n'ai pas pu enregistrer ce message : la base de données ne répond pas pour le moment. "
            "Je le garde et réessaie tout seul dans un instant ; inutile de le renvoyer."
        ),
        "update_given_up": (
            "Désolé, je n'ai pas pu traiter un de vos messages malgré plusieurs essais. Renvoyez-le, s'il vous plaît."
        ),
    },
    "en": {
        "greeting": (
            "Hello {name}! I'm oralblanc. Here you rehearse the role-plays of the oral exam of the "
            "'Manager du développement commercial' certification (RNCP level 7), by text or voice notes, "
            "then get a scorecard based on the exam's own criteria."
        ),
        "privacy": (
            "🔒 Your data. We store your Telegram id and name, your language, your sessions (your "
            "messages, the transcripts of your voice notes) and their scorecards. The raw audio of your "
            "voice notes is deleted after {days} days; the rest is kept until you delete it. Your "
            "counterpart is {played_by} and the scorecard is proposed "
            "automatically (a trainer may confirm it).{llm}\n/mydata: get your data · /deletemydata: erase it all"
        ),
        "privacy_llm": " Your lines are sent to the AI service that plays the counterpart.",
        "played_by_scripted": (
            "played by a program that picks its lines among those written for this scenario (no generative AI)"
        ),
        "played_by_llm": "played by an AI (a language model), within the limits the scenario sets",
        "empty_line": "I found no words in that message: type your line (or /end to finish).",
        "menu": (
            "What would you like to do?\n"
            "/scenarios — choose a role-play\n"
            "/progress — your progress\n"
            "/help — all commands"
        ),
        "scenarios_button": "📋 The role-plays",
        "resume_hint": "A session is in progress ({title}): just reply to go on, or /end to finish it.",
        "help": (
            "Commands:\n"
            "/scenarios — the role-plays\n"
            "/play <id> — start one directly\n"
            "/hint — a hint during a session (practice)\n"
            "/end — end the session and get the scorecard\n"
            "/report [n] — re-send the report of session n\n"
            "/progress — your recent sessions, criterion by criterion\n"
            "/voice on|off — replies as voice notes\n"
            "/lang fr|en — interface language\n"
            "/mydata — your data (JSON file)\n"
            "/deletemydata — erase your data\n\n"
            "During a session, every message (text or voice) is one of your lines."
        ),
        "joined_cohort": "You joined the group '{cohort}'.",
        "already_member": "You are already in the group '{cohort}'.",
        "bad_invite": "This invite link is not (or no longer) valid. Ask your trainer for a new one.",
        "assigned": "Role-plays assigned to you:",
        "scenarios_title": "Choose a role-play:",
        "scenario_line": "{mark}• {title}{exam}\n   {difficulty} · ~{minutes} min · FR/EN{played}",
        "kind_heading": "{icon} {kind}",
        "played_never": "",
        "played_scored": "\n   ✓ played {count}× · latest score {score}/20",
        "played_pending": "\n   ✓ played {count}× · score awaiting a trainer",
        "played_unscored": "\n   ✓ played {count}×",
        "assigned_mark": "📌 ",
        "exam_mark": " (mock exam)",
        "briefing": (
            "{icon} {title}\n{kind} · {difficulty} · ~{minutes} min\n\n"
            "Your counterpart: {persona}, {role}, {company} ({played_by}).\n\n"
            "Your brief:\n{briefing}"
        ),
        "start_button": "▶ Start (English)",
        "other_language_button": "🇫🇷 Lire en français",
        "started": (
            "▶ Session started: {title}.\n"
            "Reply by text or voice note. /hint for a hint, /end to finish. "
            "Your counterpart is {played_by}."
        ),
        "persona_line": "🗣 {name}:\n{text}",
        "active_exists": "A session is already in progress ({title}). Go on with it, or abandon it to start this one.",
        "abandon_button": "Abandon it and start",
        "abandoned": "Previous session abandoned.",
        "unknown_scenario": "I don't know the role-play '{id}'. /scenarios for the list.",
        "play_usage": "Name a role-play: /play <id>. /scenarios for the list.",
        "no_session": "No session in progress. /scenarios to choose one.",
        "understood": "🎙 I understood: “{text}”",
        "understood_unsure": (
            "🎙 I am not sure I understood you: “{text}”\n"
            "Is that what you said? If not, send your line again (typed or spoken)."
        ),
        "heard_ok_button": "✅ Yes, that's it",
        "heard_no_button": "🔁 No, I'll resend it",
        "heard_resend": "All right, that voice note is set aside: send your line again.",
        "ended_by_persona": "— End of the role-play. Preparing your scorecard…",
        "ending": "Session ended. Preparing your scorecard…",
        "scoring_failed": "Sorry, the scorecard could not be computed. Your session is stored: try /report again.",
        "full_report_button": "📄 Full report",
        "report_caption": "Report of session {n} — {title}",
        "no_reports": "No scorecard yet. Finish a session with /end.",
        "report_usage": "Unknown session number. /progress for the list.",
        "report_active": "This session is in progress: finish it with /end to get its scorecard.",
        "report_unscored": "This session was abandoned: it has no scorecard.",
        "progress_title": "Your recent sessions:",
        "progress_line": "{n}. {date} · {title} — {score}/20",
        "progress_criteria": "Levels per criterion (0 to 3, oldest to newest):",
        "progress_empty": "No scored session yet. /scenarios to start.",
        "hint_exam": "No hints during a mock exam: play it as on the day!",
        "hint_title": "💡 Hint:",
        "voice_on": "🔊 Voice replies on: your counterpart will also answer with voice notes.",
        "voice_off": "🔇 Voice replies off.",
        "voice_usage": "Voice replies: {state}. /voice on or /voice off.",
        "voice_state_on": "on",
        "voice_state_off": "off",
        "lang_set": "Interface in English.",
        "lang_session_note": "The current session goes on in its language; the next ones will be in English.",
        "lang_usage": "Choose the interface language: /lang fr or /lang en.",
        "mydata_caption": "Everything stored about you (JSON).",
        "mydata_no_audio": "Everything stored about you (JSON, without the raw audio, which is too large).",
        "delete_confirm": (
            "Erase all your data? Your sessions, messages, recordings, scorecards and group memberships "
            "will be deleted for good."
        ),
        "delete_yes": "Yes, erase everything",
        "delete_no": "No, cancel",
        "deleted": "Your data has been erased. Goodbye! (/start to begin again)",
        "delete_cancelled": "Nothing was erased.",
        "busy": "⏳ I'm still answering your previous message: wait for my reply, then send this one again if needed.",
        "too_long": "Your message is too long ({length} characters, at most {limit}). Split or shorten your line.",
        "not_supported": "I can only read text messages and voice notes.",
        "edited": "Edited messages are not taken into account: please send a new message instead.",
        "unknown_command": "Unknown command. /help for the list.",
        "private_only": "I only work in private chats.",
        "voice_no_session": "No session in progress for this voice note. /scenarios to choose one.",
        "voice_too_long": "Voice note too long ({seconds} s, at most {limit} s). Keep your lines shorter.",
        "voice_unusable": "I could not read this voice note. Try again, or type your line.",
        "voice_file_too_big": "This audio file is too large ({mb} MB, at most 20 MB). Send a shorter line.",
        "voice_empty": "I couldn't make out anything in this voice note. Try again, closer to the microphone.",
        "voice_unavailable": "Voice notes are not available right now: please type your line.",
        "session_over": "This session is over. /end for the scorecard, /scenarios to start another.",
        "stale_button": "This button is no longer valid.",
        "error": (
            "Sorry, something went wrong on my side and I could not handle that message. Your earlier "
            "lines are stored; please send this one again in a moment."
        ),
        "storage_down": (
            "⚠️ I could not store that message: the database is not answering right now. I am keeping it "
            "and will try again by myself in a moment; no need to send it again."
        ),
        "update_given_up": "Sorry, I could not handle one of your messages after several tries. Please send it again.",
    },
}

KINDS: dict[str, dict[str, str]] = {
    "negotiation": {"fr": "Négociation grand compte", "en": "Key-account negotiation"},
    "complaint": {"fr": "Réclamation client", "en": "Customer complaint"},
    "change": {"fr": "Conduite du changement", "en": "Leading change"},
    "pitch": {"fr": "Présentation à la Direction", "en": "Pitch to the Direction"},
}
KIND_ICONS = {"negotiation": "🤝", "complaint": "⚠️", "change": "🔄", "pitch": "📊"}
DIFFICULTIES: dict[str, dict[str, str]] = {
    "easy": {"fr": "facile", "en": "easy"},
    "medium": {"fr": "intermédiaire", "en": "medium"},
    "hard": {"fr": "difficile", "en": "hard"},
}


for _lang_key, _table in STAFF_TEXTS.items():
    TEXTS[_lang_key].update(_table)


def lang_of(code: str | None) -> Lang:
    """The UI language for a Telegram `language_code` (`fr`, `fr-CA` → fr; anything else → en)."""
    return "fr" if (code or "").lower().startswith("fr") else "en"


def t(lang: str, key: str, **fields: object) -> str:
    """The UI string `key` in `lang` (English when `lang` is not fr), with `fields` filled in."""
    table = TEXTS["fr" if lang == "fr" else "en"]
    return table[key].format(**fields) if fields else table[key]


def kind_name(kind: str, lang: str) -> str:
    return KINDS.get(kind, {}).get("fr" if lang == "fr" else "en", kind)


def difficulty_name(difficulty: str, lang: str) -> str:
    return DIFFICULTIES.get(difficulty, {}).get("fr" if lang == "fr" else "en", difficulty)
