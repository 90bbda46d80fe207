"""Lint checks of what a script's persona listens for (terms, participants, objection answers).

Called by `scenarios.loader.check_scenario`; each problem comes with where it is in the file.
"""

from __future__ import annotations

import re

from scenarios.model import LANGS, Scenario
from scenarios.yaml_source import Loc

PLACEHOLDERS = frozenset({"offer", "demand"})
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


def check_listening(s: Scenario) -> list[tuple[Loc, str]]:
    found: list[tuple[Loc, str]] = []
    stage_ids = [st.id for st in s.stages]
    objection_ids = {o.id for st in s.stages for o in st.objections}
    seen_terms: set[str] = set()
    for i, term in enumerate(s.hidden_brief.terms):
        here: Loc = ("hidden_brief", "terms", i)
        if term.id in seen_terms:
            found.append(((*here, "id"), f"duplicate term id '{term.id}'"))
        seen_terms.add(term.id)
        if term.objection is not None and term.objection not in objection_ids:
            found.append(((*here, "objection"), f"term '{term.id}': unknown objection '{term.objection}'"))
        if term.from_stage is not None and term.from_stage not in stage_ids:
            found.append(((*here, "from_stage"), f"term '{term.id}': unknown stage '{term.from_stage}'"))
        for name, limit in (("accept", term.accept), ("mandate", term.mandate)):
            if name == "accept" and limit is not None:
                worse = limit > term.demand if term.persona_wants == "more" else limit < term.demand
                if worse:
                    found.append(((*here, name), f"term '{term.id}': accept {limit:g} is better for the persona than its demand {term.demand:g}"))
        for field in ("when_met", "when_close", "when_below"):
            lines = getattr(term, field)
            if lines is None:
                continue
            for lang in LANGS:
                for j, line in enumerate(lines.get(lang)):
                    unknown = sorted(set(_PLACEHOLDER.findall(line)) - PLACEHOLDERS)
                    if unknown:
                        found.append(((*here, field, lang, j), f"term '{term.id}': unknown placeholder {{{unknown[0]}}} (use {{offer}} or {{demand}})"))
    for i, p in enumerate(s.participants):
        here = ("participants", i)
        if p.joins_in not in stage_ids:
            found.append(((*here, "joins_in"), f"participant '{p.id}': unknown stage '{p.joins_in}'"))
        elif stage_ids.index(p.joins_in) == 0:
            found.append(((*here, "joins_in"), f"participant '{p.id}' is there from the start: joins_in must be a later stage"))
    return found
