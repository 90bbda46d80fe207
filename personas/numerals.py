"""The numeral reader: every number a text writes, however it is written, FR and EN.

- `quantities` reads every number a text writes: digits with any separators ("4,10", "4.1.0", "4-10",
  "4 10", "4/10", "4 € 10"), number words FR and EN with or without a unit ("dix-huit",
  "quatre-vingt-dix", "a hundred and twenty", "four point one zero"), digit by digit ("un huit",
  "one-eight"), letter by letter ("t-r-e-n-t-e"), Roman numerals ("XVIII"), other digit sets ("４",
  "٤") and invisible characters. Each number comes with its unit (a class such as "%", "money", "day",
  "store"; "~" and the stem of another noun; None when bare) and, for numerals written side by side,
  the other values they can be read as together ("4-10" also reads 4.10 and 410);
- `figures` is the plainer reading: digits anywhere, number words only before a unit;
- `numeral_text` is the text `quantities` reads: numerals in one writing;
- `numerals` gives the same numbers one by one with where they stand in it (for `personas.arithmetic`).

Limits: French and English number words only, up to the billions; a lone "un", "une", "one" (an
article), or a lone "neuf", "zéro", "cent", "mille", "hundred"… or a small number after "les", "the"…
(a pronoun) without a unit is read but marked untrusted; a lone "I" and Roman numerals glued to a
figure or followed by ".", "€", "%"… ("2,4 M€", "M. Martin") are not numbers; numerals written side by
side are read together over at most four of them and ten digits; units are a closed list of classes,
and any other noun after a number stands as "~" and its first six letters (a final "s" or "x" dropped).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from personas.text_fold import normalise

# --- figures --------------------------------------------------------------------------------------

_DIGITS = re.compile(r"\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)*")

_UNIT = (
    r"(?:%|pour ?cent|percent|per ?cent|jours?|days?|mois|months?|semaines?|weeks?|ans|annees?|years?"
    r"|euros?|eur|€|k€|dollars?|\$|heures?|hours?|minutes?|unites?|units?|points?|pieces?|palettes?"
    r"|tonnes?|tons?|magasins?|stores?|millions?|milliards?|mille|thousand|centimes?|cents?)"
)

_NUMBER_WORDS: dict[str, int] = {
    # French
    "zero": 0,
    "deux": 2,
    "trois": 3,
    "quatre": 4,
    "cinq": 5,
    "six": 6,
    "sept": 7,
    "huit": 8,
    "neuf": 9,
    "dix": 10,
    "onze": 11,
    "douze": 12,
    "treize": 13,
    "quatorze": 14,
    "quinze": 15,
    "seize": 16,
    "vingt": 20,
    "vingts": 20,
    "trente": 30,
    "quarante": 40,
    "cinquante": 50,
    "soixante": 60,
    "quatrevingt": 80,
    "cent": 100,
    "cents": 100,
    "mille": 1000,
    # English
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
    "hundred": 100,
    "thousand": 1000,
}
_ONE = {"un": 1, "une": 1, "one": 1}
_JOINERS = {"et", "and"}
_NUMBER_WORDS_LONGEST_FIRST = "|".join(sorted([*_NUMBER_WORDS, *_ONE], key=len, reverse=True))
_WORD_NUMBER = re.compile(
    rf"\b((?:(?:{_NUMBER_WORDS_LONGEST_FIRST})[\s-]+(?:(?:et|and)[\s-]+)?)*(?:{_NUMBER_WORDS_LONGEST_FIRST}))\s+{_UNIT}(?!\w)"
)


@lru_cache(maxsize=16384)
def figures(text: str) -> frozenset[Decimal]:
    """The numeric values a text states: digits anywhere, number words before a unit."""
    norm = normalise(text).replace("quatre-vingts", "quatrevingt").replace("quatre-vingt", "quatrevingt")
    values: set[Decimal] = set()
    for match in _DIGITS.finditer(norm):
        values |= _digit_values(match.group(0))
    for match in _WORD_NUMBER.finditer(norm):
        value = _word_value(match.group(1))
        if value is not None:
            values.add(Decimal(value))
    return frozenset(values)


def _digit_values(token: str) -> set[Decimal]:
    token = re.sub(r"[ \u00a0\u202f]", "", token)
    seps = [c for c in token if c in ".,"]
    candidates: list[str] = []
    if not seps:
        candidates.append(token)
    elif len(set(seps)) == 2:
        decimal = seps[-1]
        thousands = "," if decimal == "." else "."
        candidates.append(token.replace(thousands, "").replace(decimal, "."))
    elif len(seps) > 1:
        candidates.append(token.replace(seps[0], ""))
    else:
        whole, frac = token.split(seps[0])
        candidates.append(f"{whole}.{frac}")
        if len(frac) == 3:
            candidates.append(whole + frac)
    out: set[Decimal] = set()
    for c in candidates:
        try:
            out.add(Decimal(c).normalize())
        except InvalidOperation:
            continue
    return out


def _word_value(words: str) -> int | None:
    total, current = 0, 0
    tokens = [t for t in re.split(r"[\s-]+", words) if t and t not in _JOINERS]
    if len(tokens) == 1 and tokens[0] in _ONE:
        return None
    for token in tokens:
        value = _NUMBER_WORDS.get(token, _ONE.get(token))
        if value is None:
            return None
        if value == 100:
            current = max(current, 1) * 100
        elif value == 1000:
            total += max(current, 1) * 1000
            current = 0
        else:
            current += value
    return total + current


# --- numerals in every written form ---------------------------------------------------------------

_ROMAN = re.compile(r"(?<![\w'’])[MDCLXVI]+(?![\w'’])")
_ROMAN_VALID = re.compile(r"M{0,3}(?:CM|CD|D?C{0,3})(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})")
_ROMAN_VALUES = {"M": 1000, "D": 500, "C": 100, "L": 50, "X": 10, "V": 5, "I": 1}
_INVISIBLE = re.compile(
    r"[\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff\ufe00-\ufe0f\u20d0-\u20ff]"
)
_OTHER_SCRIPT = re.compile(r"[^\x00-\u024f\u2000-\u206f\u20ac]")

_PIECES: dict[str, int] = {
    "zero": 0,
    "un": 1,
    "une": 1,
    "deux": 2,
    "trois": 3,
    "quatre": 4,
    "cinq": 5,
    "six": 6,
    "sept": 7,
    "huit": 8,
    "neuf": 9,
    "dix": 10,
    "onze": 11,
    "douze": 12,
    "treize": 13,
    "quatorze": 14,
    "quinze": 15,
    "seize": 16,
    "vingt": 20,
    "vingts": 20,
    "trente": 30,
    "quarante": 40,
    "cinquante": 50,
    "soixante": 60,
    "septante": 70,
    "huitante": 80,
    "octante": 80,
    "nonante": 90,
    "quatrevingt": 80,
    "quatrevingts": 80,
    "cent": 100,
    "cents": 100,
    "mille": 1000,
    "million": 10**6,
    "millions": 10**6,
    "milliard": 10**9,
    "milliards": 10**9,
    "nought": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fourty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
    "hundred": 100,
    "hundreds": 100,
    "thousand": 1000,
    "thousands": 1000,
    "billion": 10**9,
    "billions": 10**9,
}
_ARTICLES = frozenset({"un", "une", "one"})
"""Alone, an article ("une hausse", "one reason"), never a figure worth guarding."""
_DOUBTFUL = frozenset({"neuf", "zero", "nought", "cent", "mille", "hundred", "thousand"})
"""Alone and without a unit, these are seldom numbers: "new", "from scratch", "a hundred percent"."""
_PRONOUN_BEFORE = re.compile(
    r"\b(?:les|des|aux|ces|nos|vos|mes|tes|ses|leurs|tous|toutes|the|these|those|all)\s$"
)
"""Before a small number with no unit, the number is a pronoun: "les deux", "the two of them"."""


def _trie(words: Sequence[str]) -> str:
    """One regular expression for many words, their common prefixes merged (much faster to match)."""
    root: dict[str, dict] = {}
    for word in words:
        node = root
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict[str, dict]) -> str:
        alts = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        return f"(?:{body})?" if "" in node else body

    return build(root)


NUMBER_PIECE = _trie(list(_PIECES))
"""A regular expression (source) for one number word or piece of one ("vingt", "quatre", "hundred")."""
_PIECE = re.compile(NUMBER_PIECE)
_NUMBER_WORD = re.compile(rf"(?:{NUMBER_PIECE})+")
_SPELLED = re.compile(r"(?<![\w'])(?:[a-z][ .\-_*·]){2,}[a-z](?![\w'])", re.IGNORECASE)
_ATOM = re.compile(
    rf"(?P<d>\d{{1,3}}(?: \d{{3}})+(?:[.,]\d+)?(?!\d)|\d+(?:[.,]\d+)*)|(?P<w>\b(?:{NUMBER_PIECE})+\b)"
    r"|(?P<half>\b(?:demie?|half)\b)"
)
_GAP = re.compile(
    r"[^\w%€$£]{0,4}"
    r"|[^\w%€$£]{0,3}(?:(?P<dec>virgule|point|comma|dot)|(?P<cur>euros?|eur|dollars?|€|\$|£)(?: et| and)?"
    r"|et|and|and an?|puis|et puis|ensuite|then|and then)[^\w%€$£]{0,3}"
)
"""What may stand between two numerals read together: punctuation, a decimal word, a currency, "and",
"then" ("quatre, puis un, puis zéro")."""
_FRENCH_HUNDREDS = re.compile(r"\b(?:deux|trois|quatre|cinq|six|sept|huit|neuf)[\s-]+$")
"""Before "cents", the only words that make it hundreds ("trois cents"; "thirty cents" is money)."""
_RANGE = re.compile(r"\s*(?:-|–|—|a|au|to|ou|or|jusqu'a|up to)\s*")

_UNITS: dict[str, str] = {}
for _cls, _words in {
    "%": "% pourcent pourcents percent percents pct",
    "money": "€ $ £ eur euro euros usd dollar dollars gbp",
    "cents": "centime centimes cents",
    "day": "j jour jours journee journees day days",
    "week": "semaine semaines sem week weeks wk wks",
    "month": "mois month months",
    "year": "an ans annee annees year years yr yrs",
    "hour": "h heure heures hour hours hr hrs",
    "minute": "min mins mn minute minutes",
    "date": "janvier fevrier mars avril mai juin juillet aout septembre octobre novembre decembre january "
    "february march april may june july august september october november december",
    "store": "magasin magasins store stores shop shops boutique boutiques outlet outlets",
    "unit": "unite unites unit units piece pieces pcs article articles item items reference references sku skus",
    "times": "fois times",
    "site": "entrepot entrepots warehouse warehouses site sites usine usines plant plants plateforme plateformes",
    "container": "conteneur conteneurs container containers",
    "truck": "camion camions truck trucks lorry lorries",
    "people": "personne personnes people persons person salarie salaries employe employes employee employees "
    "commerciaux salespeople collaborateur collaborateurs",
    "window": "fenetre fenetres window windows",
    "home": "logement logements home homes",
    "order": "commande commandes order orders",
    "degree": "° degre degres degree degrees",
    "ordinal": "er re e eme ieme nd rd th st",
}.items():
    _UNITS.update(dict.fromkeys(_words.split(), _cls))
_SCALES = {"k": 1000, "m": 10**6, "md": 10**9, "mds": 10**9, "bn": 10**9, "mn": 10**6}
_SEE_THROUGH = frozenset(
    "maximum minimum max min maxi mini tops top flat seulement only pile exactement exactly environ about "
    "around approximately approx net nets nette nettes brut bruts ht ttc hors taxe taxes ferme fermes firm "
    "final finale nouveaux nouvelles nouveau nouvelle premiers premieres derniers dernieres autres grands "
    "grandes gros petits petites bons bonnes new big large small other extra additional full whole last "
    "first next nos vos mes tes ses leurs ces our your their these those".split()
)
"""Words between a number and its unit ("18 nouveaux magasins"), or after a bare one ("18 maximum")."""
_BARE_AFTER = frozenset(
    "et ou a au aux de du des le la les en dans sur pour par avec sans que qui quoi ce cela ca est sont "
    "etait serait sera je tu il elle nous vous ils elles on me te se ne pas plus moins mais donc or ni car "
    "si comme chez vers contre entre apres avant pendant jusqu voila tout tous toute toutes deja encore "
    "and to the an for on in at by with from per is are was were be been it that this but so if as than "
    "then we you he she they not no less still already even just also your our my their his her its "
    "voici alors ici here there them us eux".split()
)
_PERCENT_POINTS = re.compile(
    r" (?:de |d'|of )?(?:prix|marge|remise|pourcentage|price|margin|discount|percentage)"
)
_DETERMINER_NEXT = re.compile(r" (?:nos|vos|mes|ces|leurs|our|your|the|these|those|their)\b")
_UNIT_AFTER = re.compile(r"[\s-]*(?:(?P<sym>[%€$£°])|(?P<w>[a-z]+(?:'[a-z]+)?))")
_CURRENCY_BEFORE = re.compile(r"(?:[€$£]|\beur|\busd|\bgbp)\s*$")


@dataclass(frozen=True)
class Quantity:
    """A number a text writes."""

    values: frozenset[str]  # what it says, as canonical decimals ("4.1", "410000")
    unit: str | None  # "%", "money", "day", "store"…, "~stem" for another noun, None when bare
    readings: frozenset[str] = frozenset()  # what the numerals around it read as together ("4-10": 4.1)
    trusted: bool = True  # False: a lone "un", "neuf"… without a unit, probably not a number
    alone: bool = True  # the only numeral of its run


def _canon(number: str) -> str:
    whole, _, frac = number.partition(".")
    whole = whole.lstrip("0") or "0"
    frac = frac.rstrip("0")
    return f"{whole}.{frac}" if frac else whole


def _times(value: str, factor: int | Decimal) -> str:
    return _canon(format(Decimal(value) * factor, "f"))


def _roman(match: re.Match[str]) -> str:
    token, text = match.group(0), match.string
    if token == "I" or not _ROMAN_VALID.fullmatch(token):
        return token
    if text[: match.start()].rstrip()[-1:].isdigit() or text[match.end() : match.end() + 1] in tuple(
        ".€$£%°"
    ):
        return token  # a unit ("2,4 M€", "12 CM") or an initial ("M. Martin")
    total = 0
    for ch, nxt in zip(token, token[1:] + " ", strict=True):
        value = _ROMAN_VALUES[ch]
        total += -value if value < _ROMAN_VALUES.get(nxt, 0) else value
    return str(total)


def _plain_char(match: re.Match[str]) -> str:
    ch = match.group(0)
    category = unicodedata.category(ch)
    if category == "Nd":
        return str(unicodedata.decimal(ch))
    return "" if category in ("Mn", "Me", "Cf") else ch


def _join_spelled(match: re.Match[str]) -> str:
    word = re.sub(r"[ .\-_*·]", "", match.group(0)).lower()
    return word if _NUMBER_WORD.fullmatch(word) else match.group(0)


@lru_cache(maxsize=4096)
def numeral_text(text: str) -> str:
    """`normalise`d, with numerals in one writing: ASCII digits (from any digit set), Roman numerals as
    digits, "pour cent" as "%", "quatre-vingt" as one word, words spelled letter by letter joined."""
    if not text.isascii():
        text = _INVISIBLE.sub("", text)
        text = _OTHER_SCRIPT.sub(_plain_char, unicodedata.normalize("NFKC", text))
    if _SPELLED.search(text):  # before Roman numerals: "C-I-N-Q" is not 100
        text = _SPELLED.sub(_join_spelled, text)
    if _ROMAN.search(text):
        text = _ROMAN.sub(_roman, text)
    norm = normalise(text)
    if "cent" in norm:
        norm = re.sub(r"\b(?:pour|per)[ -]?cents?\b", "%", norm)
    if "vingt" in norm:
        norm = re.sub(r"\bquatre[ -]vingt", "quatrevingt", norm)
    return norm


class _Number:
    """One number being read from digits or number words."""

    __slots__ = (
        "start",
        "end",
        "digits",
        "values",
        "words",
        "total",
        "current",
        "last",
        "big",
        "decimals",
        "doubtful",
        "article",
    )

    def __init__(self, start: int, end: int, digits: str = "", words: bool = False, doubtful: bool = False):
        self.start, self.end = start, end
        self.digits = digits  # digits as written, separators included ("4,10")
        self.values: set[str] = {_canon(v) for v in _digit_values_str(digits)} if digits else set()
        self.words = words
        self.total = self.current = self.last = self.big = 0
        self.decimals = ""  # after "virgule", "point"
        self.doubtful = doubtful  # "neuf", "zéro", "les deux": maybe not a number when it stands alone
        self.article = False  # "un", "une", "one": an article when it stands alone

    def value_set(self) -> set[str]:
        if self.words:
            whole = str(self.total + self.current)
            return {_canon(f"{whole}.{self.decimals}" if self.decimals else whole)}
        if self.decimals:
            return {_canon(f"{re.sub(r'[^0-9]', '', self.digits)}.{self.decimals}")}
        return self.values

    def digit_string(self) -> str:
        if self.words:
            return str(self.total + self.current) + self.decimals
        return re.sub(r"\D", "", self.digits) + self.decimals

    def add_word(self, value: int) -> bool:
        """Add a number word to this one ("vingt" + "et un", "deux" + "cents"); False: it starts another."""
        if not self.words or self.decimals:
            return False
        if value == 100:
            if self.current >= 100 or self.last == 100:
                return False
            self.current = max(self.current, 1) * 100
            self.last = 100
        elif value >= 1000:
            if self.big and value >= self.big:
                return False
            self.total += max(self.current, 1) * value
            self.current, self.last, self.big = 0, value, value
        else:
            last = self.last
            if last >= 100:
                fits = value < 100
            elif last in (60, 80):
                fits = 0 < value < 20
            elif last in (10, 20, 30, 40, 50, 70, 90):
                fits = 0 < value < 10
            else:
                fits = False
            if not fits:
                return False
            self.current += value
            self.last = value
        self.doubtful = self.article = False
        return True


def _digit_values_str(token: str) -> set[str]:
    return {format(v, "f") for v in _digit_values(token)}


@lru_cache(maxsize=4096)
def quantities(text: str, readings: bool = True) -> tuple[Quantity, ...]:
    """Every number `text` writes, in any written form, with its unit (and its other readings)."""
    out: list[Quantity] = []
    for run, (unit, scale, _end) in _units(numeral_text(text)):
        out.extend(_read_run(run, unit, scale, readings))
    return tuple(out)


@dataclass(frozen=True)
class Numeral:
    """One number as written, and where it stands in `numeral_text(text)`: what `personas.arithmetic`
    reads operators and dictated digits around."""

    start: int
    end: int  # where the numeral ends
    unit_end: int  # where its unit (or scale) ends: `end` when it has none, or for a run's first numerals
    values: frozenset[str]  # as `Quantity.values`, the scale applied ("2,4 M€": 2.4 and 2400000)
    digits: str  # its digits as said, in order ("4", "10", "18")
    unit: str | None  # as `Quantity.unit`, except "cents", left as written
    run: int  # numerals written side by side share a run
    article: bool  # a lone "un", "une", "one": maybe an article


@lru_cache(maxsize=4096)
def numerals(text: str) -> tuple[Numeral, ...]:
    """Every number `text` writes, where it is, in order (see `Numeral`)."""
    out: list[Numeral] = []
    for index, (run, (unit, scale, unit_end)) in enumerate(_units(numeral_text(text))):
        for n in run:
            values = n.value_set()
            if scale != 1:
                values |= {_times(v, scale) for v in values}
            end = unit_end if n is run[-1] else n.end
            alone = len(run) == 1
            article = alone and n.article
            out.append(
                Numeral(n.start, n.end, end, frozenset(values), n.digit_string(), unit, index, article)
            )
    return tuple(out)


def _units(norm: str) -> list[tuple[list[_Number], tuple[str | None, int, int]]]:
    """The runs of numerals of a `numeral_text`, each with its unit, scale and where they end."""
    runs = _runs(norm)
    units = [_unit(norm, run, money) for run, money in runs]
    for i in range(len(runs) - 2, -1, -1):  # "de 45 à 60 jours": the first bound takes the unit
        if (
            units[i][0] is None
            and units[i + 1][0] is not None
            and _RANGE.fullmatch(norm, runs[i][0][-1].end, runs[i + 1][0][0].start)
        ):
            units[i] = (*units[i + 1][:2], units[i][2])
    return [(run, unit) for (run, _money), unit in zip(runs, units, strict=True)]


def _runs(norm: str) -> list[tuple[list[_Number], bool]]:
    """The numerals of a text, grouped into runs of numerals written side by side."""
    runs: list[tuple[list[_Number], bool]] = []
    run: list[_Number] = []
    money = decimal = False
    for match in _ATOM.finditer(norm):
        glue = _GAP.fullmatch(norm, run[-1].end, match.start()) if run else None
        if run and glue is None:
            runs.append((run, money))
            run, money, decimal = [], False, False
        elif glue is not None:
            decimal = decimal or bool(glue.group("dec"))
            money = money or bool(glue.group("cur"))
        last = run[-1] if run else None
        if match.group("half"):  # "trois et demi", "two and a half"
            joined = glue is not None and re.search(r"\b(?:et|and)\b", glue.group(0))
            if last is not None and joined and not last.decimals:
                last.decimals, last.end = "5", match.end()
            continue
        if match.group("d"):
            token = match.group("d")
            if decimal and last is not None and not re.search(r"[.,]", last.digits):
                last.decimals += re.sub(r"\D", "", token)
                last.end, last.doubtful, last.article = match.end(), False, False
            else:
                run.append(_Number(match.start(), match.end(), digits=token))
            continue
        word = match.group("w")
        for piece in _PIECE.findall(word):
            value = _PIECES[piece]
            last = run[-1] if run else None
            if decimal and last is not None and value < 100:
                last.decimals += str(value)
                last.end, last.doubtful, last.article = match.end(), False, False
                continue
            if last is not None and not last.words and value >= 100:
                if value == 100:  # "10 cents": a unit, not a hundred
                    break
                last.values = {_times(v, value) for v in last.value_set()} | last.value_set()
                last.end = match.end()
                continue
            if piece == "cents" and not _FRENCH_HUNDREDS.search(norm, 0, match.start()):
                break  # "thirty cents", "two cents", "the cents": a unit or a noun, not hundreds
            if last is not None and last.add_word(value):
                last.end = match.end()
                continue
            doubtful = piece in _DOUBTFUL or (
                value <= 3 and bool(_PRONOUN_BEFORE.search(norm, 0, match.start()))
            )
            number = _Number(match.start(), match.end(), words=True, doubtful=doubtful)
            number.article = piece in _ARTICLES
            if value == 100:
                number.current, number.last = 100, 100
            elif value >= 1000:
                number.total, number.last, number.big = value, value, value
            else:
                number.current, number.last = value, value
            run.append(number)
        else:
            continue
        if run:
            runs.append((run, money))  # "cents" after digits, or alone, ends the run
        run, money, decimal = [], False, False
    if run:
        runs.append((run, money))
    return runs


def _unit(norm: str, run: list[_Number], money: bool) -> tuple[str | None, int, int]:
    """The unit written after a run (or a currency before it), a scale ("12 M€", "310k"), and where
    what was read as its unit or scale ends."""
    scale, end = 1, run[-1].end
    if money or _CURRENCY_BEFORE.search(norm, max(0, run[0].start - 5), run[0].start):
        unit: str | None = "money"
    else:
        unit = None
    pos = run[-1].end
    for _ in range(4):
        match = _UNIT_AFTER.match(norm, pos)
        if match is None:
            break
        if match.group("sym"):
            return _UNITS[match.group("sym")], scale, match.end()
        word = match.group("w")
        glued = match.start("w") == run[-1].end  # "1er", "3rd", "48h", "12m"
        if word.startswith("d'"):
            word = word[2:]
        if word in _SCALES and (glued or pos == run[-1].end) and scale == 1:
            scale, pos = _SCALES[word], match.end()
            end = pos
            continue
        if unit is not None:
            break
        if word in ("point", "points", "pt", "pts"):  # "points de vente", "2 points de marge", "three points"
            after = norm[match.end() : match.end() + 20]
            if after.startswith(" de vente"):
                return "store", scale, match.end()
            return ("%" if _PERCENT_POINTS.match(after) else "~point"), scale, match.end()
        known = _UNITS.get(word)
        if known is not None:
            return known, scale, match.end()
        if glued:
            break
        if word in _SEE_THROUGH or (word in ("de", "of") and _DETERMINER_NEXT.match(norm, match.end())):
            pos = match.end()  # "18 nouveaux magasins", "3 de nos entrepôts"; but "95 de taux" is bare
            continue
        if word in _BARE_AFTER or "'" in word or len(word) < 3:
            break
        return "~" + (word[:-1] if len(word) > 4 and word[-1] in "sx" else word)[:6], scale, match.end()
    return unit, scale, end


def _read_run(run: list[_Number], unit: str | None, scale: int, other_readings: bool) -> list[Quantity]:
    strings = [n.digit_string() for n in run]
    readings: set[str] = set()
    for i in range(len(run) if other_readings else 0):
        joined = ""
        for j in range(i, min(len(run), i + 4)):
            joined += strings[j]
            if len(joined) > 10:
                break
            if j == i and (len(run) > 1 or (run[i].words and not run[i].decimals) or len(joined) < 2):
                continue  # a number alone is read otherwise only when its digits were written
            readings.add(_canon(joined))
            readings.update(
                _canon(f"{joined[:k]}.{joined[k:]}") for k in range(1, len(joined)) if joined[k:].strip("0")
            )
    extra: Decimal | int = Decimal("0.01") if unit == "cents" else scale
    if unit == "cents":
        unit = "money"
    out = []
    for n in run:
        values = n.value_set()
        if extra != 1:
            values = values | {_times(v, extra) for v in values}
        alone = len(run) == 1
        trusted = not (alone and (n.article or (n.doubtful and unit is None)))
        out.append(
            Quantity(frozenset(values), unit, frozenset(readings - values), trusted=trusted, alone=alone)
        )
    return out
