"""YAML files that remember where each value was written, so a problem names its file and line."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Generic, Iterable, Sequence, TypeVar

from pydantic import BaseModel, ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError

Loc = Sequence[str | int]


@dataclass(frozen=True, order=True)
class Problem:
    """One problem in one file, printed as `FILE:LINE: message`."""

    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


class InvalidFile(Exception):
    """A file that cannot be used; carries every problem found in it."""

    def __init__(self, problems: Sequence[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


@dataclass(frozen=True)
class YamlSource:
    """A parsed YAML document and the file it came from."""

    file: str
    data: Any

    @classmethod
    def read(cls, path: Path) -> "YamlSource":
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise InvalidFile([Problem(str(path), 1, f"cannot read the file: {exc}")]) from exc
        return cls.parse(text, str(path))

    @classmethod
    def parse(cls, text: str, file: str) -> "YamlSource":
        yaml = YAML(typ="rt")
        try:
            data = yaml.load(io.StringIO(text))
        except MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            line = mark.line + 1 if mark is not None else 1
            reason = exc.problem or exc.context or "invalid YAML"
            raise InvalidFile([Problem(file, line, f"YAML syntax error: {reason}")]) from exc
        except YAMLError as exc:
            raise InvalidFile([Problem(file, 1, f"YAML syntax error: {exc}")]) from exc
        if not isinstance(data, CommentedMap):
            raise InvalidFile([Problem(file, 1, "expected a mapping of fields at the top of the file")])
        return cls(file, data)

    def line(self, loc: Loc) -> int:
        """The line where the value at `loc` is written (or its nearest written parent)."""
        node: Any = self.data
        line = 1
        for key in loc:
            if isinstance(node, CommentedMap) and key in node:
                line = node.lc.key(key)[0] + 1
                node = node[key]
            elif isinstance(node, CommentedSeq) and isinstance(key, int) and 0 <= key < len(node):
                line = node.lc.item(key)[0] + 1
                node = node[key]
            else:
                break
        return line

    def problem(self, loc: Loc, message: str) -> Problem:
        return Problem(self.file, self.line(loc), message)

    def validate(self, model: type[BaseModel]) -> Any:
        """The document as `model`, or InvalidFile with one located problem per validation error."""
        try:
            return model.model_validate(self.data)
        except ValidationError as exc:
            raise InvalidFile(sorted(self._problems(exc))) from exc

    def _problems(self, exc: ValidationError) -> Iterable[Problem]:
        seen: set[tuple[int, str]] = set()
        for error in exc.errors(include_url=False):
            loc = [part for part in error["loc"] if not _is_union_tag(part)]
            message = _message(error["type"], loc, error["msg"])
            key = (self.line(loc), message)
            if key not in seen:
                seen.add(key)
                yield Problem(self.file, key[0], message)


M = TypeVar("M", bound=BaseModel)


@dataclass
class Linted(Generic[M]):
    """The valid documents of a set of files, by id, and every problem found in the files."""

    documents: dict[str, M] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


def lint_documents(
    paths: Iterable[Path],
    model: type[M],
    what: str,
    check: Callable[[M], Iterable[tuple[Loc, str]]] = lambda _: (),
) -> Linted[M]:
    """Parse, validate and `check` each file; ids must be unique across the files."""
    report: Linted[M] = Linted()
    first_file: dict[str, str] = {}
    for path in paths:
        try:
            source = YamlSource.read(path)
            document = source.validate(model)
        except InvalidFile as exc:
            report.problems.extend(exc.problems)
            continue
        report.problems.extend(source.problem(loc, msg) for loc, msg in check(document))
        doc_id = document.id  # type: ignore[attr-defined]
        if doc_id in first_file:
            report.problems.append(source.problem(("id",), f"duplicate {what} id '{doc_id}' (also in {first_file[doc_id]})"))
        else:
            first_file[doc_id] = str(path)
            report.documents[doc_id] = document
    report.problems.sort()
    return report


def _is_union_tag(part: str | int) -> bool:
    # pydantic puts the union member's type name in `loc` ('Localized[str]', 'function-after[...]')
    return isinstance(part, str) and ("[" in part or part in {"str", "int", "float", "list"})


def dotted(loc: Loc) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _message(kind: str, loc: list[str | int], msg: str) -> str:
    where = dotted(loc)
    field = loc[-1] if loc else ""
    if kind == "extra_forbidden":
        return f"unknown field '{field}'" + (f" in {dotted(loc[:-1])}" if len(loc) > 1 else "")
    if kind == "missing":
        if field in ("fr", "en"):
            return f"missing language '{field}' in {dotted(loc[:-1])}"
        return f"missing field '{where}'"
    msg = msg.removeprefix("Value error, ")
    return f"{where}: {msg}" if where else msg
