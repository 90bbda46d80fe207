"""Evaluate (and fit) the English CEFR estimate of `feedback/english.py` on labelled English texts.

Data: CEFR-SP, train split (../shared/data/cefr/): English sentences each rated A1..C2 by two
English-education professionals. Arase, Uchida & Kajiwara (2022), "CEFR-Based Sentence Difficulty
Annotation and Assessment", EMNLP 2022. A sentence's label is the mean of the two ratings rounded half
up (1.5 → 2).

Protocol (deterministic, seed 20240607):
- the sentences of each file and level are shuffled and cut in two halves: **fit** (the only sentences
  `--fit` ever sees) and **held-out** (the only sentences the evaluation reads);
- held-out sentences of one level are grouped into short texts, each sentence used once, in two sets:
  *natural* texts of 4 sentences (their length follows the level) and *equal-length* texts of exactly
  EQUAL_WORDS words at every level, so that a text's length says nothing about its level;
- figures: exact accuracy, adjacent accuracy (±1 level), accuracy of the B1 decision (estimated ≥ B1 vs
  label ≥ 3), for our estimate and for a naive baseline: the mean CEFR level of the words (cefrpy), read
  as a level (a) by rounding and (b) with cut points fitted on the fit half. A length-only reference
  (mean sentence length, cut points fitted) shows how much length alone would give.

Usage:
    .venv/bin/python bench/eval_cefr.py            # evaluate the shipped feedback/cefr_model.json
    .venv/bin/python bench/eval_cefr.py --fit      # refit on the fit half, write the model, evaluate
    .venv/bin/python bench/eval_cefr.py --json     # figures as JSON
"""

from __future__ import annotations

import argparse
import json
import math
import random
import re
import sys
import time
from collections import Counter, defaultdict
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from feedback.english import LEVELS, MIN_WORDS, CefrModel, text_measures  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "cefr"
FILES = ("CEFR-SP_SCoRE_train.txt", "CEFR-SP_Wikiauto_train.txt")
MODEL_PATH = ROOT / "feedback" / "cefr_model.json"
SEED = 20240607
SENTENCES_PER_TEXT = 4
EQUAL_WORDS = 50
MAX_TEXTS_PER_LEVEL = 100  # per set, so that B1/B2 (most sentences) do not swamp the figures
FIT_TEXTS_PER_LEVEL = 150  # fit texts may reuse fit sentences across texts (never held-out ones)

# Candidate measures of the model: lexical range and grammatical complexity. No length measure (words,
# sentence or T-unit length) is offered to the fit: the level must not follow length.
FEATURES = [
    "content_word_level",
    "top_quartile_word_level",
    "mean_word_level",
    "share_above_a2",
    "share_above_b1",
    "share_above_b2",
    "sentence_max_word_level",
    "content_word_letters",
    "lexical_density",
    # "mtld": left out: on a few sentences it measures their length, not their diversity (unstable as a session grows)
    "subordinators_per_sentence",
    "connectors_per_100_words",
    "complex_verbs_per_sentence",
    "conditionals_per_sentence",
]
RIDGE = 1.0
# Weight of a level in the fit: the levels the data has plenty of weigh the same; a rare one (A1: 23 fit
# sentences, C2: 45) in proportion to its sentences, as in the pooled evaluation (about this many
# sentences make its 100 documents). Weighting A1 as much as B1 made the fit chase 23 reused sentences.
LEVEL_FULL = 400
DEV_SPLITS = (1, 2, 3, 4)  # --dev: seeds of the train/dev splits of the fit half
DEV_FRACTION = 0.3
REGROUPINGS = 10  # pooled documents regrouped this many times from all held-out sentences (steadier figure)


# ------------------------------------------------------------------------------------------------
# Data


def detokenize(s: str) -> str:
    """CEFR-SP sentences are tokenised ("do n't", "word ,"): give them back ordinary spacing."""
    s = re.sub(r" (n't|'s|'re|'ve|'ll|'d|'m)\b", r"\1", s)
    s = re.sub(r" ([.,;:!?%)\]])", r"\1", s)
    s = re.sub(r"([(\[$]) ", r"\1", s)
    s = s.replace("`` ", '"').replace(" ''", '"')
    return s.strip()


@cache
def n_words(text: str) -> int:
    return len(re.findall(r"\S*[A-Za-z0-9]\S*", text))


def label(a: int, b: int) -> int:
    return int(math.floor((a + b) / 2 + 0.5))


def load_sentences() -> dict[str, dict[int, list[str]]]:
    """{file: {level: [sentence, ...]}} in file order."""
    out: dict[str, dict[int, list[str]]] = {}
    for name in FILES:
        by_level: dict[int, list[str]] = defaultdict(list)
        for line in (DATA / name).read_text(encoding="utf-8").splitlines():
            parts = line.split("\t")
            if len(parts) != 3:
                continue
            by_level[label(int(parts[1]), int(parts[2]))].append(detokenize(parts[0]))
        out[name] = by_level
    return out


def split(data: dict[str, dict[int, list[str]]]) -> tuple[dict[int, list[str]], dict[int, list[str]]]:
    """Per file and level: shuffle (fixed seed), first half → fit, second half → held-out."""
    rng = random.Random(SEED)
    fit: dict[int, list[str]] = defaultdict(list)
    held: dict[int, list[str]] = defaultdict(list)
    for name in FILES:
        for lvl in sorted(data[name]):
            sents = list(data[name][lvl])
            rng.shuffle(sents)
            half = len(sents) // 2
            fit[lvl].extend(sents[:half])
            held[lvl].extend(sents[half:])
    return fit, held


def _truncate(sentence: str, k: int) -> str:
    out, count = [], 0
    for tok in sentence.split():
        if count == k:
            break
        out.append(tok)
        count += 1 if re.search(r"[A-Za-z0-9]", tok) else 0
    return " ".join(out)


def _equal_length_text(pool: list[str], rng: random.Random, target: int) -> list[str] | None:
    """Draw sentences from `pool` (removing them) until exactly `target` words: random sentences while
    there is room, then one that fills the gap exactly; only when none does, one cut to the gap.
    None when the pool runs dry."""
    chosen: list[str] = []
    total = 0
    while total < target:
        gap = target - total
        exact = [i for i, s in enumerate(pool) if n_words(s) == gap]
        if exact:
            chosen.append(pool.pop(rng.choice(exact)))
            return chosen
        room = [i for i, s in enumerate(pool) if n_words(s) <= gap - 4]
        if room:
            i = rng.choice(room)
            total += n_words(pool[i])
            chosen.append(pool.pop(i))
            continue
        longer = [i for i, s in enumerate(pool) if n_words(s) > gap]
        if not longer:
            return None
        chosen.append(_truncate(pool.pop(rng.choice(longer)), gap))
        TRUNCATED[0] += 1
        return chosen
    return chosen


TRUNCATED = [0]


def build_texts(by_level: dict[int, list[str]], seed: int, *, reuse: bool, per_level: int) -> list[dict]:
    """Texts of one level each: {"set": "natural"|"equal_length", "level": L, "text": ...}."""
    rng = random.Random(seed)
    texts: list[dict] = []
    for lvl in sorted(by_level):
        sents = by_level[lvl]
        for kind in ("natural", "equal_length"):
            made = 0
            pool = list(sents)
            rng.shuffle(pool)
            while made < per_level:
                if reuse and len(pool) < 2 * EQUAL_WORDS // 5:
                    pool = list(sents)
                    rng.shuffle(pool)
                if kind == "natural":
                    if len(pool) < SENTENCES_PER_TEXT:
                        break
                    chosen = [pool.pop() for _ in range(SENTENCES_PER_TEXT)]
                else:
                    chosen = _equal_length_text(pool, rng, EQUAL_WORDS)
                    if chosen is None:
                        break
                texts.append({"set": kind, "level": lvl, "text": " ".join(chosen)})
                made += 1
    return texts


POOLED_SIZES = (1, 2, 3, 4, 6, 8)  # sentences per pooled document, in turn


def pooled_texts(
    by_level: dict[int, list[str]], seed: int, per_level: int = MAX_TEXTS_PER_LEVEL
) -> list[dict]:
    """*Pooled* documents: the held-out sentences of one level, both sources pooled, grouped into documents
    of 1, 2, 3, 4, 6 and 8 sentences in turn (each sentence used once), as a session's English grows from
    one answer to many. The B1 decision must hold whatever the amount of English."""
    rng = random.Random(seed)
    texts: list[dict] = []
    for lvl in sorted(by_level):
        pool = list(by_level[lvl])
        rng.shuffle(pool)
        k = 0
        while len(texts) < 10**6 and sum(1 for t in texts if t["level"] == lvl) < per_level:
            n = POOLED_SIZES[k % len(POOLED_SIZES)]
            k += 1
            if len(pool) < n:
                if len(pool) < POOLED_SIZES[0]:
                    break
                continue
            texts.append(
                {
                    "set": "pooled",
                    "level": lvl,
                    "sentences": n,
                    "text": " ".join(pool.pop() for _ in range(n)),
                }
            )
            if k > 10 * per_level:
                break
    return texts


# ------------------------------------------------------------------------------------------------
# Baseline and reference


def naive_word_level(text: str) -> float:
    """Mean cefrpy level of the words (lower-cased, unknown words skipped): the naive baseline."""
    from cefrpy import CEFRAnalyzer

    a = naive_word_level.__dict__.setdefault("a", CEFRAnalyzer())
    levels = []
    for w in re.findall(r"[A-Za-z]+", text):
        w = w.lower()
        if a.is_word_in_database(w):
            levels.append(a.get_average_word_level_float(w))
    return sum(levels) / len(levels) if levels else 1.0


def fit_cuts(scores: list[float], labels: list[int], balance: float = 0.5) -> list[float]:
    """Cut points maximising exact accuracy, each text weighted by (texts of its level)^-balance (0: plain
    accuracy, which gives up the rare A1 and C2; 1: balanced accuracy, which over-predicts them).
    Coordinate search over score quantiles, from evenly spread start points."""
    import numpy as np

    s = np.asarray(scores, dtype=float)
    y = np.asarray(labels)
    counts = Counter(labels)
    wt = np.array([counts[v] ** -balance for v in labels])
    lo, hi = float(s.min()), float(s.max())
    cuts = [lo + (hi - lo) * k / 6 for k in range(1, 6)]
    grid = np.unique(np.quantile(s, np.linspace(0, 1, 401)))

    def acc(cs: list[float]) -> float:
        pred = 1 + (s[:, None] >= np.asarray(cs)[None, :]).sum(axis=1)
        return float(wt[pred == y].sum())

    for _ in range(6):
        for k in range(5):
            left = cuts[k - 1] if k else -1e9
            right = cuts[k + 1] if k < 4 else 1e9
            best, best_c = acc(cuts), cuts[k]
            for g in grid:
                if left < g < right:
                    a = acc(cuts[:k] + [float(g)] + cuts[k + 1 :])
                    if a > best:
                        best, best_c = a, float(g)
            cuts[k] = best_c
    return cuts


def b1_cut(scores: list[float], labels: list[int], low: float, high: float) -> float:
    """The A2|B1 cut that makes the most B1 decisions right (the exam's question), between the cuts around it;
    ties go to the middle of the best run."""
    import numpy as np

    s = np.asarray(scores, dtype=float)
    y = np.asarray(labels) >= 3
    grid = [g for g in np.unique(np.quantile(s, np.linspace(0, 1, 801))) if low < g < high]
    if not grid:
        return (low + high) / 2
    right = [int(((s >= g) == y).sum()) for g in grid]
    best = max(right)
    run = [g for g, r in zip(grid, right, strict=True) if r == best]
    return float(run[len(run) // 2])


def level_of(score: float, cuts: list[float]) -> int:
    return 1 + sum(1 for c in cuts if score >= c)


def figures(pred: list[int], gold: list[int]) -> dict[str, float]:
    n = len(gold)
    return {
        "n": n,
        "exact": sum(p == g for p, g in zip(pred, gold, strict=True)) / n,
        "adjacent": sum(abs(p - g) <= 1 for p, g in zip(pred, gold, strict=True)) / n,
        "b1_decision": sum((p >= 3) == (g >= 3) for p, g in zip(pred, gold, strict=True)) / n,
    }


# ------------------------------------------------------------------------------------------------
# Fit


def _ridge(Z, y, w):
    import numpy as np

    W = np.sqrt(w)[:, None]
    A = np.hstack([Z, np.ones((len(y), 1))]) * W
    b = y * W[:, 0]
    reg = RIDGE * np.eye(A.shape[1])
    reg[-1, -1] = 0.0
    return np.linalg.solve(A.T @ A + reg * w.sum() / len(w), A.T @ b)


def level_weights(by_level: dict[int, list[str]]) -> dict[int, float]:
    return {lvl: min(1.0, len(s) / LEVEL_FULL) for lvl, s in by_level.items()}


def fit_model(
    texts: list[dict],
    measures: list[dict[str, float]],
    cut_texts: list[dict],
    cut_measures: list[dict[str, float]],
    weights: dict[int, float] | None = None,
) -> CefrModel:
    """Ridge regression of the level on the standardised measures, each level weighing `weights[level]`
    in all (1 for every level when not given: level-balanced); a measure whose
    coefficient comes out negative (a collinearity artefact: more range or complexity never lowers a
    level) is dropped and the fit redone. Then the cut points that maximise exact accuracy on `cut_texts`
    (texts built from the same fit sentences without reuse, so with the levels' natural frequencies)."""
    import numpy as np

    y = np.array([t["level"] for t in texts], dtype=float)
    counts = Counter(int(v) for v in y)
    w = np.array([(weights or {}).get(int(v), 1.0) / counts[int(v)] for v in y])
    features = list(FEATURES)
    while True:
        X = np.array([[m[f] for f in features] for m in measures], dtype=float)
        mean = X.mean(axis=0)
        scale = X.std(axis=0)
        scale[scale == 0] = 1.0
        coef = _ridge((X - mean) / scale, y, w)
        if (coef[:-1] >= 0).all():
            break
        features.pop(int(np.argmin(coef[:-1])))
    model = CefrModel(
        version=1,
        features=features,
        mean=[round(float(v), 6) for v in mean],
        scale=[round(float(v), 6) for v in scale],
        coef=[round(float(v), 6) for v in coef[:-1]],
        intercept=round(float(coef[-1]), 6),
        cuts=[1.5, 2.5, 3.5, 4.5, 5.5],
        fitted_on=(
            f"CEFR-SP train (Arase et al. 2022), fit half only, seed {SEED}: {len(texts)} texts "
            f"({SENTENCES_PER_TEXT}-sentence, {EQUAL_WORDS}-word and pooled 1-8 sentences), ridge with levels "
            f"weighted min(1, sentences/{LEVEL_FULL}), non-negative by backward elimination; bench/eval_cefr.py --fit"
        ),
    )
    scores = [model.score(m) for m in cut_measures]
    gold = [t["level"] for t in cut_texts]
    cuts = fit_cuts(scores, gold)
    cuts[1] = b1_cut(scores, gold, cuts[0], cuts[2])
    model.cuts = [round(c, 4) for c in cuts]
    return model


def split_dev(by_level: dict[int, list[str]], seed: int) -> tuple[dict[int, list[str]], dict[int, list[str]]]:
    """The fit half cut again, per level: train (1 - DEV_FRACTION) and dev. Never touches the held-out half."""
    rng = random.Random(seed)
    train: dict[int, list[str]] = {}
    dev: dict[int, list[str]] = {}
    for lvl in sorted(by_level):
        sents = list(by_level[lvl])
        rng.shuffle(sents)
        k = int(round(len(sents) * DEV_FRACTION))
        dev[lvl], train[lvl] = sents[:k], sents[k:]
    return train, dev


def b1_right(
    model: CefrModel, docs: list[dict], measures: list[dict[str, float]], min_words: int = 0
) -> tuple[float, int]:
    """Share of documents (of at least `min_words` words) whose B1 decision is right, and their number."""
    right = [
        (model.score(m) >= model.b1_cut) == (t["level"] >= 3)
        for t, m in zip(docs, measures, strict=True)
        if m["words"] >= min_words
    ]
    return sum(right) / max(len(right), 1), len(right)


def develop(fit_s: dict[int, list[str]]) -> dict:
    """Model selection without the held-out half: for each split of DEV_SPLITS, fit on the train part of the
    fit half exactly as --fit does, and measure the B1 decision on pooled documents of the dev part
    (regrouped REGROUPINGS times). Compare configurations on the mean over splits, not on one."""
    out = {}
    for k in DEV_SPLITS:
        train, dev = split_dev(fit_s, SEED + 1000 * k)
        fit_texts = build_texts(train, SEED + 1, reuse=True, per_level=FIT_TEXTS_PER_LEVEL) + pooled_texts(
            train, SEED + 5
        )
        cut_texts = build_texts(train, SEED + 3, reuse=False, per_level=MAX_TEXTS_PER_LEVEL) + pooled_texts(
            train, SEED + 6
        )
        model = fit_model(
            fit_texts,
            [text_measures(t["text"]) for t in fit_texts],
            cut_texts,
            [text_measures(t["text"]) for t in cut_texts],
            level_weights(train),
        )
        docs = [t for r in range(REGROUPINGS) for t in pooled_texts(dev, SEED + 7 + 10 * r)]
        m = [text_measures(t["text"]) for t in docs]
        out[k] = {
            "all": round(b1_right(model, docs, m)[0], 4),
            f">={MIN_WORDS} words": round(b1_right(model, docs, m, MIN_WORDS)[0], 4),
        }
    out["mean"] = {
        key: round(sum(out[k][key] for k in DEV_SPLITS) / len(DEV_SPLITS), 4) for key in out[DEV_SPLITS[0]]
    }
    return out


# ------------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument(
        "--fit", action="store_true", help="refit on the fit half and write feedback/cefr_model.json"
    )
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    ap.add_argument(
        "--dev", action="store_true", help="model selection on train/dev splits of the fit half only"
    )
    args = ap.parse_args(argv)

    t0 = time.perf_counter()
    fit_s, held_s = split(load_sentences())
    if args.dev:
        print(json.dumps(develop(fit_s), indent=2))
        return 0
    eval_texts = build_texts(held_s, SEED + 2, reuse=False, per_level=MAX_TEXTS_PER_LEVEL)
    truncated_eval = TRUNCATED[0]
    # fit and cut texts: natural, equal-length and pooled documents (1 to 8 sentences) of the fit half only
    fit_texts = build_texts(fit_s, SEED + 1, reuse=True, per_level=FIT_TEXTS_PER_LEVEL) + pooled_texts(
        fit_s, SEED + 5
    )
    cut_texts = build_texts(fit_s, SEED + 3, reuse=False, per_level=MAX_TEXTS_PER_LEVEL) + pooled_texts(
        fit_s, SEED + 6
    )
    fit_m = [text_measures(t["text"]) for t in fit_texts]
    eval_m = [text_measures(t["text"]) for t in eval_texts]

    if args.fit:
        model = fit_model(
            fit_texts, fit_m, cut_texts, [text_measures(t["text"]) for t in cut_texts], level_weights(fit_s)
        )
        MODEL_PATH.write_text(json.dumps(model.model_dump(), indent=2) + "\n", encoding="utf-8")
    else:
        model = CefrModel.model_validate_json(MODEL_PATH.read_text(encoding="utf-8"))

    # Baseline and length-only cut points: fitted on the same fit-half texts as ours.
    cut_m = [text_measures(t["text"]) for t in cut_texts]
    cut_gold = [t["level"] for t in cut_texts]
    base_cuts = fit_cuts([naive_word_level(t["text"]) for t in cut_texts], cut_gold)
    len_cuts = fit_cuts([m["mean_sentence_length"] for m in cut_m], cut_gold)

    results: dict[str, dict] = {}
    for subset in ("all", "natural", "equal_length"):
        idx = [i for i, t in enumerate(eval_texts) if subset == "all" or t["set"] == subset]
        gold = [eval_texts[i]["level"] for i in idx]
        ours = [level_of(model.score(eval_m[i]), model.cuts) for i in idx]
        base_scores = [naive_word_level(eval_texts[i]["text"]) for i in idx]
        base_round = [min(6, max(1, int(math.floor(s + 0.5)))) for s in base_scores]
        base_cal = [level_of(s, base_cuts) for s in base_scores]
        length_only = [level_of(eval_m[i]["mean_sentence_length"], len_cuts) for i in idx]
        results[subset] = {
            "ours": figures(ours, gold),
            "baseline_rounded": figures(base_round, gold),
            "baseline_calibrated": figures(base_cal, gold),
            "length_only": figures(length_only, gold),
            "levels": dict(sorted(Counter(gold).items())),
        }
        if subset == "all":
            confusion = [[0] * 6 for _ in range(6)]
            for g, p in zip(gold, ours, strict=True):
                confusion[g - 1][p - 1] += 1
            results[subset]["confusion_ours"] = confusion
    pooled = pooled_texts(held_s, SEED + 4)
    pooled_m = [text_measures(t["text"]) for t in pooled]
    gold = [t["level"] for t in pooled]
    ours = [level_of(model.score(m), model.cuts) for m in pooled_m]
    regrouped = [t for r in range(REGROUPINGS) for t in pooled_texts(held_s, SEED + 40 + r, per_level=10**6)]
    regrouped_m = [text_measures(t["text"]) for t in regrouped]
    b1_all, n_all = b1_right(model, pooled, pooled_m)
    b1_min, n_min = b1_right(model, pooled, pooled_m, MIN_WORDS)
    rg_all, rn_all = b1_right(model, regrouped, regrouped_m)
    rg_min, rn_min = b1_right(model, regrouped, regrouped_m, MIN_WORDS)
    results["pooled"] = {
        "ours": figures(ours, gold),
        # the scorecard gives no English level below MIN_WORDS words (assess_english → None)
        "b1_decision_min_words": {
            "min_words": MIN_WORDS,
            "n": n_min,
            "b1_decision": round(b1_min, 4),
            "se": round(math.sqrt(b1_min * (1 - b1_min) / max(n_min, 1)), 4),
        },
        "b1_decision_se": round(math.sqrt(b1_all * (1 - b1_all) / n_all), 4),
        # every held-out sentence, grouped REGROUPINGS times (documents of one regrouping are independent;
        # across regroupings they share sentences, so this is a steadier mean, not a larger sample)
        "regrouped": {
            "regroupings": REGROUPINGS,
            "documents": rn_all,
            "b1_decision": round(rg_all, 4),
            f"b1_decision_min_{MIN_WORDS}_words": round(rg_min, 4),
            f"documents_min_{MIN_WORDS}_words": rn_min,
        },
        "baseline_calibrated": figures(
            [level_of(naive_word_level(t["text"]), base_cuts) for t in pooled], gold
        ),
        "length_only": figures([level_of(m["mean_sentence_length"], len_cuts) for m in pooled_m], gold),
        "levels": dict(sorted(Counter(gold).items())),
        "b1_by_sentences": {
            n: round(
                figures(
                    [o for o, t in zip(ours, pooled, strict=True) if t["sentences"] == n],
                    [t["level"] for t in pooled if t["sentences"] == n],
                )["b1_decision"],
                3,
            )
            for n in POOLED_SIZES
            if any(t["sentences"] == n for t in pooled)
        },
    }
    results["setup"] = {
        "seed": SEED,
        "fit_texts": len(fit_texts),
        "cut_texts": len(cut_texts),
        "eval_texts": len(eval_texts),
        "equal_words": EQUAL_WORDS,
        "equal_length_texts_with_a_cut_sentence": truncated_eval,
        "sentences_per_text": SENTENCES_PER_TEXT,
        "seconds": round(time.perf_counter() - t0, 1),
    }
    # equal-length texts really are equal length
    assert all(n_words(t["text"]) == EQUAL_WORDS for t in eval_texts if t["set"] == "equal_length")

    if args.json:
        print(json.dumps(results, indent=2))
        return 0
    print(
        f"fit texts: {len(fit_texts)}   held-out texts: {len(eval_texts)}   ({results['setup']['seconds']} s)"
    )
    for subset in ("all", "natural", "equal_length", "pooled"):
        r = results[subset]
        print(f"\n[{subset}] n={r['ours']['n']} levels={r['levels']}")
        print(f"  {'':22s} {'exact':>7s} {'±1':>7s} {'B1':>7s}")
        for name in ("ours", "baseline_rounded", "baseline_calibrated", "length_only"):
            if name not in r:
                continue
            f = r[name]
            print(f"  {name:22s} {f['exact']:7.3f} {f['adjacent']:7.3f} {f['b1_decision']:7.3f}")
    p = results["pooled"]
    print(
        f"\npooled, B1 decision ± s.e.: {p['ours']['b1_decision']:.3f} ± {p['b1_decision_se']:.3f} (all {p['ours']['n']}); "
        f"{p['b1_decision_min_words']['b1_decision']:.3f} ± {p['b1_decision_min_words']['se']:.3f} "
        f"({p['b1_decision_min_words']['n']} documents of ≥ {MIN_WORDS} words, as the scorecard judges)"
    )
    print(f"pooled, B1 decision by sentences per document: {p['b1_by_sentences']}")
    print(f"regrouped ({REGROUPINGS}×, all held-out sentences): {p['regrouped']}")
    print("\nconfusion (rows gold A1..C2, cols ours):")
    for lvl, row in zip(LEVELS, results["all"]["confusion_ours"], strict=True):
        print(f"  {lvl} {row}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
