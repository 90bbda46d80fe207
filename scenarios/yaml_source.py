"""YAML files that remember where each value was written, so a problem names its file and line.

Files come from jury members (uploads), so their shape is bounded while they are composed, before
anything recursive walks them: at most `MAX_CHARS` characters, `MAX_DEPTH` levels of lists and
mappings inside each other (a script uses 7), `MAX_VALUES` values (a script holds about 1,500), an
alias counting as the values it repeats and as deep as it reaches; an alias inside its own anchor (a
loop) is refused. Each limit is a located `FILE:LINE: message` problem, never a RecursionError.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.composer import Composer
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import AliasEvent, MappingStartEvent, SequenceStartEvent
from ruamel.yaml.nodes import MappingNode, Node, SequenceNode

Loc = Sequence[str | int]

MAX_CHARS = 512 * 1024
"""Largest file read (the bundled scripts are under 60 KB)."""
MAX_DEPTH = 64
"""Most levels of lists and mappings inside each other, aliases expanded (the scripts use 7)."""
MAX_VALUES = 25_000
"""Most values (scalars, lists, mappings), an alias counting as the values it repeats (a script holds about 1,500)."""


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
    def read(cls, path: Path) -> YamlSource:
        try:
            with path.open(encoding="utf-8") as stream:
                text = stream.read(MAX_CHARS + 1)  # no more than that, whatever the file is
        except (OSError, UnicodeDecodeError) as exc:
            raise InvalidFile([Problem(str(path), 1, f"cannot read the file: {exc}")]) from exc
        return cls.parse(text, str(path))

    @classmethod
    def parse(cls, text: str, file: str) -> YamlSource:
        if len(text) > MAX_CHARS:
            raise InvalidFile(
                [
                    Problem(
                        file,
                        1,
                        f"the file is too large (more than {MAX_CHARS // 1024} KB); a script needs far less",
                    )
                ]
            )
        yaml = YAML(typ="rt")
        yaml.Composer = _BoundedComposer
        try:
            data = yaml.load(io.StringIO(text))
        except TooComplex as exc:
            line = exc.problem_mark.line + 1 if exc.problem_mark is not None else 1
            raise InvalidFile([Problem(file, line, str(exc.problem))]) from None
        except RecursionError:  # not expected within the limits above; never a crash all the same
            raise InvalidFile([Problem(file, 1, "the file is nested too deeply to be read")]) from None
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


class TooComplex(MarkedYAMLError):
    """A document over `MAX_DEPTH` or `MAX_VALUES`, or with an alias inside its own anchor."""


class _BoundedComposer(Composer):
    """ruamel's composer, refusing (with the line) documents nested or expanded beyond the limits, as
    it goes: nothing deeper than `MAX_DEPTH` is ever composed, constructed or validated, and the
    Python stack stays far from its own limit. The depth and size of each collection are recorded so
    that an alias counts as what it repeats."""

    def __init__(self, loader: Any = None) -> None:
        super().__init__(loader)
        self._open = 0  # collections being composed around the current node
        self._values = 0  # values composed so far, each alias counted as the values it repeats
        self._shapes: dict[int, tuple[int, int]] = {}  # id(node) -> (levels of collections, values)

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.parser.peek_event()
        if isinstance(event, AliasEvent):
            target = self.anchors.get(event.anchor)
            if target is not None:
                shape = self._shapes.get(id(target))
                if shape is None:
                    raise TooComplex(
                        None,
                        None,
                        f"the alias *{event.anchor} is inside its own anchor (a loop)",
                        event.start_mark,
                    )
                self._count(self._open + shape[0], shape[1], event.start_mark)
            return super().compose_node(parent, index)
        collection = isinstance(event, (SequenceStartEvent, MappingStartEvent))
        self._count(self._open + collection, 1, event.start_mark)
        self._open += collection
        try:
            node = super().compose_node(parent, index)
        finally:
            self._open -= collection
        self._shapes[id(node)] = self._shape(node)
        return node

    def _count(self, depth: int, values: int, mark: Any) -> None:
        if depth > MAX_DEPTH:
            raise TooComplex(
                None,
                None,
                f"lists and mappings nested more than {MAX_DEPTH} levels deep: no script needs that many",
                mark,
            )
        self._values += values
        if self._values > MAX_VALUES:
            raise TooComplex(
                None,
                None,
                f"more than {MAX_VALUES:,} values (an alias counting as all it repeats): no script needs that many",
                mark,
            )

    def _shape(self, node: Node) -> tuple[int, int]:
        if isinstance(node, MappingNode):
            children = [child for pair in node.value for child in pair]
        elif isinstance(node, SequenceNode):
            children = node.value
        else:
            return 0, 1
        shapes = [self._shapes.get(id(child), (0, 1)) for child in children]
        return 1 + max((d for d, _ in shapes), default=0), 1 + sum(v for _, v in shapes)


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
        doc_id = document.id
        if doc_id in first_file:
            report.problems.append(
                source.problem(("id",), f"duplicate {what} id '{doc_id}' (also in {first_file[doc_id]})")
            )
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
