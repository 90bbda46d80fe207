"""English CEFR estimate: levels rest on range and complexity, not length; the `oralblanc cefr` command."""

from __future__ import annotations

import json

import pytest
import typer
from typer.testing import CliRunner

from bot.commands import language
from feedback.english import (
    LEVELS,
    MIN_WORDS,
    EnglishAssessment,
    assess_english,
    estimate_cefr,
    load_model,
    mtld,
    sentence_spans,
    text_measures,
    word_level,
)

A2 = (
    "I work for a big company in Lyon. We sell machines for farms. Our machines are very good and they are "
    "not expensive. I want to sell you ten machines this year. The price is good for you. We can send them "
    "in May. Do you have any questions? I can answer them. Thank you."
)
B2 = (
    "Thank you for raising these concerns so openly. I understand that your budget is under considerable "
    "pressure this year, so let me suggest a compromise. If you commit to a two-year agreement, we could "
    "reduce the unit price by four percent, although deliveries would have to be scheduled quarterly. Would "
    "that arrangement address your objections?"
)
C1 = (
    "I appreciate your candour regarding the budget constraints, and I would like to explore whether a phased "
    "implementation could address them. If we were to spread the deployment over two quarters, your initial "
    "outlay would be considerably lower, although the overall investment would remain unchanged. Would that "
    "be acceptable to your board?"
)
# Long, but only simple clauses chained with "and": length must not make it B1.
RUN_ON = (
    "I think we can do a good price for you and we can send the products next week and you can pay in two "
    "months and I think it is good for you and for us because we want to work with you for a long time and "
    "we like your company very much and we are a big company and we have many clients in France and in other "
    "countries and they are happy with us and we hope you are happy too and we can talk again next week"
)


def n_words(text: str) -> int:
    return len(text.split())


def test_same_length_texts_rank_by_substance():
    assert n_words(A2) == n_words(B2)  # equal length: only substance can tell them apart
    a2_level, a2_score = estimate_cefr(A2)
    b2_level, b2_score = estimate_cefr(B2)
    assert a2_score + 1.5 < b2_score
    assert LEVELS.index(a2_level) <= LEVELS.index("A2")
    assert LEVELS.index(b2_level) >= LEVELS.index("B2")


def test_c1_text_is_at_least_b2():
    level, score = estimate_cefr(C1)
    assert LEVELS.index(level) >= LEVELS.index("B2")
    assert 1.0 <= score <= 6.0


def test_length_alone_does_not_reach_b1():
    assert n_words(RUN_ON) > n_words(B2) + 25
    result = assess_english([RUN_ON])
    assert result is not None
    assert not result.b1_reached
    assert result.score < estimate_cefr(B2)[1]


# A2 words in long single clauses (no "and" to split them): what a model leaning on clause length would
# lift to B1. Short spoken answers with B1 grammar and B2 hedging must rank above it.
LONG_SIMPLE_CLAUSES = (
    "I want to sell you ten big machines for your farm in the south of France this year. The price of our "
    "machines is very good for a big farm like your farm in the south. We can send the machines to your farm "
    "in the south of France in May or in June this year. You can pay for the machines in two months after "
    "the day of the delivery to your farm."
)
SHORT_SPOKEN_B1 = (
    "I understand your point. The price is higher, but our machines last longer. If you order fifty units, I "
    "can offer free delivery. What do you think? We could also review the contract next year. I have checked "
    "the figures with my manager."
)
SHORT_SPOKEN_B2 = (
    "Let me be frank. Our margin is already tight. However, if you commit to two years, I could reconsider "
    "the discount. Would that work for your board? Otherwise, we might look at phased deliveries instead."
)


def test_long_simple_clauses_rank_below_short_spoken_answers():
    long_a2 = assess_english([LONG_SIMPLE_CLAUSES])
    assert long_a2 is not None and not long_a2.b1_reached
    assert (
        text_measures(LONG_SIMPLE_CLAUSES)["mean_tunit_length"]
        > 2 * text_measures(SHORT_SPOKEN_B1)["mean_tunit_length"]
    )
    assert long_a2.score < estimate_cefr(SHORT_SPOKEN_B1)[1] < estimate_cefr(SHORT_SPOKEN_B2)[1]


def test_padding_with_repetition_does_not_raise_the_level():
    _, once = estimate_cefr(A2)
    _, twice = estimate_cefr(A2 + " " + A2)
    _, filler = estimate_cefr(A2 + " Well, you know, I mean, it is OK, it is OK, yes, yes, OK.")
    assert twice <= once + 0.1
    assert filler <= once + 0.1


@pytest.mark.parametrize(
    ("texts", "reached"), [([A2], False), ([RUN_ON], False), ([B2], True), ([C1], True), ([A2, B2, C1], True)]
)
def test_b1_reached(texts, reached):
    result = assess_english(texts)
    assert isinstance(result, EnglishAssessment)
    assert result.b1_reached is reached
    assert result.b1_reached == (LEVELS.index(result.cefr) >= LEVELS.index("B1"))


def test_too_little_english_is_none():
    assert assess_english([]) is None
    assert assess_english(["Yes, OK.", "Thank you very much, see you next week."]) is None
    short = " ".join(["word"] * (MIN_WORDS - 1))
    assert assess_english([short]) is None
    assert assess_english([A2]) is not None


def test_assessment_shape_and_evidence_is_verbatim():
    turns = [A2, "Yes.", B2, C1]
    result = assess_english(turns)
    assert result is not None
    assert result.cefr in LEVELS
    assert 0 <= result.confidence <= 1
    assert result.words == sum(n_words(t) for t in turns)
    for key in (
        "share_above_a2",
        "mtld",
        "mean_sentence_length",
        "subordinators_per_sentence",
        "tense_variety",
        "share_unknown_words",
    ):
        assert key in result.measures
    assert 1 <= len(result.evidence) <= 3
    for sentence in result.evidence:
        assert any(sentence in t for t in turns)
    # the evidence shows the candidate's best sentences, not the A2 ones
    assert not any(sentence in A2 for sentence in result.evidence)
    json.loads(result.model_dump_json())


def test_given_vocabulary_is_left_out_of_the_range():
    text = "We need the procurement framework and the consignment stock before the indexation clause is signed today."
    full = text_measures(text)
    without = text_measures(text, given_vocabulary=["procurement", "framework", "consignment", "indexation"])
    assert without["share_above_b1"] < full["share_above_b1"]


def test_word_levels():
    assert word_level("the") == 1.0
    assert word_level("cannot") == 1.0
    assert word_level("moving") <= word_level("move") + 1e-9
    assert word_level("found") <= 2.0
    assert word_level("ubiquitous") >= 5
    assert word_level("Negotiate") == word_level("negotiate")
    assert word_level("xqzvw") is None


def test_mtld_robust_to_repetition():
    varied = "the client asked for a discount because delivery was late and quality had dropped last spring".split()
    repeated = ("the price is good " * 8).split()
    assert mtld(varied) > mtld(repeated)
    assert mtld([]) == 0.0


def test_sentence_spans_are_verbatim():
    text = "  First one. Second one?\nThird one!  "
    spans = sentence_spans(text)
    assert [text[s:e] for s, e in spans] == ["First one.", "Second one?", "Third one!"]


def test_shipped_model_is_tiny_and_monotone():
    model = load_model()
    assert len(model.coef) == len(model.features) == len(model.mean) == len(model.scale) <= 15
    assert all(c >= 0 for c in model.coef)  # more range or complexity never lowers the level
    assert model.cuts == sorted(model.cuts)
    assert not {"words", "sentences", "mean_sentence_length", "mean_tunit_length"} & set(model.features)


# --- the command -------------------------------------------------------------------------------------


def _cli() -> typer.Typer:
    root = typer.Typer()

    @root.command()
    def other() -> None:  # a second command, as in the real `oralblanc`
        pass

    root.add_typer(language.app)
    return root


runner = CliRunner()


def test_cli_plain_text_from_stdin_and_file(tmp_path):
    result = runner.invoke(_cli(), ["cefr", "-"], input=B2)
    assert result.exit_code == 0, result.output
    assert result.stdout.split()[0] in LEVELS
    assert "B1 reached" in result.stdout
    path = tmp_path / "a2.txt"
    path.write_text(A2, encoding="utf-8")
    result = runner.invoke(_cli(), ["cefr", str(path)])
    assert result.exit_code == 0, result.output
    assert "B1 not reached" in result.stdout


def test_cli_json():
    result = runner.invoke(_cli(), ["cefr", "--json"], input=C1)
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["cefr"] in LEVELS
    assert payload["b1_reached"] is True
    assert payload["enough_text"] is True
    assert "measures" in payload and "evidence" in payload
    short = json.loads(runner.invoke(_cli(), ["cefr", "--json"], input="I like it very much.").stdout)
    assert short["enough_text"] is False


def test_cli_jsonl():
    lines = [
        json.dumps({"id": "weak", "text": A2}),
        "",
        json.dumps({"id": 7, "text": C1}),
        json.dumps({"id": "run-on", "text": RUN_ON}),
    ]
    result = runner.invoke(_cli(), ["cefr", "--jsonl"], input="\n".join(lines) + "\n")
    assert result.exit_code == 0, result.output
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["id"] for o in out] == ["weak", 7, "run-on"]
    assert all(set(o) == {"id", "cefr", "b1_reached"} for o in out)
    assert [o["b1_reached"] for o in out] == [False, True, False]
    assert out[1]["cefr"] == estimate_cefr(C1)[0]


def test_cli_jsonl_rejects_malformed_lines():
    result = runner.invoke(_cli(), ["cefr", "--jsonl"], input='{"id": 1, "text": "Fine."}\nnot json\n')
    assert result.exit_code == 2
    assert "line 2" in result.stderr


def test_cli_missing_file(tmp_path):
    result = runner.invoke(_cli(), ["cefr", str(tmp_path / "nope.txt")])
    assert result.exit_code != 0


def test_content_word_shares_and_subordinate_sentences():
    m = text_measures(
        "We considered the ubiquitous implications carefully. I like it. Although it is late, we can go."
    )
    assert m["content_share_above_b2"] >= m["share_above_b2"]  # among content words, not all words
    assert 0 < m["content_share_above_b2"] <= m["content_share_above_b1"] <= 1
    assert m["subordinate_sentence_share"] == pytest.approx(1 / 3)
    assert text_measures("")["content_share_above_b1"] == 0.0


def test_shipped_model_uses_only_measures_text_measures_gives():
    model = load_model()
    assert set(model.features) <= set(text_measures(B2))
    assert model.cuts[0] < model.b1_cut < model.cuts[2]
