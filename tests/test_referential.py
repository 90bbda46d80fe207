"""feedback/referential.yaml against the referential's own text and DESIGN.md.

The referential (../shared/referentiel-manager-developpement-commercial.md) is parsed here
independently of the YAML: its tables are tab-separated rows (activity, competency, modality,
criteria); each criterion cell is `A<n>.C<n>.CR<n>` followed by bullets `- ...`.
The shared folder is `ORALBLANC_SHARED_DIR` when set, else `shared/` beside the repository.
"""

from __future__ import annotations

import copy
import os
import re
from functools import cache
from pathlib import Path

import pytest
from pydantic import ValidationError
from ruamel.yaml import YAML

from feedback import referential as ref

REFERENTIAL_MD = "referentiel-manager-developpement-commercial.md"
YAML_PATH = Path(ref.__file__).with_name("referential.yaml")

CRITERION_RE = re.compile(r"\b(A\d+\.C\d+\.CR\d+)\b")
MODALITY_CELL_RE = re.compile(r"^((?:A\d+\.)(?:[AC]\d+\.)*M\d+) ")
UL_TAG = '<ul style="list-style-type: none">'


def shared_dir() -> Path:
    env = os.environ.get("ORALBLANC_SHARED_DIR")
    return Path(env) if env else Path(__file__).resolve().parents[2] / "shared"


CARRIED = Path(__file__).resolve().parent / "data"  # the copy the repository carries (tests/data/SOURCES.md)


@cache
def _read_shared(name: str) -> str:
    """A file of the shared folder when it is there, else the repository's own copy."""
    for path in (shared_dir() / name, CARRIED / name):
        if path.is_file():
            return path.read_text(encoding="utf-8")
    pytest.fail(f"{name} not found in {shared_dir()} nor {CARRIED}")


def md_text() -> str:
    return _read_shared(REFERENTIAL_MD)


def strip_tags(text: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", text)).strip()


@cache
def md_sections() -> dict[int, list[list[str]]]:
    """Table rows (cells) per block number, from the `BLOC <n>` row to the next one."""
    sections: dict[int, list[list[str]]] = {}
    current: int | None = None
    for line in md_text().splitlines():
        if "\t" not in line:
            continue
        cells = [c.strip() for c in line.split("\t")]
        m = re.match(r"BLOC (\d+) ", cells[0])
        if m:
            current = int(m.group(1))
            sections[current] = []
        if current is not None:
            sections[current].append(cells)
    return sections


@cache
def md_criteria() -> dict[str, str]:
    """`BLOC<n>.<code>` -> the criterion cell's text after the code (bullets), for every criterion."""
    found: dict[str, str] = {}
    for block, rows in md_sections().items():
        for cells in rows:
            for cell in cells:
                m = re.match(r"(A\d+\.C\d+\.CR\d+)\s+(.*)$", cell)
                if m:
                    cid = f"BLOC{block}.{m.group(1)}"
                    assert cid not in found, f"{cid} printed twice"
                    found[cid] = m.group(2).replace(UL_TAG, " ").strip()
    return found


def count_bullets(body: str) -> int:
    """Bullets of a criterion cell: ` - ` separators outside parentheses (e.g. 'CECRL - Cadre ...')."""
    flat = body
    while True:
        reduced = re.sub(r"\([^()]*\)", "(…)", flat)
        if reduced == flat:
            break
        flat = reduced
    return len(re.findall(r"(?:^|\s)- ", flat))


@cache
def md_modalities() -> dict[str, str]:
    """`BLOC<n>.<code>` -> the modality cell (with its HTML)."""
    found: dict[str, str] = {}
    for block, rows in md_sections().items():
        for cells in rows:
            for cell in cells[2:]:
                m = MODALITY_CELL_RE.match(cell)
                if m:
                    found[f"BLOC{block}.{m.group(1)}"] = cell
    return found


def design_kinds() -> dict[str, set[str]]:
    """criterion id -> kinds, from the kinds table of the README (the same as DESIGN.md's 'The exam
    situations it rehearses')."""
    kinds: dict[str, set[str]] = {}
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    for line in readme.splitlines():
        m = re.match(r"\|\s*`(\w+)`\s*\|", line)
        if not m:
            continue
        last_cell = line.strip().strip("|").split("|")[-1]
        for cid in re.findall(r"BLOC\d+\.A\d+\.C\d+\.CR\d+", last_cell):
            kinds.setdefault(cid, set()).add(m.group(1))
    return kinds


@pytest.fixture(scope="module")
def r() -> ref.Referential:
    return ref.load_referential()


@pytest.fixture()
def raw() -> dict:
    return YAML(typ="safe", pure=True).load(YAML_PATH.read_text(encoding="utf-8"))


# --- the source text, parsed independently -------------------------------------------------------


def test_source_parses_into_four_blocks_and_every_criterion() -> None:
    assert sorted(md_sections()) == [1, 2, 3, 4]
    # every printed criterion code is captured by the cell parser (none hides mid-cell)
    per_block_codes = {
        b: set(CRITERION_RE.findall("\n".join("\t".join(cells) for cells in rows)))
        for b, rows in md_sections().items()
    }
    from_cells = {cid.split(".", 1)[1] for cid in md_criteria()}
    assert set().union(*per_block_codes.values()) == from_cells
    assert sum(len(codes) for codes in per_block_codes.values()) == len(md_criteria())


def test_every_criterion_of_the_source_is_in_the_yaml_with_its_block(r: ref.Referential) -> None:
    expected = set(md_criteria())
    assert {c.id for c in r.criteria} == expected
    for cid in expected:
        block = int(re.match(r"BLOC(\d+)\.", cid).group(1))
        assert r.criterion(cid).block == block
        assert r.criterion(cid).code == cid.split(".", 1)[1]


def test_criteria_follow_the_printed_order(r: ref.Referential) -> None:
    assert [c.id for c in r.criteria] == list(md_criteria())


def test_indicator_count_equals_the_printed_bullets(r: ref.Referential) -> None:
    for cid, body in md_criteria().items():
        assert len(r.criterion(cid).indicators) == count_bullets(body), cid


def test_french_indicators_are_verbatim_and_rebuild_the_cell(r: ref.Referential) -> None:
    for cid, body in md_criteria().items():
        texts = [i.fr for i in r.criterion(cid).indicators]
        for text in texts:
            assert text in body, f"{cid}: not verbatim: {text!r}"
        # the bullets, in order, are the whole cell: nothing dropped, nothing reordered
        assert re.sub(r"\s+", " ", body) == "- " + " - ".join(texts), cid


def test_competency_texts_are_verbatim(r: ref.Referential) -> None:
    for c in r.criteria:
        printed = f"{c.competency_code} {c.competency.fr}"
        cells = [cell for cells in md_sections()[c.block] for cell in cells]
        assert printed in cells, c.id


def test_blocks_and_activities_are_verbatim(r: ref.Referential) -> None:
    assert [b.number for b in r.blocks] == [1, 2, 3, 4]
    for b in r.blocks:
        rows = md_sections()[b.number]
        assert rows[0][0] == f"BLOC {b.number} {b.title.fr}"
        printed = [cells[0] for cells in rows[1:] if re.match(r"A\d+ ", cells[0])]
        assert printed == [f"{a.code} {a.title.fr}" for a in b.activities]


def test_modalities_match_the_source(r: ref.Referential) -> None:
    assert {m.id for m in r.modalities} == set(md_modalities())
    for m in r.modalities:
        cell = strip_tags(md_modalities()[m.id])
        assert cell.startswith(f"{m.code} {m.title.fr}"), m.id
        assert m.description.fr in cell, m.id
        assert m.oral == ("orale" in m.title.fr), m.id


def _covered_by_code(code: str, criterion: ref.Criterion) -> bool:
    """Whether a printed modality code names the criterion's competency (A1.C4.C5.M2) or activity (A1.A2.M1)."""
    parts = code.split(".")[:-1]
    activities = [p for p in parts if p.startswith("A")]
    competencies = [p for p in parts if p.startswith("C")]
    act, comp = criterion.competency_code.split(".")
    return act in activities and (not competencies or comp in competencies)


def test_each_criterion_belongs_to_a_modality_whose_printed_code_names_it(r: ref.Referential) -> None:
    for c in r.criteria:
        m = r.modality(c.modality)
        assert m.block == c.block
        assert _covered_by_code(m.code, c), (c.id, m.id)
        named = {x.id for x in r.modalities if x.block == c.block and _covered_by_code(x.code, c)}
        assert {x.id for x in r.modalities_for(c.id)} == named, c.id


def test_bloc3_modalities_follow_their_codes_not_the_cell_layout(r: ref.Referential) -> None:
    # The oral modality A1.C4.C5.M2 sits in the A1.C4 row and covers A1.C4 and A1.C5; A1.C6 is
    # printed below it but its code puts it in A1.C1.C2.C3.C5.C6.M1 (written).
    oral, written = "BLOC3.A1.C4.C5.M2", "BLOC3.A1.C1.C2.C3.C5.C6.M1"
    assert ref.criterion("BLOC3.A1.C4.CR4").modality == oral
    assert ref.criterion("BLOC3.A1.C5.CR5").modality == oral
    assert ref.criterion("BLOC3.A1.C6.CR6").modality == written
    for code in ("C1", "C2", "C3"):
        assert ref.criterion(f"BLOC3.A1.{code}.CR{code[1]}").modality == written
    assert {m.id for m in r.modalities_for("BLOC3.A1.C5.CR5")} == {oral, written}
    assert r.modality(oral).oral and not r.modality(written).oral
    assert ref.criterion("BLOC2.A2.C2.CR2").modality == "BLOC2.A2.M2"
    assert ref.criterion("BLOC1.A2.C3.CR3").modality == "BLOC1.A1.A2.M1"


# --- ids -----------------------------------------------------------------------------------------


def test_ids_follow_the_design(r: ref.Referential) -> None:
    for c in r.criteria:
        assert re.fullmatch(r"BLOC[1-4]\.A\d\.C\d\.CR\d", c.id)
        assert c.id == f"BLOC{c.block}.{c.code}"
        for k, ind in enumerate(c.indicators, start=1):
            assert ind.id == f"{c.id}.{k}"
    for m in r.modalities:
        assert m.id == f"BLOC{m.block}.{m.code}"
    ids = ref.criterion_ids() + ref.indicator_ids()
    assert len(set(ids)) == len(ids)


def test_counts(r: ref.Referential) -> None:
    assert len(r.blocks) == 4
    assert len(ref.criterion_ids()) == len(md_criteria()) == 24
    assert len(ref.indicator_ids()) == sum(count_bullets(b) for b in md_criteria().values()) == 89
    assert len(r.modalities) == 7


# --- oral criteria and languages -----------------------------------------------------------------


def test_oral_criteria_and_kinds_equal_design_table(r: ref.Referential) -> None:
    expected = design_kinds()
    assert expected, "the table of DESIGN.md was not found"
    assert {c.id: set(c.kinds) for c in ref.oral_criteria()} == expected
    for c in r.criteria:
        assert c.oral == (c.id in expected)
        assert set(c.kinds) == expected.get(c.id, set())


def test_oral_criteria_by_kind() -> None:
    ids = lambda kind: {c.id for c in ref.oral_criteria(kind)}  # noqa: E731
    assert ids("negotiation") == {"BLOC2.A2.C1.CR1", "BLOC2.A2.C2.CR2"}
    assert ids("complaint") == {"BLOC2.A2.C3.CR3", "BLOC2.A2.C1.CR1"}
    assert ids("change") == {"BLOC3.A1.C4.CR4", "BLOC3.A1.C5.CR5", "BLOC3.A1.C3.CR3"}
    assert ids("pitch") == {"BLOC1.A2.C3.CR3"}
    assert ids("unknown") == set()
    assert len(ref.oral_criteria()) == 7


def test_language_flags(r: ref.Referential) -> None:
    flagged = {i.id: i.language for c in r.criteria for i in c.indicators if i.language}
    assert flagged == {
        "BLOC2.A2.C1.CR1.4": "en",
        "BLOC2.A2.C2.CR2.5": "en",
        "BLOC3.A1.C5.CR5.2": "en",
        "BLOC3.A1.C5.CR5.1": "fr",
    }
    # and from the text itself: the CEFR B1 English bullets, the French-mastery bullet
    for c in r.criteria:
        for i in c.indicators:
            assert (i.language == "en") == ("L'anglais est maîtrisé" in i.fr and "B1 du CECRL" in i.fr), i.id
            assert (i.language == "fr") == i.fr.startswith("Le français est maîtrisé"), i.id


# --- translations --------------------------------------------------------------------------------


def test_english_texts_are_translations(r: ref.Referential) -> None:
    texts: list[tuple[str, str, str]] = []
    for b in r.blocks:
        texts.append((b.id, b.title.fr, b.title.en))
        texts += [(f"{b.id}.{a.code}", a.title.fr, a.title.en) for a in b.activities]
    for m in r.modalities:
        texts += [(m.id, m.title.fr, m.title.en), (m.id, m.description.fr, m.description.en)]
    for c in r.criteria:
        texts.append((c.id, c.competency.fr, c.competency.en))
        texts += [(i.id, i.fr, i.en) for i in c.indicators]
    for where, fr, en in texts:
        assert en.strip() and en != fr, where
        assert not re.search(r"[éèêàùçôîœ«»]", en), f"{where}: French left in English: {en!r}"
    assert (
        ref.indicator("BLOC2.A2.C2.CR2.1").en == "The level of intervention in the negotiation is justified."
    )


# --- the loader ----------------------------------------------------------------------------------


def test_loader_is_cached_and_looks_up(r: ref.Referential) -> None:
    assert ref.load_referential() is r
    assert ref.criterion("BLOC2.A2.C2.CR2").competency.fr.startswith("Négocier en français et en anglais")
    assert ref.indicator("BLOC3.A1.C5.CR5.1").language == "fr"
    assert r.criterion_of("BLOC2.A2.C2.CR2.3").id == "BLOC2.A2.C2.CR2"
    assert ref.indicator("BLOC2.A2.C2.CR2.3").text("fr") == "La communication est assertive."
    with pytest.raises(KeyError):
        ref.criterion("A2.C2.CR2")  # printed code without its block
    with pytest.raises(KeyError):
        ref.indicator("BLOC2.A2.C2.CR2.9")
    with pytest.raises(KeyError):
        r.modality("BLOC9.A1.M1")


def test_packaged_file_is_the_one_validated(raw: dict) -> None:
    assert ref.parse_referential(YAML_PATH.read_text(encoding="utf-8")) == ref.load_referential()
    assert raw["format"] == ref.FORMAT


def _criterion(raw: dict, cid: str) -> dict:
    return next(c for c in raw["criteria"] if c["id"] == cid)


@pytest.mark.parametrize(
    "mutate",
    [
        pytest.param(lambda d: d.update(extra=1), id="unknown top-level field"),
        pytest.param(
            lambda d: _criterion(d, "BLOC2.A2.C2.CR2").update(weight=2), id="unknown criterion field"
        ),
        pytest.param(
            lambda d: _criterion(d, "BLOC2.A2.C2.CR2")["indicators"][0].update(note="x"),
            id="unknown indicator field",
        ),
        pytest.param(lambda d: d.update(format="oralblanc.referential/2"), id="wrong format"),
        pytest.param(
            lambda d: _criterion(d, "BLOC2.A2.C2.CR2").update(block=3), id="id not BLOC<block>.<code>"
        ),
        pytest.param(
            lambda d: _criterion(d, "BLOC2.A2.C2.CR2")["indicators"][1].update(id="BLOC2.A2.C2.CR2.3"),
            id="indicator numbering",
        ),
        pytest.param(
            lambda d: _criterion(d, "BLOC2.A2.C2.CR2").update(modality="BLOC2.A1.M1"),
            id="modality not covering it",
        ),
        pytest.param(
            lambda d: _criterion(d, "BLOC2.A2.C2.CR2").update(modality="BLOC2.A9.M9"), id="unknown modality"
        ),
        pytest.param(lambda d: _criterion(d, "BLOC2.A2.C2.CR2").update(kinds=[]), id="oral without kinds"),
        pytest.param(
            lambda d: _criterion(d, "BLOC4.A2.C4.CR4").update(kinds=["pitch"]), id="kinds without oral"
        ),
        pytest.param(
            lambda d: _criterion(d, "BLOC2.A2.C2.CR2").update(kinds=["interview"]), id="unknown kind"
        ),
        pytest.param(
            lambda d: _criterion(d, "BLOC2.A2.C2.CR2")["indicators"][4].update(language="de"),
            id="unknown language",
        ),
        pytest.param(
            lambda d: d["criteria"].append(copy.deepcopy(d["criteria"][0])), id="duplicate criterion"
        ),
    ],
)
def test_invalid_referentials_are_rejected(raw: dict, mutate) -> None:
    ref.Referential.model_validate(raw)  # the unmodified data is valid
    mutate(raw)
    with pytest.raises(ValidationError):
        ref.Referential.model_validate(raw)
