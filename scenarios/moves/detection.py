"""Every move of a turn: the turn cut into sentences, each sentence checked by every concern's rules.

Some moves exclude others in the same sentence (a leading question is not a proposal, a figure that
only sizes a concession argues nothing), and some are decided over two sentences (a question answered
at once, a concession whose counterpart follows): this is where that is settled.
"""

from __future__ import annotations

from dataclasses import dataclass

from scenarios.moves.arguments import _is_quantified_argument, _is_regulation_reference
from scenarios.moves.concessions import (
    _PROPOSAL,
    _is_conditional_concession,
    _is_unconditional_concession,
    _pair_concessions_with_counterparts,
    _refuses_without_counterpart,
)
from scenarios.moves.faults import _is_blame, _is_imposition
from scenarios.moves.kinds import Move
from scenarios.moves.listening import _EMPATHY, _SUMMARY, _is_reformulation
from scenarios.moves.next_steps import _NEXT_STEP
from scenarios.moves.patterns import _has
from scenarios.moves.penalties import _strikes_from_agreement
from scenarios.moves.questions import (
    _drop_rhetorical_questions,
    _is_feedback_request,
    _is_question_form,
    _is_suggestion,
    _question_moves,
)
from scenarios.moves.sentences import (
    _FUNCTION_WORDS,
    _WORD,
    _as_vous,
    _languages,
    _normalize,
    _Sentence,
    _sentence_language,
    _sentence_spans,
)


@dataclass(frozen=True)
class MoveHit:
    move: Move
    sentence: str
    start: int
    end: int


_MOVE_ORDER = {move: index for index, move in enumerate(Move)}


def detect(text: str, lang: str) -> list[MoveHit]:
    """Every move found in `text`, one hit per (sentence, move), in reading order.

    `lang` is "fr" or "en" (a region suffix such as "fr-FR" is accepted); any other value applies the
    rules of both languages.
    """
    langs = _languages(lang)
    sentences = [_sentence(text, start, end, langs) for start, end in _sentence_spans(text)]
    found = [_sentence_moves(s) for s in sentences]
    _drop_rhetorical_questions(sentences, found)
    _pair_concessions_with_counterparts(sentences, found)
    hits: list[MoveHit] = []
    for s, moves in zip(sentences, found, strict=True):
        for move in sorted(moves, key=_MOVE_ORDER.__getitem__):
            hits.append(MoveHit(move, s.text, s.start, s.end))
    return hits


def detect_moves(text: str, lang: str) -> set[Move]:
    return {hit.move for hit in detect(text, lang)}


def turn_language(text: str, declared: str) -> str:
    """The language most of `text` is in ("fr" or "en"); `declared` when it cannot tell."""
    words = _WORD.findall(_normalize(text))
    other = "en" if declared == "fr" else "fr"
    ours = sum(word in _FUNCTION_WORDS[declared] for word in words)
    theirs = sum(word in _FUNCTION_WORDS[other] for word in words)
    return other if theirs >= 2 and theirs > 1.5 * ours else declared


def strikes_penalties(sentence: str, lang: str) -> bool:
    """Whether `sentence` (one sentence of the candidate's, in `lang`) takes late-payment penalties or the
    recovery fee out of the agreement (unlawful: Code de commerce art. L441-10), rather than refusing to or
    waiving penalties already due as a one-off gesture."""
    return _strikes_from_agreement(
        _sentence(sentence, 0, len(sentence), (lang if lang in ("fr", "en") else "en",))
    )


def _sentence(text: str, start: int, end: int, langs: tuple[str, ...]) -> _Sentence:
    raw = text[start:end]
    norm = _normalize(raw)
    if len(langs) == 1:
        langs = (_sentence_language(norm, langs[0]),)
    if langs == ("fr",):
        norm = _as_vous(norm)
    return _Sentence(start, end, raw, norm, langs, _is_question_form(norm, langs))


def _sentence_moves(s: _Sentence) -> set[Move]:
    moves = _question_moves(s)
    if Move.leading_question not in moves and (_is_suggestion(s) or _has(_PROPOSAL, s)):
        moves.add(Move.proposal)
    if _is_reformulation(s):
        moves.add(Move.reformulation)
    if _has(_SUMMARY, s):
        moves.add(Move.summary)
    if _is_conditional_concession(s):
        moves.add(Move.conditional_concession)
    elif _is_unconditional_concession(s):
        moves.add(Move.unconditional_concession)
    if _has(_EMPATHY, s):
        moves.add(Move.empathy)
    if _is_regulation_reference(s):
        moves.add(Move.regulation_reference)
    if _has(_NEXT_STEP, s):
        moves.add(Move.next_step)
    if Move.leading_question not in moves and _is_feedback_request(s):
        moves.add(Move.feedback_request)
    if _is_blame(s):
        moves.add(Move.blame)
    if _is_imposition(s):
        moves.add(Move.imposition)
    sizes_a_concession = Move.unconditional_concession in moves or (
        Move.conditional_concession in moves and not _refuses_without_counterpart(s)
    )
    if (  # a figure that only sizes what is given away, or that a leading question pushes, argues nothing
        not sizes_a_concession
        and Move.leading_question not in moves
        and _is_quantified_argument(s, scheduling=Move.next_step in moves)
    ):
        moves.add(Move.quantified_argument)
    return moves
