"""Detectors of what a candidate's turn *does*, in French and English.

A turn is split into sentences; each sentence is normalised (lower case, accents dropped except the
"ù" of "où", typographic apostrophes and spaces unified) and checked against small, named rule sets.
A hit names the move and quotes the sentence exactly as the candidate wrote it, with its offsets.

The rules look at what a sentence does, not at surface counts: a question mark does not make an open
question, a digit does not make a quantified argument, "si vous avez des questions" is not a
conditional concession, "je ne comprends pas pourquoi vous..." is not empathy. Some moves exclude
others in the same sentence: a leading question is neither an open nor a closed question, a concession
tied to a counterpart is conditional and not unconditional, a figure that only quantifies a concession,
a question or a date is not a quantified argument. A question the candidate answers at once ("Le
résultat ? 15 % d'économies.") is rhetorical and not a question. A figure argues only when the
sentence compares it or ties it to a cause, a consequence or a gain: a list of figures is not an argument.

The declared language is a hint: a sentence plainly in the other language (the exam switches language
mid-session) is read with that language's rules. French rules are written for "vous"; a sentence said
with "tu" is first rewritten with "vous" ("si je te comprends bien" -> "si je vous comprends bien").

Only the standard library is used; everything is deterministic.

The package holds one module per concern: `sentences` (languages, normalisation, sentence splitting,
"tu" read as "vous"), `patterns` (the rule-set helpers and negation), `questions` (open, closed and
leading questions, suggestions, feedback requests), `listening` (reformulation, summary, empathy),
`arguments` (quantified arguments, regulation references), `penalties` (penalties waived, a concession,
or imposed and kept, a reference to the rules), `concessions` (conditional and unconditional concessions,
proposals), `next_steps`, `faults` (blame, imposition), `kinds` (the
`Move` enum) and `detection` (what runs them over a turn: `detect`, `detect_moves`, `turn_language`).
"""

from scenarios.moves.detection import MoveHit, detect, detect_moves, strikes_penalties, turn_language
from scenarios.moves.kinds import Move

__all__ = ["Move", "MoveHit", "detect", "detect_moves", "strikes_penalties", "turn_language"]
