"""The console's words, in French and English: `t(lang, key, **values)`. Refusals of the core are
rendered with the bot's own wording (`bot.telegram.refusals`) unless the web has its own."""

from __future__ import annotations

import logging

from bot.core.principal import Refused

log = logging.getLogger(__name__)

LANGS = ("fr", "en")

WORDS: dict[str, tuple[str, str]] = {
    "app": ("Console oralblanc", "oralblanc console"),
    "nav_cohorts": ("Cohortes", "Cohorts"),
    "nav_review": ("À valider", "Review"),
    "nav_scripts": ("Scripts", "Scripts"),
    "sign_out": ("Se déconnecter", "Sign out"),
    "signed_in_as": ("Connecté·e : {name}", "Signed in: {name}"),
    "other_lang": ("English", "Français"),
    # sign-in
    "signin_title": ("Connexion", "Sign in"),
    "signin_how": (
        "Pas de mot de passe : envoyez /web au bot oralblanc sur Telegram (formateurs, jury, "
        "administrateurs). Il répond par un lien à usage unique, valable 15 minutes.",
        "No password: send /web to the oralblanc bot on Telegram (trainers, jury, admins). It "
        "answers with a one-time link, valid for 15 minutes.",
    ),
    "signin_confirm": (
        "Vous allez ouvrir une session sur la console oralblanc avec ce lien à usage unique.",
        "You are about to sign in to the oralblanc console with this one-time link.",
    ),
    "signin_button": ("Me connecter", "Sign me in"),
    "bad_link": (
        "Ce lien de connexion a déjà servi, a expiré ou n'existe pas. Envoyez /web au bot pour "
        "en recevoir un nouveau.",
        "This sign-in link was already used, has expired or does not exist. Send /web to the bot "
        "for a new one.",
    ),
    "signed_out": ("Vous êtes déconnecté·e.", "You are signed out."),
    "forbidden": ("Cette page n'est pas pour vous.", "This page is not for you."),
    "not_found": ("Introuvable.", "Not found."),
    "error_title": ("Impossible", "Not possible"),
    "back_home": ("Retour à l'accueil", "Back to the start"),
    "home_title": ("Bienvenue", "Welcome"),
    "home_staff": ("Choisissez une rubrique ci-dessus.", "Pick a section above."),
    # cohorts
    "cohorts_title": ("Mes cohortes", "My cohorts"),
    "cohort_new": ("Nouvelle cohorte", "New cohort"),
    "cohort_name": ("Nom", "Name"),
    "create": ("Créer", "Create"),
    "members_n": ("{n} membre(s)", "{n} member(s)"),
    "no_cohort": ("Aucune cohorte pour l'instant.", "No cohort yet."),
    "cohort_created": ("Cohorte « {name} » créée.", "Cohort “{name}” created."),
    "members": ("Membres", "Members"),
    "no_member": ("Aucun membre : partagez le lien d'invitation.", "No member yet: share the invite link."),
    "invite": ("Invitation", "Invite"),
    "invite_code": ("Code d'invitation : {code}", "Invite code: {code}"),
    "invite_no_link": (
        "Le lien t.me apparaît quand la console connaît le bot (TELEGRAM_BOT_TOKEN).",
        "The t.me link shows when the console knows the bot (TELEGRAM_BOT_TOKEN).",
    ),
    "qr_alt": ("QR code du lien d'invitation", "QR code of the invite link"),
    "assignments": ("Devoirs", "Assignments"),
    "no_assignment": ("Aucun devoir.", "No assignment."),
    "scenario": ("Scénario", "Scenario"),
    "due": ("Échéance", "Due"),
    "mode": ("Mode", "Mode"),
    "mode_exam": ("examen blanc", "mock exam"),
    "mode_practice": ("entraînement", "practice"),
    "attempts": ("Tentatives", "Attempts"),
    "assign": ("Assigner", "Assign"),
    "exam_mode": (
        "Examen blanc (pas d'indices, note après validation)",
        "Mock exam (no hints, score after review)",
    ),
    "assigned": (
        "« {title} » assigné ; {told} membre(s) prévenu(s).",
        "“{title}” assigned; {told} member(s) told.",
    ),
    "results": ("Résultats", "Results"),
    "results_of": ("Résultats — {name}", "Results — {name}"),
    "candidate": ("Candidat·e", "Candidate"),
    "sessions": ("Séances", "Sessions"),
    "last_score": ("Dernière note /20", "Last score /20"),
    "last_best": ("dernier / meilleur", "last / best"),
    "no_result": ("Aucune séance notée pour l'instant.", "No scored session yet."),
    "chart_levels": ("Derniers niveaux par critère", "Latest levels per criterion"),
    "chart_scores": ("Note sur 20 par candidat", "Score out of 20 per candidate"),
    "export_csv": ("Export CSV", "CSV export"),
    "export_html": ("Export HTML", "HTML export"),
    # review
    "review_title": ("Fiches à valider", "Scorecards to review"),
    "review_empty": ("Rien à valider.", "Nothing to review."),
    "proposed_score": ("Note proposée", "Proposed score"),
    "open": ("Ouvrir", "Open"),
    "scorecard_of": ("Fiche n° {id} — {name}", "Scorecard no. {id} — {name}"),
    "status_proposed": ("proposée", "proposed"),
    "status_confirmed": ("validée", "confirmed"),
    "status_amended": ("modifiée", "amended"),
    "transcript": ("Transcription", "Transcript"),
    "persona": ("Personnage", "Persona"),
    "you": ("Candidat·e", "Candidate"),
    "level": ("Niveau", "Level"),
    "level_none": ("non évaluable", "not assessable"),
    "indicators": ("Indicateurs", "Indicators"),
    "advice": ("Conseil", "Advice"),
    "confirm": ("Valider la fiche", "Confirm the scorecard"),
    "comment": ("Commentaire", "Comment"),
    "comment_optional": ("Commentaire (facultatif)", "Comment (optional)"),
    "amend": ("Modifier un niveau", "Amend a level"),
    "criterion": ("Critère", "Criterion"),
    "amend_button": ("Enregistrer le niveau", "Save the level"),
    "confirmed_told": (
        "Fiche n° {id} validée ; le ou la candidat·e est prévenu·e sur Telegram.",
        "Scorecard no. {id} confirmed; the candidate is told on Telegram.",
    ),
    "amended_told": (
        "Fiche n° {id} modifiée ; le ou la candidat·e est prévenu·e sur Telegram.",
        "Scorecard no. {id} amended; the candidate is told on Telegram.",
    ),
    "confirmed_untold": (
        "Fiche n° {id} validée, mais le ou la candidat·e n'a PAS été prévenu·e ({why}) : "
        "dites-le-lui vous-même.",
        "Scorecard no. {id} confirmed, but the candidate was NOT told ({why}): tell them yourself.",
    ),
    "amended_untold": (
        "Fiche n° {id} modifiée, mais le ou la candidat·e n'a PAS été prévenu·e ({why}) : "
        "dites-le-lui vous-même.",
        "Scorecard no. {id} amended, but the candidate was NOT told ({why}): tell them yourself.",
    ),
    "why_no_bot": (
        "aucun bot Telegram configuré pour la console",
        "no Telegram bot configured for the console",
    ),
    "why_unreachable": ("Telegram injoignable ou bot bloqué", "Telegram unreachable or the bot blocked"),
    "next_proposal": ("Fiche suivante", "Next scorecard"),
    "voice_turn": ("Tour à l'oral", "Spoken turn"),
    # scripts
    "scripts_title": ("Mes scripts", "My scripts"),
    "script_new": ("Nouveau script", "New script"),
    "no_script": ("Aucun script envoyé pour l'instant.", "No script uploaded yet."),
    "version": ("Version", "Version"),
    "uploaded": ("Envoyé le", "Uploaded"),
    "published": ("publié", "published"),
    "not_published": ("non publié", "not published"),
    "live_version": ("En ligne : v{v}", "Live: v{v}"),
    "not_live": ("pas en ligne", "not live"),
    "edit": ("Modifier", "Edit"),
    "library": ("Bibliothèque en ligne", "Live library"),
    "editor_title": ("Éditeur — {id}", "Editor — {id}"),
    "editor_new": ("Éditeur — nouveau script", "Editor — new script"),
    "lint_ok": ("Aucun problème : le script est valide.", "No problem: the script is valid."),
    "lint_problems": ("{n} problème(s)", "{n} problem(s)"),
    "line": ("ligne {n}", "line {n}"),
    "save": ("Enregistrer", "Save"),
    "publish": ("Publier", "Publish"),
    "saved": (
        "Script {id} v{version} enregistré (non publié).",
        "Script {id} v{version} saved (not published).",
    ),
    "not_saved": ("Non enregistré : corrigez d'abord les problèmes.", "Not saved: fix the problems first."),
    "published_ok": (
        "Script {id} v{version} publié : les candidats le jouent désormais.",
        "Script {id} v{version} published: candidates now play it.",
    ),
    "preview": ("Aperçu", "Preview"),
    "briefing": ("Consigne", "Briefing"),
    "stages": ("Étapes", "Stages"),
    "objections": ("Objections", "Objections"),
    "resolved_by": ("levée par", "answered by"),
    "hidden_facts": ("Faits cachés", "Hidden facts"),
    "from_stage": ("à partir de l'étape {id}", "from stage {id}"),
    "criteria": ("Critères notés", "Criteria scored"),
    "unknown_persona": ("personnage inconnu : {id}", "unknown persona: {id}"),
    "versions": ("Versions", "Versions"),
    "bad_date": (
        "Date illisible : {date} (JJ/MM/AAAA ou AAAA-MM-JJ).",
        "Unreadable date: {date} (DD/MM/YYYY or YYYY-MM-DD).",
    ),
    "sessions_of_script": ("Séances (anonymisées)", "Sessions (anonymised)"),
    # a script's sessions, one by one
    "session_title": ("Séance n° {no}", "Session #{no}"),
    "turns_n": ("{n} tours", "{n} turns"),
    "unscored": ("non évaluée", "not scored"),
    "anonymous_transcript": (
        "Transcription anonymisée : ni le nom du ou de la candidat·e, ni ses e-mails ou "
        "numéros de téléphone.",
        "Anonymised transcript: neither the candidate's name nor their e-mails or phone numbers.",
    ),
    "named_transcript": (
        "Vous formez ce ou cette candidat·e : la transcription est nominative.",
        "You train this candidate: the transcript is named.",
    ),
    "back_to_editor": ("retour à l'éditeur", "back to the editor"),
    # trying a script
    "try": ("Essayer", "Try"),
    "try_hint": (
        "Jouer ce script dans le navigateur, en mode examen, à l'écrit (la version que /try jouerait).",
        "Play this script in the browser, in exam mode, in writing (the version /try would play).",
    ),
    "trial_title": ("Essai — {id}", "Trial — {id}"),
    "trial_started": (
        "Essai de {id} v{version} ({source}) en mode examen : {minutes} min.",
        "Trial of {id} v{version} ({source}) in exam mode: {minutes} min.",
    ),
    "trial_uploaded": ("votre dernier envoi, non publié", "your latest upload, not published"),
    "trial_live": ("la version en ligne", "the live version"),
    "trial_you": ("Vous", "You"),
    "trial_line": ("Votre réplique", "Your line"),
    "trial_send": ("Envoyer", "Send"),
    "trial_end": ("Terminer et noter", "End and score"),
    "trial_deadline": ("Fin de l'examen à {time}.", "The exam ends at {time}."),
    "trial_scorecard": ("Fiche d'évaluation", "Scorecard"),
    "trial_again": ("Recommencer", "Try again"),
    "trial_over": ("Cet essai a été abandonné.", "This trial was abandoned."),
    "trial_time_up": (
        "Temps écoulé : l'essai est terminé, cette réplique n'a pas été prise.",
        "Time is up: the trial is over, that line was not taken.",
    ),
    "empty_line": ("Réplique vide.", "Empty line."),
    "line_too_long": (
        "Réplique trop longue (au plus {max} caractères).",
        "Line too long (at most {max} characters).",
    ),
    "session_over": ("Cet essai est terminé.", "This trial is over."),
}

WEB_REFUSALS = {"bad_link", "not_allowed"}


def t(lang: str, key: str, **values: object) -> str:
    pair = WORDS.get(key)
    if pair is None:
        return key
    text = pair[0 if lang == "fr" else 1]
    return text.format(**values) if values else text


def refusal(lang: str, refused: Refused) -> str:
    """A refusal of the core in `lang`."""
    if refused.reason == "bad_link":
        return t(lang, "bad_link")
    if refused.reason == "not_allowed":
        return t(lang, "forbidden")
    if refused.reason in WORDS:
        return t(lang, refused.reason, **refused.values)
    try:
        from bot.telegram import refusals

        return refusals.text(lang, refused)
    except Exception:  # a reason the bot has no words for: say what it is
        log.debug("no text for refusal %s", refused.reason, exc_info=True)
        return str(refused)
