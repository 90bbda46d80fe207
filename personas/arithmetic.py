"""What a text says with several numerals together: sums, products, halves, and digits dictated over
several clauses or sentences, FR and EN.

`composed` reads the numerals of a text (`personas.numerals.numerals`) and what stands between them:
- operator words between two numerals, or before one, are evaluated (× and ÷ before + and −): "15 plus
  3 %", "20 % minus 2", "trois fois six pour cent", "3 x 6 %", "twice 9 %", "la moitié de 36 %", "a
  third of 54 %", "Quatre euros. Plus trente centimes." The operands' units must agree: a bare number
  takes the other's unit, "points" next to a percentage are percentage points, cents are hundredths of
  money; "18 magasins plus 3 entrepôts" computes nothing;
- single digits dictated over clauses or sentences, with only punctuation and filler words between
  them ("First digit: one. Second digit: eight.", "Un. Et ensuite, huit.") are read together, the way
  `quantities` reads "un, huit"; whole euros and their cents said apart ("Quatre euros. Et pour les
  centimes : dix.") are read as one amount.

The results are `Quantity`s: what an expression or euros-and-cents say are its values; digits read
together are readings (what the numerals can say together).

Limits: an operator is a word ("plus", "moins", "fois", "times", "minus", "less", "divided by"…) or one
of + − × * ÷; a hyphen or a slash between numerals is not one ("4-10", "18/03" are `quantities`'),
nor "et", "and" (a list), "sur", "over"; an operand stands right against its operator, punctuation
aside ("vos 8 % plus les 10 % du concurrent" computes nothing), and a lone article before a noun
("plus une remise") is none; no parentheses; at most six operands. Dictated digits: single digits
without a unit (the last may have one), at most four, each ending its clause (the last may have a
unit instead), each gap at most six words of a closed filler list; whole euros end their clause too.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from decimal import Decimal, DivisionByZero, InvalidOperation
from functools import lru_cache
from itertools import product

from personas.numerals import Numeral, Quantity, numeral_text, numerals
from personas.text_fold import WORD

_BINARY = re.compile(
    r"[\s,.;:!?…]*(?:(?P<add>plus|\+)|(?P<sub>moins|minus|less|−)"
    r"|(?P<mul>fois|times|multiplied by|multiplie par|x|×|\*)|(?P<div>divided by|divise par|÷))[\s,.;:…]*"
)
_OPERATOR_NEXT = re.compile(r"\s*(?:divided by|divise par|multiplied by|multiplie par|minus|less)\b")
_OPS = {"add": "+", "sub": "-", "mul": "*", "div": "/"}
_PREFIX = re.compile(
    r"\b(?:(?P<half>moitie|half)|(?P<third>tiers|third)|(?P<quarter>quart|quarter)|(?P<double>double|twice)"
    r"|(?P<triple>triple|thrice))(?: (?:de|des|du|of))?(?: (?:the|your|our|their|vos|nos|les|leurs|ses))?"
    r"(?: |d')$"
)
_FACTORS = {"half": (1, 2), "third": (1, 3), "quarter": (1, 4), "double": (2, 1), "triple": (3, 1)}
"""What a word before a number does to it: (multiply by, divide by)."""
_FILLERS = frozenset(
    "et puis ensuite apres alors enfin donc le la les l premier premiere deuxieme second seconde troisieme "
    "quatrieme dernier derniere chiffre chiffres nombre numero c'est est suivi suivie de du d je veux dire "
    "pardon virgule point pour ca fait voila and then next after that first third fourth last digit "
    "digits number figure the an is it's its followed by i mean sorry comma decimal cents centimes for "
    "so comes".split()
)
"""Words that may stand between digits dictated one by one ("Premier chiffre : un. Deuxième : huit.");
not "a" (a folded "à": "2 à 3 %" is a range), nor "ou", "or", "to"."""
_CLAUSE_END = re.compile(r"\s*(?:[.,;:!?…]|$)")
_MAX_OPERANDS = 6


@lru_cache(maxsize=4096)
def composed(text: str) -> tuple[Quantity, ...]:
    """The values `text` computes (arithmetic) and the numbers it dictates over several clauses."""
    found = numerals(text)
    if not found:
        return ()
    norm = numeral_text(text)
    return (*_expressions(norm, found), *_dictated(norm, found), *_euros_and_cents(norm, found))


# --- arithmetic -------------------------------------------------------------------------------------


def _expressions(norm: str, numbers: Sequence[Numeral]) -> list[Quantity]:
    """Each chain of operands and operators, evaluated."""
    found = [_operator_no_unit(norm, n) for n in numbers]
    out: list[Quantity] = []
    i = 0
    while i < len(found):
        ops: list[str] = []
        j = i
        while j + 1 < len(found) and len(ops) < _MAX_OPERANDS - 1:
            op = _binary(norm, found[j], found[j + 1])
            if op is None:
                break
            ops.append(op)
            j += 1
        chain = found[i : j + 1]
        factors = [_prefix(norm, found[k - 1].end if k else 0, found[k]) for k in range(i, j + 1)]
        if (ops or factors[0] is not None) and _whole_runs(found, i, j):
            quantity = _evaluate(chain, ops, factors)
            if quantity is not None:
                out.append(quantity)
        i = j + 1
    return out


def _operator_no_unit(norm: str, n: Numeral) -> Numeral:
    """`n`, unless an operator word was read as its unit ("36 divided by 2": "divided" is no noun)."""
    if n.unit is not None and n.unit.startswith("~") and _OPERATOR_NEXT.match(norm, n.end):
        return replace(n, unit=None, unit_end=n.end)
    return n


def _whole_runs(found: Sequence[Numeral], i: int, j: int) -> bool:
    """Whether `found[i..j]` cuts no number written with others ("3 × 8, 95 M€": 8 is part of "8, 95")."""
    starts = i == 0 or found[i - 1].run != found[i].run
    return starts and (j + 1 == len(found) or found[j + 1].run != found[j].run)


def _operand(n: Numeral) -> bool:
    """Whether a numeral can be an operand: a lone article only before no noun ("plus un", not
    "plus une remise")."""
    return not (n.article and n.unit is not None and n.unit.startswith("~"))


def _binary(norm: str, left: Numeral, right: Numeral) -> str | None:
    """The operator between two numerals ("+", "-", "*", "/"), if only one stands there."""
    if not (_operand(left) and _operand(right)):
        return None
    if left.unit == "times" and not norm[left.unit_end : right.start].strip(" ,.;:…"):
        return "*"  # "trois fois six": "fois" was read as the unit of "trois"
    match = _BINARY.fullmatch(norm, left.unit_end, right.start)
    if match is None or match.lastgroup is None:
        return None
    return _OPS[match.lastgroup]


def _prefix(norm: str, since: int, n: Numeral) -> tuple[int, int] | None:
    """The factor a word right before a numeral applies to it ("la moitié de", "twice")."""
    if not _operand(n):
        return None
    match = _PREFIX.search(norm, since, n.start)
    if match is None or match.lastgroup is None:
        return None
    return _FACTORS[match.lastgroup]


def _unit(chain: Sequence[Numeral]) -> tuple[bool, str | None]:
    """(whether the operands' units agree, the unit of the result)."""
    units = {"money" if n.unit == "cents" else n.unit for n in chain} - {None, "times"}
    if "%" in units:
        units.discard("~point")  # "20 % minus 2 points"
    if len(units) > 1:
        return False, None
    return True, next(iter(units), None)


def _values(n: Numeral, factor: tuple[int, int] | None) -> list[Decimal]:
    """What an operand says ("dix centimes": 0.10 €), its prefix applied ("la moitié de 36": 18)."""
    times, divided = factor or (1, 1)
    per = 100 if n.unit == "cents" else 1
    return [Decimal(v) * times / (divided * per) for v in sorted(n.values)][:3]


def _evaluate(
    chain: Sequence[Numeral], ops: Sequence[str], factors: Sequence[tuple[int, int] | None]
) -> Quantity | None:
    agree, unit = _unit(chain)
    if not agree:
        return None
    results: set[str] = set()
    for operands in product(*(_values(n, f) for n, f in zip(chain, factors, strict=True))):
        value = _fold(operands, ops)
        if value is not None and value >= 0:
            results.add(_canonical(value))
    return Quantity(frozenset(results), unit) if results else None


def _fold(operands: Sequence[Decimal], ops: Sequence[str]) -> Decimal | None:
    """`operands` joined by `ops`, × and ÷ first."""
    terms, signs = [operands[0]], []
    try:
        for op, value in zip(ops, operands[1:], strict=True):
            if op == "*":
                terms[-1] *= value
            elif op == "/":
                terms[-1] /= value
            else:
                terms.append(value)
                signs.append(op)
    except (DivisionByZero, InvalidOperation):
        return None
    total = terms[0]
    for sign, term in zip(signs, terms[1:], strict=True):
        total = total + term if sign == "+" else total - term
    return total


def _canonical(value: Decimal) -> str:
    return format(value.normalize(), "f")


# --- numbers said in pieces, over several clauses ------------------------------------------------------


def _filler(gap: str) -> bool:
    """Whether only punctuation and filler words stand in `gap` (no number, no unit symbol), the
    numerals on either side standing apart ("BLOC2.A2" is a code)."""
    if not gap or gap[0].isalnum() or gap[-1].isalnum():
        return False
    words = WORD.findall(gap)
    if len(words) > 6 or any(w not in _FILLERS for w in words):
        return False
    return not re.search(r"[\w%€$£]", WORD.sub("", gap))


def _digit(n: Numeral) -> bool:
    return len(n.digits) == 1 and n.digits.isdigit()


def _ends_clause(norm: str, n: Numeral) -> bool:
    """Whether the last digit said ends its clause, or has a unit ("huit pour cent"; not "une marge")."""
    if n.unit is not None:
        return not n.unit.startswith("~")
    return bool(_CLAUSE_END.match(norm, n.unit_end))


def _dictated(norm: str, found: Sequence[Numeral]) -> list[Quantity]:
    """Single digits said one by one over clauses or sentences, read together."""
    out: list[Quantity] = []
    i = 0
    while i < len(found):
        j = i
        while (
            j + 1 < len(found)
            and j - i < 3
            and found[j].unit is None
            and _digit(found[j])
            and _ends_clause(norm, found[j])
            and _digit(found[j + 1])
            and _filler(norm[found[j].unit_end : found[j + 1].start])
        ):
            j += 1
        chain = found[i : j + 1]
        if len({n.run for n in chain}) > 1 and _ends_clause(norm, chain[-1]):
            digits = "".join(n.digits for n in chain)
            out.append(Quantity(frozenset(), chain[-1].unit, _readings(digits), alone=False))
        i = j + 1
    return out


def _readings(digits: str) -> frozenset[str]:
    """What digits said one by one read as: "18", "1.8"."""
    splits = (f"{digits[:k]}.{digits[k:]}" for k in range(1, len(digits)) if digits[k:].strip("0"))
    return frozenset(_canonical(Decimal(d)) for d in (digits, *splits))


def _euros_and_cents(norm: str, found: Sequence[Numeral]) -> list[Quantity]:
    """Whole euros, then their cents in another clause: "Quatre euros. Et pour les centimes : dix."."""
    out: list[Quantity] = []
    for euros, cents in zip(found, found[1:], strict=False):
        if euros.unit != "money" or euros.run == cents.run or len(cents.digits) > 2:
            continue
        if not _CLAUSE_END.match(norm, euros.unit_end):
            continue  # "4 € et 10 de plus": one clause, not an amount said in two
        if cents.unit not in (None, "cents") or (cents.unit is None and not _ends_clause(norm, cents)):
            continue
        if not _filler(norm[euros.unit_end : cents.start]):
            continue
        wholes = [Decimal(v) for v in euros.values if "." not in v]
        part = Decimal(cents.digits)
        fractions = {part / 100} | ({part / 10} if cents.unit is None and len(cents.digits) == 1 else set())
        values = frozenset(_canonical(w + f) for w in wholes for f in fractions)
        if values:
            out.append(Quantity(values, "money"))
    return out
