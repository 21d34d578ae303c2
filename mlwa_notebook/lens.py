"""The lens catalogue: load the bundled ML Lens and custom lenses, look up practices, validate.

The bundled catalogue (``lens_data/ml-lens-2025.json``) is trusted: it is parsed
without schema validation (a test validates it), so loading stays fast. A custom
lens (a team's own file in the same format) is validated against
``schema/lens.schema.json`` and checked for id clashes before it is loaded beside
the bundled one. ``jsonschema`` is imported only when a file is validated.

Every problem is reported as ``"<file>: <json path>: <message>"``, where the JSON
path looks like ``best_practices[3].pillar`` and ``$`` is the whole document.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, NamedTuple

from mlwa_notebook.errors import MlwaError
from mlwa_notebook.vocabulary import (
    BUNDLED_LENS_FILE,
    FINE_PHASE_IDS,
    FINE_TO_LENS_PHASE,
    LENS_PHASE_IDS,
    PILLAR_IDS,
    PILLAR_NAMES,
    PILLAR_SHORT,
    WA_TOOL_PILLAR_IDS,
    bundled_lens_path,
)

if TYPE_CHECKING:
    from jsonschema import ValidationError

__all__ = [
    "BUNDLED_LENS_FILE",
    "FINE_PHASE_IDS",
    "FINE_TO_LENS_PHASE",
    "LENS_PHASE_IDS",
    "PILLAR_IDS",
    "PILLAR_NAMES",
    "PILLAR_SHORT",
    "RISK_LEVELS",
    "WA_TOOL_PILLAR_IDS",
    "BestPractice",
    "DesignPrinciple",
    "Lens",
    "LensError",
    "LensPhase",
    "LensSource",
    "Pillar",
    "default_lens_path",
    "lens_schema_path",
    "load_lens",
    "validate_lens_file",
]

RISK_LEVELS: tuple[str, ...] = ("high", "medium")
"""Risk to the workload when a best practice is not established."""


class LensError(MlwaError):
    """A lens file that cannot be loaded; the message lists every problem found.

    Each line of the message reads ``"<file>: <json path>: <message>"``.
    """

    def __init__(self, path: str, problems: Sequence[str]) -> None:
        self.path = path
        self.problems: tuple[str, ...] = tuple(problems)
        super().__init__("\n".join(self.problems))


@dataclass(frozen=True)
class Pillar:
    """A Well-Architected pillar as the lens describes it."""

    id: str
    name: str
    description: str
    wa_tool_id: str
    lens_id: str


@dataclass(frozen=True)
class LensPhase:
    """A lifecycle phase of the lens and the cell phases that make it up."""

    id: str
    name: str
    description: str
    fine_phases: tuple[str, ...]
    lens_id: str


@dataclass(frozen=True)
class DesignPrinciple:
    """A general design principle of the lens."""

    id: str
    title: str
    description: str
    lens_id: str


@dataclass(frozen=True)
class BestPractice:
    """One best practice: what it asks, where it applies, and how a notebook could show it."""

    id: str
    aliases: tuple[str, ...]
    pillar: str
    phase: str
    risk: str
    title: str
    description: str
    question: str
    notebook_evidence: str
    url: str | None
    lens_id: str


class LensSource(NamedTuple):
    """A lens file that contributed to a :class:`Lens`."""

    lens_id: str
    name: str
    path: Path


@dataclass(frozen=True)
class Lens:
    """The bundled lens plus any custom lenses, with lookups over all their practices.

    Pillar and phase definitions come from the bundled lens; a custom lens may
    restate them only consistently. Design principles and best practices of all
    loaded lenses are kept, in load order.
    """

    pillars: tuple[Pillar, ...]
    phases: tuple[LensPhase, ...]
    design_principles: tuple[DesignPrinciple, ...]
    best_practices: tuple[BestPractice, ...]
    sources: tuple[LensSource, ...]
    _index: Mapping[str, BestPractice] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        index: dict[str, BestPractice] = {}
        for practice in self.best_practices:
            for key in (practice.id, *practice.aliases):
                index.setdefault(key.casefold(), practice)
        object.__setattr__(self, "_index", MappingProxyType(index))

    def practice(self, id_or_alias: str) -> BestPractice | None:
        """The practice with this id or alias (e.g. a 2023 id), ignoring case; None if unknown."""
        return self._index.get(id_or_alias.strip().casefold())

    def pillar(self, pillar_id: str) -> Pillar | None:
        """The pillar with this id, or None."""
        return next((p for p in self.pillars if p.id == pillar_id), None)

    def phase(self, lens_phase_id: str) -> LensPhase | None:
        """The lens phase with this id, or None."""
        return next((p for p in self.phases if p.id == lens_phase_id), None)

    def by_pillar(self, pillar: str) -> tuple[BestPractice, ...]:
        """The practices of one pillar, in catalogue order.

        Raises ValueError for an id that is not one of :data:`PILLAR_IDS`.
        """
        if pillar not in PILLAR_IDS:
            raise ValueError(f"unknown pillar {pillar!r}; expected one of {', '.join(PILLAR_IDS)}")
        return tuple(p for p in self.best_practices if p.pillar == pillar)

    def by_phase(self, lens_phase: str) -> tuple[BestPractice, ...]:
        """The practices of one lens phase, in catalogue order.

        Raises ValueError for an id that is not one of :data:`LENS_PHASE_IDS`.
        """
        if lens_phase not in LENS_PHASE_IDS:
            raise ValueError(
                f"unknown lens phase {lens_phase!r}; expected one of {', '.join(LENS_PHASE_IDS)}"
            )
        return tuple(p for p in self.best_practices if p.phase == lens_phase)

    def for_fine_phase(self, fine: str) -> tuple[BestPractice, ...]:
        """The practices that apply to cells of a fine phase; none for ``setup`` and ``other``.

        Raises ValueError for an id that is not one of :data:`FINE_PHASE_IDS`.
        """
        if fine not in FINE_TO_LENS_PHASE:
            raise ValueError(
                f"unknown cell phase {fine!r}; expected one of {', '.join(FINE_PHASE_IDS)}"
            )
        lens_phase = FINE_TO_LENS_PHASE[fine]
        return () if lens_phase is None else self.by_phase(lens_phase)


@dataclass(frozen=True)
class _LensPart:
    """What one lens file contributes."""

    source: LensSource
    pillars: tuple[Pillar, ...]
    phases: tuple[LensPhase, ...]
    design_principles: tuple[DesignPrinciple, ...]
    best_practices: tuple[BestPractice, ...]


def lens_schema_path() -> Path:
    """The JSON Schema of the lens catalogue format."""
    return Path(__file__).parent / "schema" / "lens.schema.json"


def default_lens_path() -> Path:
    """The bundled catalogue: inside the package (wheel) or beside it (source checkout).

    Raises LensError when neither location holds it.
    """
    found = bundled_lens_path()
    if found is not None:
        return found
    here = Path(__file__).parent
    candidates = (
        here / "lens_data" / BUNDLED_LENS_FILE,
        here.parent / "lens_data" / BUNDLED_LENS_FILE,
    )
    looked = " and ".join(str(c) for c in candidates)
    raise LensError(
        str(candidates[0]),
        [f"{candidates[0]}: $: bundled lens catalogue not found (looked at {looked})"],
    )


def load_lens(extra: Sequence[Path] = ()) -> Lens:
    """Load the bundled lens and, after it, each custom lens file in ``extra``.

    Custom lenses are validated against the schema and must not reuse a lens id,
    best-practice id, alias or design-principle id already loaded. Raises
    LensError naming the file and JSON path of every problem.
    """
    bundled = default_lens_path()
    parts = [_bundled_part(bundled, bundled.stat().st_mtime_ns)]
    for raw_path in extra:
        path = Path(raw_path)
        label = str(path)
        data, problems = _read_json(path)
        if not problems:
            problems.extend(_schema_problems(data, label))
            problems.extend(_consistency_problems(data, label))
            problems.extend(_clash_problems(data, label, parts))
        if problems:
            raise LensError(label, problems)
        parts.append(_build_part(data, path))
    return _combine(parts)


def validate_lens_file(path: Path) -> list[str]:
    """Every problem of a lens file as ``"<file>: <json path>: <message>"``; empty when valid.

    Checks that the file is UTF-8 JSON, follows the schema, has no duplicate or
    inconsistent ids, and (unless it is the bundled catalogue itself) clashes with
    nothing in the bundled lens.
    """
    path = Path(path)
    label = str(path)
    data, problems = _read_json(path)
    if problems:
        return problems
    problems.extend(_schema_problems(data, label))
    problems.extend(_consistency_problems(data, label))
    bundled = default_lens_path()
    if path.resolve() != bundled.resolve():
        problems.extend(
            _clash_problems(data, label, [_bundled_part(bundled, bundled.stat().st_mtime_ns)])
        )
    return problems


# --- reading -----------------------------------------------------------------


def _problem(label: str, json_path: str, message: str) -> str:
    return f"{label}: {json_path}: {message}"


def _read_json(path: Path) -> tuple[Any, list[str]]:
    """The parsed document and the problems met reading it (the document is None if any)."""
    label = str(path)
    try:
        text = path.read_bytes().decode("utf-8")
    except OSError as exc:
        return None, [_problem(label, "$", f"cannot read file: {exc.strerror or exc}")]
    except UnicodeDecodeError as exc:
        return None, [_problem(label, "$", f"not UTF-8 text (bad byte at offset {exc.start})")]
    try:
        return json.loads(text), []
    except json.JSONDecodeError as exc:
        where = f"line {exc.lineno}, column {exc.colno}"
        return None, [_problem(label, "$", f"invalid JSON at {where}: {exc.msg}")]


@functools.lru_cache(maxsize=4)
def _bundled_part(path: Path, mtime_ns: int) -> _LensPart:
    """The parsed bundled catalogue, cached per file version (no schema validation)."""
    del mtime_ns  # part of the cache key only
    data, problems = _read_json(path)
    if problems:
        raise LensError(str(path), problems)
    try:
        return _build_part(data, path)
    except (KeyError, TypeError, AttributeError, ValueError) as exc:
        raise LensError(
            str(path),
            [
                _problem(
                    str(path), "$", f"malformed lens catalogue ({exc!r}); run `mlwa lens validate`"
                )
            ],
        ) from exc


def _build_part(data: Mapping[str, Any], path: Path) -> _LensPart:
    """Build the dataclasses of one lens document, assumed valid."""
    lens_id: str = data["id"]
    return _LensPart(
        source=LensSource(lens_id, data["name"], path),
        pillars=tuple(
            Pillar(p["id"], p["name"], p["description"], p["wa_tool_id"], lens_id)
            for p in data.get("pillars", ())
        ),
        phases=tuple(
            LensPhase(p["id"], p["name"], p["description"], tuple(p["fine_phases"]), lens_id)
            for p in data.get("phases", ())
        ),
        design_principles=tuple(
            DesignPrinciple(d["id"], d["title"], d["description"], lens_id)
            for d in data.get("design_principles", ())
        ),
        best_practices=tuple(
            BestPractice(
                id=b["id"],
                aliases=tuple(b.get("aliases", ())),
                pillar=b["pillar"],
                phase=b["phase"],
                risk=b["risk"],
                title=b["title"],
                description=b["description"],
                question=b["question"],
                notebook_evidence=b["notebook_evidence"],
                url=b.get("url"),
                lens_id=lens_id,
            )
            for b in data["best_practices"]
        ),
    )


def _combine(parts: Sequence[_LensPart]) -> Lens:
    """One Lens from the bundled part (first) and the custom parts after it."""
    return Lens(
        pillars=parts[0].pillars,
        phases=parts[0].phases,
        design_principles=tuple(d for part in parts for d in part.design_principles),
        best_practices=tuple(b for part in parts for b in part.best_practices),
        sources=tuple(part.source for part in parts),
    )


# --- validation ----------------------------------------------------------------


def _json_path(parts: Iterable[str | int]) -> str:
    """Render a location as ``best_practices[3].pillar``; ``$`` for the whole document."""
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part.replace("_", "").replace("-", "").isalnum():
            out += f".{part}" if out else part
        else:
            out += f"[{json.dumps(part)}]"
    return out or "$"


def _json_type(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def _short(value: object, limit: int = 60) -> str:
    text = repr(value) if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _schema_problems(data: Any, label: str) -> list[str]:
    """Schema violations, in document order, as problem lines."""
    from jsonschema import Draft202012Validator

    schema = json.loads(lens_schema_path().read_text(encoding="utf-8"))
    validator = Draft202012Validator(schema)
    errors = sorted(validator.iter_errors(data), key=lambda e: _path_key(e.absolute_path))
    problems: list[str] = []
    for error in errors:
        for where, message in _describe(error):
            problems.append(_problem(label, _json_path(where), message))
    return problems


def _path_key(path: Iterable[str | int]) -> list[tuple[int, int, str]]:
    return [(0, p, "") if isinstance(p, int) else (1, 0, p) for p in path]


def _describe(error: ValidationError) -> Iterator[tuple[list[str | int], str]]:
    """Locations and plain messages for one schema error."""
    where: list[str | int] = list(error.absolute_path)
    instance = error.instance
    kind = error.validator
    if kind == "required" and isinstance(instance, dict):
        for name in error.validator_value:
            if name not in instance and error.message.startswith(repr(name)):
                yield [*where, name], "required field is missing"
        return
    if kind == "additionalProperties" and isinstance(instance, dict):
        known = set(error.schema.get("properties", {}))
        for name in sorted(set(instance) - known):
            yield [*where, name], "unknown field"
        return
    if kind == "enum":
        allowed = ", ".join(str(v) for v in error.validator_value)
        yield where, f"{_short(instance)} is not allowed; expected one of: {allowed}"
    elif kind == "const":
        yield where, f"{_short(instance)} is not allowed; expected {_short(error.validator_value)}"
    elif kind == "type":
        yield where, f"expected {error.validator_value}, got {_json_type(instance)}"
    elif kind == "maxLength" and isinstance(instance, str):
        yield where, f"too long ({len(instance)} characters, at most {error.validator_value})"
    elif kind == "minLength":
        yield where, "must not be empty"
    elif kind == "pattern":
        yield where, f"{_short(instance)} does not match the pattern {error.validator_value}"
    elif kind == "minItems":
        yield where, f"needs at least {error.validator_value} item(s)"
    elif kind == "uniqueItems":
        yield where, "items must be unique"
    else:
        yield where, error.message


def _items(data: Any, key: str) -> Iterator[tuple[int, dict[str, Any]]]:
    """Index and object of each entry of a top-level array, skipping malformed ones."""
    value = data.get(key) if isinstance(data, dict) else None
    if isinstance(value, list):
        for index, item in enumerate(value):
            if isinstance(item, dict):
                yield index, item


def _practice_keys(data: Any) -> Iterator[tuple[str, str]]:
    """JSON path and value of every best-practice id and alias that is a string."""
    for index, practice in _items(data, "best_practices"):
        practice_id = practice.get("id")
        if isinstance(practice_id, str):
            yield f"best_practices[{index}].id", practice_id
        aliases = practice.get("aliases", [])
        if isinstance(aliases, list):
            for n, alias in enumerate(aliases):
                if isinstance(alias, str):
                    yield f"best_practices[{index}].aliases[{n}]", alias


def _consistency_problems(data: Any, label: str) -> list[str]:
    """Duplicates and inconsistencies inside one lens file that the schema cannot express."""
    problems: list[str] = []

    def duplicates(key: str) -> None:
        first: dict[str, int] = {}
        for index, item in _items(data, key):
            item_id = item.get("id")
            if not isinstance(item_id, str):
                continue
            if item_id in first:
                where = f"{key}[{index}].id"
                problems.append(
                    _problem(
                        label, where, f"duplicate id {item_id!r} (first at {key}[{first[item_id]}])"
                    )
                )
            else:
                first[item_id] = index

    for key in ("pillars", "phases", "design_principles"):
        duplicates(key)

    for index, pillar in _items(data, "pillars"):
        expected = WA_TOOL_PILLAR_IDS.get(str(pillar.get("id")))
        tool_id = pillar.get("wa_tool_id")
        if expected is not None and isinstance(tool_id, str) and tool_id != expected:
            problems.append(
                _problem(
                    label,
                    f"pillars[{index}].wa_tool_id",
                    f"{tool_id!r} does not match pillar {pillar['id']!r}; expected {expected!r}",
                )
            )

    for index, phase in _items(data, "phases"):
        phase_id = phase.get("id")
        fine = phase.get("fine_phases")
        if phase_id not in LENS_PHASE_IDS or not isinstance(fine, list):
            continue
        expected_fine = [f for f in FINE_PHASE_IDS if FINE_TO_LENS_PHASE[f] == phase_id]
        if sorted(map(str, fine)) != sorted(expected_fine):
            problems.append(
                _problem(
                    label,
                    f"phases[{index}].fine_phases",
                    f"lens phase {phase_id!r} is made of {', '.join(expected_fine)}",
                )
            )

    seen: dict[str, str] = {}
    for where, name in _practice_keys(data):
        folded = name.casefold()
        if folded in seen:
            what = "id" if where.endswith(".id") else "alias"
            problems.append(
                _problem(label, where, f"duplicate {what} {name!r} (already at {seen[folded]})")
            )
        else:
            seen[folded] = where
    return problems


def _clash_problems(data: Any, label: str, loaded: Sequence[_LensPart]) -> list[str]:
    """Ids in this file that an already loaded lens uses."""
    if not isinstance(data, dict):
        return []
    problems: list[str] = []
    lens_id = data.get("id")
    for part in loaded:
        if isinstance(lens_id, str) and lens_id == part.source.lens_id:
            # Everything else would clash too; one line says it.
            return [
                _problem(
                    label, "id", f"lens id {lens_id!r} is already loaded from {part.source.path}"
                )
            ]

    taken: dict[str, BestPractice] = {}
    for part in loaded:
        for practice in part.best_practices:
            for key in (practice.id, *practice.aliases):
                taken.setdefault(key.casefold(), practice)
    for where, name in _practice_keys(data):
        owner = taken.get(name.casefold())
        if owner is not None:
            message = f"{name!r} is already used by {owner.id} of lens {owner.lens_id!r}"
            problems.append(_problem(label, where, message))

    principles = {d.id: d for part in loaded for d in part.design_principles}
    for index, principle in _items(data, "design_principles"):
        existing = principles.get(str(principle.get("id")))
        if existing is not None:
            problems.append(
                _problem(
                    label,
                    f"design_principles[{index}].id",
                    f"{existing.id!r} is already used by lens {existing.lens_id!r}",
                )
            )
    return problems
