"""Move detectors, FR and EN: what a sentence does, not how it looks."""

from __future__ import annotations

import pytest

from scenarios.moves import Move, MoveHit, detect, detect_moves

M = Move

# (lang, move, text): the move must be detected somewhere in the text.
DETECTED = [
    # --- open questions ---
    ("fr", M.open_question, "Quel est votre budget pour cette année ?"),
    ("fr", M.open_question, "Comment gérez-vous vos pics de commandes en été ?"),
    ("fr", M.open_question, "Pourquoi avez-vous changé de fournisseur l'an dernier ?"),
    ("fr", M.open_question, "Qu'est-ce qui compte le plus pour vous dans ce projet ?"),
    ("fr", M.open_question, "Dans quelle mesure ce retard a-t-il pesé sur vos ventes ?"),
    ("fr", M.open_question, "Combien de références gérez-vous aujourd'hui ?"),
    ("fr", M.open_question, "Pourriez-vous m'expliquer comment se passe la réception des palettes ?"),
    ("fr", M.open_question, "Pouvez-vous me décrire votre processus de validation ?"),
    ("fr", M.open_question, "Parlez-moi de vos contraintes logistiques."),
    ("fr", M.open_question, "Et vous, qui décide au final ?"),
    ("fr", M.open_question, "Que pensez-vous de l'organisation actuelle ?"),
    ("fr", M.open_question, "Vous livrez où exactement ?"),
    ("fr", M.open_question, "J'aimerais comprendre ce qui s'est passé le jour de la livraison."),
    ("fr", M.open_question, "QUELLES SONT VOS PRIORITÉS ?"),
    ("fr", M.open_question, "Qu’est-ce que vous attendez de nous ?"),
    ("en", M.open_question, "What are your main priorities this year?"),
    ("en", M.open_question, "How do you handle peaks in demand?"),
    ("en", M.open_question, "Why did you switch suppliers last year?"),
    ("en", M.open_question, "Could you walk me through your approval process?"),
    ("en", M.open_question, "Tell me about your logistics constraints."),
    ("en", M.open_question, "Which criteria matter most to your board?"),
    ("en", M.open_question, "To what extent did the delay affect your sales?"),
    ("en", M.open_question, "And who makes the final decision?"),
    ("en", M.open_question, "I'd like to understand what happened on the day of delivery."),
    # --- closed questions ---
    ("fr", M.closed_question, "Avez-vous un budget validé ?"),
    ("fr", M.closed_question, "Est-ce que vous travaillez déjà avec un autre fournisseur ?"),
    ("fr", M.closed_question, "Vous avez un budget ?"),
    ("fr", M.closed_question, "Pouvez-vous me dire si la date est ferme ?"),
    ("fr", M.closed_question, "Dites-moi, vous avez un budget ?"),
    ("fr", M.closed_question, "Est ce que la date de livraison est ferme"),
    ("en", M.closed_question, "Do you have a budget for this?"),
    ("en", M.closed_question, "Is it possible to deliver on Monday?"),
    ("en", M.closed_question, "Can you confirm the quantities?"),
    ("en", M.closed_question, "You have a budget?"),
    ("en", M.closed_question, "Have you already signed with another supplier"),
    # --- leading questions ---
    ("fr", M.leading_question, "C'est trop cher pour vous, n'est-ce pas ?"),
    ("fr", M.leading_question, "Vous êtes d'accord que notre offre est la meilleure ?"),
    ("fr", M.leading_question, "Vous ne pensez pas que ce serait plus simple de signer aujourd'hui ?"),
    ("fr", M.leading_question, "Ne pensez-vous pas qu'il est temps de changer ?"),
    ("fr", M.leading_question, "Vous voulez forcément réduire vos coûts ?"),
    ("fr", M.leading_question, "Qui ne voudrait pas économiser sur ses achats ?"),
    ("fr", M.leading_question, "C'est mieux pour tout le monde, non ?"),
    ("fr", M.leading_question, "Vous conviendrez que notre délai est imbattable."),
    ("en", M.leading_question, "Don't you think it's time to modernise?"),
    ("en", M.leading_question, "Wouldn't you agree that our offer is the best on the market?"),
    ("en", M.leading_question, "Isn't it true that your current supplier is always late?"),
    ("en", M.leading_question, "Surely you want to cut your costs?"),
    ("en", M.leading_question, "That's too expensive for you, right?"),
    ("en", M.leading_question, "You don't want to lose more customers, do you?"),
    ("en", M.leading_question, "Wouldn't it be better to sign today?"),
    # --- reformulation ---
    ("fr", M.reformulation, "Si je vous comprends bien, le délai compte plus que le prix."),
    ("fr", M.reformulation, "Autrement dit, vous avez besoin d'une solution avant l'été."),
    ("fr", M.reformulation, "Vous voulez dire que la qualité n'est pas en cause ?"),
    ("fr", M.reformulation, "Ce que j'entends, c'est que vos équipes sont débordées."),
    ("fr", M.reformulation, "Si j'ai bien compris, le problème vient des joints."),
    ("fr", M.reformulation, "Donc, pour vous, la priorité c'est la continuité de service, c'est bien ça ?"),
    ("en", M.reformulation, "If I understand you correctly, the deadline matters more than the price."),
    ("en", M.reformulation, "So what you're saying is that quality isn't the issue."),
    ("en", M.reformulation, "In other words, you need a solution before the summer."),
    ("en", M.reformulation, "Let me rephrase: your team is overloaded."),
    ("en", M.reformulation, "So, for you, continuity comes first. Is that right?"),
    # --- summary ---
    ("fr", M.summary, "Pour résumer, nous livrons en deux fois et vous payez à 45 jours."),
    ("fr", M.summary, "En résumé : un pilote sur trois magasins, puis un bilan."),
    ("fr", M.summary, "Récapitulons les points validés."),
    ("fr", M.summary, "Nous sommes donc d'accord sur le calendrier et le volume."),
    ("en", M.summary, "To sum up, we deliver in two batches and you pay at 45 days."),
    ("en", M.summary, "To recap, we start with a pilot in three stores."),
    ("en", M.summary, "So we agree on the schedule and the volume."),
    ("en", M.summary, "Let me summarise what we have decided."),
    # --- quantified argument ---
    (
        "fr",
        M.quantified_argument,
        "Nos clients réduisent leurs coûts logistiques de 15 % dès la première année.",
    ),
    ("fr", M.quantified_argument, "Le retour sur investissement est atteint en 8 mois."),
    ("fr", M.quantified_argument, "Cela représente une économie de 12 k€ par an."),
    ("fr", M.quantified_argument, "Nous livrons sous 48 h partout en France."),
    ("fr", M.quantified_argument, "La machine produit 3 fois plus de pièces que l'ancienne."),
    ("fr", M.quantified_argument, "Le taux de casse est passé de 4 à 1 pour cent."),
    ("fr", M.quantified_argument, "Le résultat ? 15 % d'économies sur vos frais de transport."),
    ("fr", M.quantified_argument, "Saviez-vous que nos clients gagnent 20 % de productivité ?"),
    ("fr", M.quantified_argument, "Cela vous fera gagner 2 000 euros dès le premier trimestre."),
    ("fr", M.quantified_argument, "Nous équipons déjà 300 magasins en Europe."),
    ("en", M.quantified_argument, "Our clients cut their logistics costs by 15% in the first year."),
    ("en", M.quantified_argument, "Payback is reached within 8 months."),
    ("en", M.quantified_argument, "That's a saving of €12,000 a year."),
    ("en", M.quantified_argument, "We deliver within 48 hours anywhere in France."),
    ("en", M.quantified_argument, "The new line is twice as fast as the old one."),
    ("en", M.quantified_argument, "Each operator saves 3 minutes per order."),
    ("en", M.quantified_argument, "The result? A 15% drop in transport costs."),
    # --- conditional concession ---
    (
        "fr",
        M.conditional_concession,
        "Si vous vous engagez sur trois ans, nous pouvons baisser le prix de 4 %.",
    ),
    (
        "fr",
        M.conditional_concession,
        "Nous pouvons aller à 60 jours à condition que vous doubliez les volumes.",
    ),
    ("fr", M.conditional_concession, "En contrepartie, j'ai besoin d'un engagement sur deux ans."),
    ("fr", M.conditional_concession, "Je peux faire un geste en échange d'une commande ferme avant juin."),
    ("fr", M.conditional_concession, "Si vous signez avant vendredi, alors je vous accorde 3 %."),
    (
        "fr",
        M.conditional_concession,
        "Je peux descendre à 5 %. En contrepartie, vous passez commande ce mois-ci.",
    ),
    ("fr", M.conditional_concession, "Si vous vous engagiez sur deux ans, nous pourrions revoir le tarif."),
    ("en", M.conditional_concession, "If you commit to three years, we can lower the price by 4%."),
    ("en", M.conditional_concession, "We can go to 60 days provided that you double the volumes."),
    ("en", M.conditional_concession, "In exchange for a firm order, I'll add free delivery."),
    ("en", M.conditional_concession, "We could consider it on condition that you sign this quarter."),
    (
        "en",
        M.conditional_concession,
        "If you're able to commit to 500 units, then we'll extend the warranty.",
    ),
    ("en", M.conditional_concession, "I can give you 5%. In return, I need a two-year commitment."),
    # --- unconditional concession ---
    ("fr", M.unconditional_concession, "Je vous accorde une remise de 5 %."),
    ("fr", M.unconditional_concession, "Bon, on peut baisser le prix."),
    ("fr", M.unconditional_concession, "D'accord pour 90 jours."),
    ("fr", M.unconditional_concession, "Nous acceptons vos conditions."),
    ("fr", M.unconditional_concession, "Je vous fais un geste commercial de 10 %."),
    ("fr", M.unconditional_concession, "Nous allons prendre en charge les frais de transport."),
    ("fr", M.unconditional_concession, "Je vous accorde 3 % sans contrepartie."),
    ("fr", M.unconditional_concession, "Si vous le souhaitez, nous pouvons baisser le prix."),
    ("en", M.unconditional_concession, "We'll lower the price."),
    ("en", M.unconditional_concession, "OK, we accept your terms."),
    ("en", M.unconditional_concession, "We can give you a 10% discount."),
    ("en", M.unconditional_concession, "Fine, we can extend the payment terms to 90 days."),
    ("en", M.unconditional_concession, "Agreed."),
    ("en", M.unconditional_concession, "We'll cover the shipping costs."),
    # --- empathy ---
    ("fr", M.empathy, "Je comprends votre inquiétude."),
    ("fr", M.empathy, "Je comprends que ce soit frustrant pour vos équipes."),
    ("fr", M.empathy, "Vous avez raison de soulever ce point."),
    ("fr", M.empathy, "Je suis sincèrement désolé pour ce retard."),
    ("fr", M.empathy, "Cela doit être vraiment pénible pour vos clients."),
    ("fr", M.empathy, "Je mesure l'impact que cela a eu sur votre activité."),
    ("fr", M.empathy, "Votre inquiétude est tout à fait légitime."),
    ("fr", M.empathy, "Je sais que ce changement n'est pas facile pour vous."),
    ("en", M.empathy, "I understand your concern."),
    ("en", M.empathy, "I hear you."),
    ("en", M.empathy, "That must be frustrating for your team."),
    ("en", M.empathy, "I'm sorry for the inconvenience."),
    ("en", M.empathy, "You're right to raise this point."),
    ("en", M.empathy, "I realise this change is not easy for you."),
    ("en", M.empathy, "Your concern is completely legitimate."),
    # --- proposal ---
    ("fr", M.proposal, "Je vous propose une livraison en deux fois."),
    ("fr", M.proposal, "Nous proposons un pilote sur trois sites."),
    ("fr", M.proposal, "Ce que je suggère, c'est de commencer par un audit."),
    ("fr", M.proposal, "Notre offre comprend l'installation et la formation."),
    ("fr", M.proposal, "Pourquoi ne pas tester sur un seul entrepôt ?"),
    ("fr", M.proposal, "Que diriez-vous d'un pilote de trois mois ?"),
    ("en", M.proposal, "I propose a delivery in two batches."),
    ("en", M.proposal, "I suggest we start with an audit."),
    ("en", M.proposal, "We can offer on-site training for your staff."),
    ("en", M.proposal, "What I'd recommend is a three-month pilot."),
    ("en", M.proposal, "How about a pilot in one warehouse?"),
    # --- regulation reference ---
    ("fr", M.regulation_reference, "Le contrat prévoit une pénalité en cas de retard."),
    ("fr", M.regulation_reference, "La clause 7 encadre les délais."),
    ("fr", M.regulation_reference, "Nos CGV sont claires sur ce point."),
    ("fr", M.regulation_reference, "Le Code de commerce plafonne les délais de paiement à 60 jours."),
    ("fr", M.regulation_reference, "La LME nous l'interdit."),
    ("fr", M.regulation_reference, "Nous devons respecter le RGPD pour vos données clients."),
    ("fr", M.regulation_reference, "Le CSE sera consulté avant toute réorganisation."),
    ("fr", M.regulation_reference, "Vous bénéficiez de la garantie légale de conformité."),
    ("fr", M.regulation_reference, "Des pénalités contractuelles s'appliquent au-delà de 5 jours."),
    ("en", M.regulation_reference, "The contract provides for a penalty in case of delay."),
    ("en", M.regulation_reference, "Clause 7 covers delivery times."),
    ("en", M.regulation_reference, "Our terms and conditions are clear on this."),
    ("en", M.regulation_reference, "The law caps payment terms at 60 days."),
    ("en", M.regulation_reference, "We have to comply with GDPR."),
    ("en", M.regulation_reference, "The warranty covers parts and labour."),
    # --- next step ---
    ("fr", M.next_step, "Prochaine étape : une visite de votre entrepôt."),
    ("fr", M.next_step, "Je vous envoie la proposition d'ici vendredi."),
    ("fr", M.next_step, "On se revoit le 12 pour valider le planning."),
    ("fr", M.next_step, "Je vous propose un point dans deux semaines."),
    ("fr", M.next_step, "Fixons un rendez-vous la semaine prochaine."),
    ("fr", M.next_step, "Je reviens vers vous demain avec les chiffres."),
    ("en", M.next_step, "The next step is a visit to your warehouse."),
    ("en", M.next_step, "I'll send you the proposal by Friday."),
    ("en", M.next_step, "Let's meet on Tuesday to validate the plan."),
    ("en", M.next_step, "Shall we schedule a follow-up call?"),
    ("en", M.next_step, "We'll get back to you tomorrow with the figures."),
    # --- feedback request ---
    ("fr", M.feedback_request, "Qu'en pensez-vous ?"),
    ("fr", M.feedback_request, "Est-ce clair pour vous ?"),
    ("fr", M.feedback_request, "Cela vous convient-il ?"),
    ("fr", M.feedback_request, "Avez-vous des questions ?"),
    ("fr", M.feedback_request, "Comment le voyez-vous ?"),
    ("fr", M.feedback_request, "Ça vous va ?"),
    ("fr", M.feedback_request, "Dites-moi ce que vous en pensez."),
    ("en", M.feedback_request, "Is that clear?"),
    ("en", M.feedback_request, "Does that make sense?"),
    ("en", M.feedback_request, "What do you think?"),
    ("en", M.feedback_request, "How does that sound?"),
    ("en", M.feedback_request, "Any questions?"),
    ("en", M.feedback_request, "Would that work for you?"),
    # --- blame ---
    ("fr", M.blame, "C'est de votre faute."),
    ("fr", M.blame, "Vous n'avez pas respecté les consignes de pose."),
    ("fr", M.blame, "Vos équipes se sont trompées dans la commande."),
    ("fr", M.blame, "Si vous aviez lu le contrat, vous le sauriez."),
    ("fr", M.blame, "Vous auriez dû nous prévenir plus tôt."),
    ("fr", M.blame, "Ce n'est pas notre faute, le problème vient de votre entrepôt."),
    ("fr", M.blame, "C'est pas notre problème."),
    ("en", M.blame, "It's your fault."),
    ("en", M.blame, "Your team failed to follow the instructions."),
    ("en", M.blame, "You should have read the contract."),
    ("en", M.blame, "If you had read the manual, this wouldn't have happened."),
    ("en", M.blame, "That's not our problem."),
    # --- imposition ---
    ("fr", M.imposition, "C'est comme ça."),
    ("fr", M.imposition, "Vous n'avez pas le choix."),
    ("fr", M.imposition, "C'est décidé, point final."),
    ("fr", M.imposition, "La direction l'a décidé, il faut appliquer."),
    ("fr", M.imposition, "Ce n'est pas négociable."),
    ("fr", M.imposition, "Vous allez vous adapter, que ça vous plaise ou non."),
    ("en", M.imposition, "That's not up for discussion."),
    ("en", M.imposition, "You have no choice."),
    ("en", M.imposition, "It's been decided, full stop."),
    ("en", M.imposition, "You will do it."),
    ("en", M.imposition, "Management has decided and you must apply it."),
    # --- a manager says "tu" to a team member ---
    ("fr", M.reformulation, "Si je te comprends bien, tu as peur de perdre tes clients."),
    ("fr", M.empathy, "Tu as raison, on aurait dû te consulter avant."),
    ("fr", M.open_question, "Comment vois-tu ton rôle dans la nouvelle équipe ?"),
    ("fr", M.feedback_request, "T'en penses quoi ?"),
    ("fr", M.imposition, "Tu n'as pas le choix, tu t'y feras."),
    ("fr", M.blame, "Tu aurais dû lire le mail."),
    ("fr", M.open_question, "Parle-moi de ton portefeuille."),
    # --- more tricky ones ---
    ("fr", M.open_question, "Quel est votre budget ? Car je dois dimensionner l'offre."),
    ("fr", M.conditional_concession, "Je ne peux pas vous l'accorder sans contrepartie."),
    ("fr", M.conditional_concession, "Moins 3 % contre un engagement de deux ans."),
    (
        "fr",
        M.conditional_concession,
        "Nous ne pouvons pas baisser le prix, sauf si vous augmentez les volumes.",
    ),
    ("en", M.conditional_concession, "If Castelnau orders full trucks, then we can offer the French price."),
    ("en", M.conditional_concession, "We can't lower the price unless you increase volumes."),
    ("fr", M.conditional_concession, "Si vous vous engagez sur 24 mois, nous limitons la hausse à 3 %."),
    ("en", M.conditional_concession, "If you commit to 24 months, we limit the increase to 3%."),
    ("fr", M.unconditional_concession, "C'est entendu, nous passons à 90 jours fin de mois."),
    ("fr", M.unconditional_concession, "Et d'accord pour un paiement à 120 jours, pas de problème."),
    ("en", M.unconditional_concession, "We'll also add a tiered year-end rebate."),
    ("en", M.unconditional_concession, "But okay, we'll grant you the extra 2% if it helps."),
    ("en", M.unconditional_concession, "And fine, 120 days payment, no problem."),
    ("en", M.leading_question, "Nothing has changed on line 2 since December, has it?"),
    ("en", M.leading_question, "Why don't you sign today?"),
    ("fr", M.leading_question, "Pourquoi ne signez-vous pas aujourd'hui ?"),
    ("fr", M.leading_question, "Vous voulez économiser, je suppose ?"),
    ("fr", M.leading_question, "Vous n'allez quand même pas refuser une telle offre ?"),
    ("fr", M.imposition, "Le stress fait partie du job, il faudra t'y faire."),
    ("fr", M.imposition, "Vous n'avez qu'à vous organiser pour le covoiturage."),
    ("en", M.imposition, "Stress is part of the job, so stop complaining."),
    ("en", M.imposition, "This is the best deal you'll get, take it or leave it."),
    ("fr", M.next_step, "Je vous confirme par écrit ce soir."),
    ("fr", M.blame, "Un technicien viendra constater les erreurs de vos opérateurs."),
    ("fr", M.quantified_argument, "Nos concurrents sont 20 % plus chers."),
    ("fr", M.quantified_argument, "Avec l'abonnement, la marge brute passe à 46 % contre 38 %."),
    (
        "en",
        M.quantified_argument,
        "Our delivery time is 48 hours, compared with 5 days for your current supplier.",
    ),
    ("en", M.empathy, "I know the last delivery was a real problem for your stores."),
]

# (lang, move, text): the move must NOT be detected anywhere in the text.
NOT_DETECTED = [
    # --- questions: a leading question is not open; statements are not questions ---
    ("fr", M.open_question, "C'est trop cher pour vous, n'est-ce pas ?"),
    ("fr", M.open_question, "Pourquoi ne pas tester sur un seul site ?"),
    ("fr", M.open_question, "C'est pourquoi nous livrons en deux fois."),
    ("fr", M.open_question, "Avez-vous un budget validé ?"),
    ("fr", M.open_question, "Pourquoi nos clients nous choisissent-ils ? Parce que nous livrons en 24 h."),
    ("en", M.open_question, "Don't you think it's time to modernise?"),
    ("en", M.open_question, "That's why we deliver in two batches."),
    ("en", M.open_question, "Do you have a budget for this?"),
    ("en", M.open_question, "So what you're saying is that quality isn't the issue?"),
    ("en", M.open_question, "How about a pilot in one warehouse?"),
    ("fr", M.closed_question, "Quel est votre budget ?"),
    ("fr", M.closed_question, "Nous livrons en 48 heures."),
    ("fr", M.closed_question, "Le résultat ? 15 % d'économies sur vos frais."),
    ("fr", M.closed_question, "Vous ne pensez pas que ce serait plus simple ?"),
    ("fr", M.closed_question, "Rassurez-vous, nous tenons nos délais."),
    ("en", M.closed_question, "What is your budget?"),
    ("en", M.closed_question, "The result? A 15% drop in costs."),
    ("en", M.closed_question, "Isn't it true that your supplier is always late?"),
    ("fr", M.leading_question, "Quel est votre budget ?"),
    ("fr", M.leading_question, "Avez-vous des questions ?"),
    ("fr", M.leading_question, "Êtes-vous d'accord avec ce calendrier ?"),
    ("en", M.leading_question, "What do you think?"),
    ("en", M.leading_question, "Do you agree with this schedule?"),
    ("en", M.leading_question, "So your budget is 50k, is that right?"),
    # --- reformulation / summary ---
    ("fr", M.reformulation, "Je ne comprends pas bien votre demande."),
    ("fr", M.reformulation, "Nous livrons en deux fois."),
    ("en", M.reformulation, "I don't understand your request."),
    ("en", M.reformulation, "What do you mean?"),
    ("fr", M.summary, "Nous ne sommes pas d'accord sur le prix."),
    ("fr", M.summary, "Je vous propose une remise."),
    ("en", M.summary, "We deliver in two batches."),
    # --- quantified argument: dates, phones, times, bare numbers, questions ---
    ("fr", M.quantified_argument, "Appelez-moi au 06 12 34 56 78."),
    ("fr", M.quantified_argument, "Nous nous sommes vus le 12 mars 2024."),
    ("fr", M.quantified_argument, "Je vous rappelle à 14 h."),
    ("fr", M.quantified_argument, "Je vous propose un point dans deux semaines."),
    ("fr", M.quantified_argument, "Accordez-moi 2 minutes de votre temps."),
    ("fr", M.quantified_argument, "Il y a 3 mois, vous aviez commandé."),
    ("fr", M.quantified_argument, "Voyons l'article L441-10 du Code de commerce."),
    ("fr", M.quantified_argument, "Quel est votre budget, 50 k€ ?"),
    ("fr", M.quantified_argument, "Vous ne voulez pas économiser 15 % ?"),
    ("fr", M.quantified_argument, "Je vous accorde une remise de 5 %."),
    ("fr", M.quantified_argument, "Nous travaillons ensemble depuis 2019."),
    ("fr", M.quantified_argument, "J'ai deux points à aborder."),
    ("en", M.quantified_argument, "Call me on 555-123-4567."),
    ("en", M.quantified_argument, "We met on March 12, 2024."),
    ("en", M.quantified_argument, "Give me 2 minutes of your time."),
    ("en", M.quantified_argument, "Let's meet at 3 pm."),
    ("en", M.quantified_argument, "I'll send it in two weeks."),
    ("en", M.quantified_argument, "Do you pay 12 euros per unit today?"),
    ("en", M.quantified_argument, "Three months ago, you placed an order."),
    # --- conditional concession ---
    ("fr", M.conditional_concession, "Si vous avez des questions, n'hésitez pas."),
    ("fr", M.conditional_concession, "Si vous avez des questions, je peux vous rappeler demain."),
    ("fr", M.conditional_concession, "Je me demande si vous avez bien reçu notre offre."),
    ("fr", M.conditional_concession, "Je vous accorde une remise de 5 %."),
    ("fr", M.conditional_concession, "Je vous accorde 3 % sans contrepartie."),
    ("fr", M.conditional_concession, "Si vous aviez lu le contrat, vous le sauriez."),
    ("fr", M.conditional_concession, "Si vous le souhaitez, nous pouvons baisser le prix."),
    ("fr", M.conditional_concession, "Même si vous signez, nous ne pourrons pas livrer avant mai."),
    ("fr", M.conditional_concession, "Si vous avez des questions, nous répondrons volontiers."),
    ("fr", M.conditional_concession, "Si vous regardez nos résultats, nous progressons de 10 % par an."),
    ("en", M.conditional_concession, "If you have any questions, I'll be happy to help."),
    ("en", M.conditional_concession, "I wonder if you could send me the figures."),
    ("en", M.conditional_concession, "Let me know if you need anything, we can talk."),
    ("en", M.conditional_concession, "We'll lower the price."),
    ("en", M.conditional_concession, "If you're interested, I can send a brochure."),
    # --- unconditional concession: a conditional one is not unconditional; refusals are not concessions ---
    (
        "fr",
        M.unconditional_concession,
        "Si vous vous engagez sur trois ans, nous pouvons baisser le prix de 4 %.",
    ),
    (
        "fr",
        M.unconditional_concession,
        "Je peux descendre à 5 %. En contrepartie, vous passez commande ce mois-ci.",
    ),
    ("fr", M.unconditional_concession, "Nous ne pouvons pas baisser le prix."),
    ("fr", M.unconditional_concession, "Je ne peux pas vous accorder de remise supplémentaire."),
    ("fr", M.unconditional_concession, "Notre solution réduit vos coûts de 15 %."),
    ("fr", M.unconditional_concession, "D'accord, et comment gérez-vous les retours ?"),
    ("fr", M.unconditional_concession, "Je vous l'accorde, le délai était trop long."),
    ("fr", M.unconditional_concession, "Je vous fais parvenir le devis demain."),
    ("en", M.unconditional_concession, "If you commit to three years, we can lower the price by 4%."),
    ("en", M.unconditional_concession, "We can't lower the price."),
    ("en", M.unconditional_concession, "Our solution reduces your costs by 15%."),
    ("en", M.unconditional_concession, "I can give you 5%. In return, I need a two-year commitment."),
    # --- empathy: negations are not empathy ---
    ("fr", M.empathy, "Je ne comprends pas pourquoi vous insistez."),
    ("fr", M.empathy, "Je comprends pas votre réaction."),
    ("fr", M.empathy, "Si je vous comprends bien, le délai compte plus."),
    ("fr", M.empathy, "Vous n'avez pas raison sur ce point."),
    ("fr", M.empathy, "Nous livrons en 48 heures."),
    ("en", M.empathy, "I don't understand why you did that."),
    ("en", M.empathy, "If I understand you correctly, the deadline matters more."),
    ("en", M.empathy, "Sorry, could you repeat that?"),
    ("en", M.empathy, "I'm not sorry about that decision."),
    # --- proposal ---
    ("fr", M.proposal, "Je ne vous propose pas de remise."),
    ("fr", M.proposal, "Je ne propose pas de changer le planning."),
    ("fr", M.proposal, "Quel est votre budget ?"),
    ("en", M.proposal, "I'm not proposing a discount."),
    ("en", M.proposal, "I don't suggest changing the plan."),
    ("en", M.proposal, "What is your budget?"),
    # --- regulation ---
    ("fr", M.regulation_reference, "Nous livrons en 48 heures."),
    ("fr", M.regulation_reference, "Je vous garantis une qualité constante."),
    ("fr", M.regulation_reference, "Vos délais de paiement sont de 45 jours."),
    ("en", M.regulation_reference, "We deliver within 48 hours."),
    ("en", M.regulation_reference, "I guarantee consistent quality."),
    # --- next step ---
    ("fr", M.next_step, "Je vous ai envoyé la proposition la semaine dernière."),
    ("fr", M.next_step, "Je ne vous enverrai pas de nouvelle offre."),
    ("fr", M.next_step, "Je vous rappelle que le contrat prévoit des pénalités."),
    ("en", M.next_step, "I sent you the proposal last week."),
    ("en", M.next_step, "We can cut costs by 20%."),
    ("en", M.next_step, "I won't send you another offer."),
    # --- feedback request ---
    ("fr", M.feedback_request, "Si vous avez des questions, n'hésitez pas."),
    ("fr", M.feedback_request, "C'est clair, non ?"),
    ("fr", M.feedback_request, "Nous livrons en 48 heures."),
    ("en", M.feedback_request, "I know what you think."),
    ("en", M.feedback_request, "It's clear, isn't it?"),
    # --- blame: negations and disclaimers are not blame ---
    ("fr", M.blame, "Ce n'est pas de votre faute."),
    ("fr", M.blame, "C'est pas votre faute."),
    ("fr", M.blame, "Je ne dis pas que c'est votre faute."),
    ("fr", M.blame, "Vous avez raison de soulever ce point."),
    ("fr", M.blame, "Si vous avez des questions, n'hésitez pas."),
    ("en", M.blame, "It's not your fault."),
    ("en", M.blame, "I'm not saying it's your fault."),
    ("en", M.blame, "Your team did a great job."),
    # --- imposition ---
    ("fr", M.imposition, "C'est comme ça que nous avons réduit les délais de 20 %."),
    ("fr", M.imposition, "Vous avez le choix entre deux options."),
    ("fr", M.imposition, "Rien n'est décidé, je veux votre avis."),
    ("fr", M.imposition, "La direction a décidé de nous consulter avant de trancher."),
    ("en", M.imposition, "You have a choice between two options."),
    ("en", M.imposition, "Nothing has been finalised yet; I want your input."),
    ("en", M.imposition, "The trial period lasts three months."),
    # --- figures listed are not arguments; a refusal is not a concession; "tu" does not confuse ---
    (
        "en",
        M.quantified_argument,
        "We have 11,000 customers, 52% of our sales are key accounts and they order 6.2 times a year.",
    ),
    (
        "en",
        M.quantified_argument,
        "So in total that is 2.4 million euros, 24 months, 46% gross margin and 34 months.",
    ),
    ("fr", M.quantified_argument, "Le marché pèse 2 milliards d'euros et nous avons 250 salariés."),
    ("fr", M.quantified_argument, "Le prix catalogue est de 45 € par unité."),
    ("fr", M.unconditional_concession, "Je ne peux pas vous l'accorder sans contrepartie."),
    ("fr", M.next_step, "À condition de recevoir votre commande avant le 30, nous maintenons le prix."),
    ("fr", M.empathy, "Si je te comprends bien, tu veux changer d'équipe."),
    ("fr", M.leading_question, "Vous avez des questions ou non ?"),
    ("en", M.open_question, "Could you tell me if the date is fixed?"),
    ("en", M.open_question, "Tell me, do you have a budget?"),
    ("en", M.unconditional_concession, "We cut delivery times by half."),
    ("en", M.unconditional_concession, "I can give you 3 references."),
    ("fr", M.unconditional_concession, "Nous pouvons réduire vos coûts de 30 %."),
]


@pytest.mark.parametrize(("lang", "move", "text"), DETECTED, ids=lambda v: str(v)[:50])
def test_detected(lang: str, move: Move, text: str) -> None:
    assert move in detect_moves(text, lang), sorted(detect_moves(text, lang))


@pytest.mark.parametrize(("lang", "move", "text"), NOT_DETECTED, ids=lambda v: str(v)[:50])
def test_not_detected(lang: str, move: Move, text: str) -> None:
    assert move not in detect_moves(text, lang), sorted(detect_moves(text, lang))


def test_every_move_is_covered_both_ways_in_both_languages() -> None:
    for cases in (DETECTED, NOT_DETECTED):
        for lang in ("fr", "en"):
            assert {move for case_lang, move, _ in cases if case_lang == lang} == set(Move)


# --- moves that exclude each other in the same sentence ---

EXCLUSIVE = [
    (
        "fr",
        "C'est trop cher pour vous, n'est-ce pas ?",
        M.leading_question,
        {M.open_question, M.closed_question},
    ),
    ("en", "Don't you think our price is fair?", M.leading_question, {M.open_question, M.closed_question}),
    (
        "fr",
        "Si vous vous engagez sur trois ans, nous pouvons baisser le prix de 4 %.",
        M.conditional_concession,
        {M.unconditional_concession, M.quantified_argument},
    ),
    (
        "en",
        "Provided that you commit to three years, we'll drop the price by 4%.",
        M.conditional_concession,
        {M.unconditional_concession},
    ),
    ("fr", "Je vous accorde une remise de 5 %.", M.unconditional_concession, {M.conditional_concession}),
    ("en", "We can give you a 10% discount.", M.unconditional_concession, {M.conditional_concession}),
]


@pytest.mark.parametrize(("lang", "text", "present", "absent"), EXCLUSIVE, ids=lambda v: str(v)[:40])
def test_exclusive_moves(lang: str, text: str, present: Move, absent: set[Move]) -> None:
    moves = detect_moves(text, lang)
    assert present in moves
    assert not moves & absent


def test_feedback_request_may_also_be_a_question() -> None:
    assert {M.feedback_request, M.open_question} <= detect_moves("Qu'en pensez-vous ?", "fr")
    assert {M.feedback_request, M.closed_question} <= detect_moves("Is that clear?", "en")


def test_a_turn_holds_several_moves() -> None:
    text = (
        "Je comprends votre inquiétude sur les délais. Si vous vous engagez sur deux ans, nous pouvons "
        "passer à 45 jours. Qu'en pensez-vous ?"
    )
    assert {M.empathy, M.conditional_concession, M.feedback_request, M.open_question} <= detect_moves(
        text, "fr"
    )


def test_weak_and_strong_turns_differ_by_what_they_do() -> None:
    weak = (
        "Vous êtes d'accord que notre offre est la meilleure ? Bon, je vous accorde 8 % de remise. "
        "Et si vous aviez lu le contrat, vous sauriez que c'est votre faute."
    )
    strong = (
        "Qu'est-ce qui pèse le plus dans votre décision ? Si vous vous engagez sur 2 ans, je peux aller "
        "à 4 %. Je vous envoie la proposition d'ici vendredi."
    )
    weak_moves, strong_moves = detect_moves(weak, "fr"), detect_moves(strong, "fr")
    assert weak_moves >= {M.leading_question, M.unconditional_concession, M.blame}
    assert not weak_moves & {M.open_question, M.conditional_concession}
    assert strong_moves >= {M.open_question, M.conditional_concession, M.next_step}
    assert not strong_moves & {M.leading_question, M.unconditional_concession, M.blame}


# --- hits quote the candidate's exact words ---

QUOTED = [
    ("fr", "Bonjour M. Dupont. Quel est votre budget ? Nous livrons en 48 h, etc. et sans frais."),
    ("fr", "Le taux passe de 3.5 % à 2,1 %. Qu’en pensez-vous ?"),
    ("en", "Hello Mr. Smith!  What is your budget?\nWe deliver in 48 hours; i.e. two days."),
    ("fr", "  - Je comprends votre inquiétude…\n- Si vous signez, nous pouvons aller à 45 jours.  "),
    ("en", "I hear you. If you commit to 3 years, we'll cut 5%. Any questions?"),
]


@pytest.mark.parametrize(("lang", "text"), QUOTED, ids=lambda v: str(v)[:40])
def test_hits_quote_exact_substrings(lang: str, text: str) -> None:
    hits = detect(text, lang)
    assert hits
    for hit in hits:
        assert isinstance(hit, MoveHit)
        assert hit.sentence == text[hit.start : hit.end]
        assert hit.sentence == hit.sentence.strip()


def _sentences(text: str, lang: str) -> list[str]:
    return list(dict.fromkeys(hit.sentence for hit in detect(text, lang)))


def test_sentences_are_not_split_on_decimals_titles_or_etc() -> None:
    text = "Bonjour M. Dupont, quel est votre budget ? Le taux de 3.5 % baisse, etc. et vos coûts aussi."
    assert _sentences(text, "fr") == [
        "Bonjour M. Dupont, quel est votre budget ?",
        "Le taux de 3.5 % baisse, etc. et vos coûts aussi.",
    ]


def test_sentences_split_on_question_marks_semicolons_and_newlines() -> None:
    text = "Quel est votre budget ?Vous avez un budget ?\nJe comprends votre inquiétude; je vous propose un pilote"
    hits = detect(text, "fr")
    by_move = {hit.move: hit.sentence for hit in hits}
    assert by_move[M.empathy] == "Je comprends votre inquiétude;"
    assert by_move[M.proposal] == "je vous propose un pilote"
    assert by_move[M.closed_question] == "Vous avez un budget ?"


def test_each_sentence_gets_its_own_hit() -> None:
    text = "Quel est votre budget ? Et quels sont vos délais ?"
    hits = [hit for hit in detect(text, "fr") if hit.move is M.open_question]
    assert [hit.sentence for hit in hits] == ["Quel est votre budget ?", "Et quels sont vos délais ?"]
    assert hits[1].start == text.index("Et quels")


def test_accents_case_and_apostrophes_do_not_matter() -> None:
    for text in ("QU'EN PENSEZ-VOUS ?", "Qu’en pensez-vous ?", "qu'en pensez vous ?", "Qu'en pensez-vous?"):
        assert M.feedback_request in detect_moves(text, "fr"), text
    assert M.summary in detect_moves("RECAPITULONS.", "fr")
    assert M.empathy in detect_moves("Je comprends votre inquietude.", "fr")


def test_language_codes_with_region_and_unknown_language() -> None:
    assert M.empathy in detect_moves("Je comprends votre inquiétude.", "fr-FR")
    assert M.empathy in detect_moves("I understand your concern.", "en_GB")
    assert M.empathy in detect_moves("I understand your concern.", "")


def test_empty_and_punctuation_only_text() -> None:
    assert detect("", "fr") == []
    assert detect("   \n ... ?!", "en") == []
    assert detect_moves("", "en") == set()


def test_a_sentence_plainly_in_the_other_language_is_read_in_that_language() -> None:
    # the exam switches language mid-session; the session's language is only a hint
    text = "Merci. Thank you, Mark. How are the Belgian and Spanish stores supplied today?"
    assert M.open_question in detect_moves(text, "fr")
    french = "Je comprends votre inquiétude et je vous propose un point la semaine prochaine."
    assert {M.empathy, M.proposal, M.next_step} <= detect_moves(french, "en")


def test_short_sentences_keep_the_declared_language() -> None:
    assert detect_moves("Je comprends.", "en") == set()
    assert detect_moves("I understand.", "fr") == set()


def test_figures_that_argue_versus_figures_listed() -> None:
    listed = (
        "Orvalis was founded in 1962, we have 540 employees and 2 plants. The subscription includes 4 products, "
        "6,000 dispensers and 12 deliveries a year. The market is worth 1.9 billion euros."
    )
    argued = (
        "Small businesses cost us 14% of sales to serve, against 6% for key accounts. The portal frees 20% of "
        "their time, which pays for itself in 34 months."
    )
    assert M.quantified_argument not in detect_moves(listed, "en")
    hits = [hit for hit in detect(argued, "en") if hit.move is M.quantified_argument]
    assert len(hits) == 2
