"""Code units and the data flow between their cells, built once per notebook from ``CodeFacts``.

A *unit* is code that runs in one interpreter: the notebook's cells (one kernel, so names flow
from cell to cell) or one ``%%writefile`` script the notebook runs (its own process). Rules ask
a unit where a name came from (``origins``), which names hold held-out or training data, and
which hold predictions, without parsing anything again.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from mlwa_notebook.cellcode import Assign, Call, CodeFacts, Value, resolve
from mlwa_notebook.dataflow_names import PREDICTORS, held_out_name, train_name

if TYPE_CHECKING:
    from mlwa_notebook.rules._evaluation import Scoring
    from mlwa_notebook.rules._serving import Endpoint

#: Methods only models have: their receivers are models, not data.
_MODEL_METHODS = frozenset(
    "fit predict predict_proba predict_log_proba decision_function evaluate score "
    "fit_generator".split()
)
#: Splits whose outputs alternate train, held-out (``X_train, X_test, y_train, y_test``).
_ALTERNATING_SPLITS = frozenset({"train_test_split"})
#: Splits whose first output is training data and the rest held out.
_FIRST_IS_TRAIN_SPLITS = frozenset(
    {"numpy.split", "numpy.array_split", "torch.utils.data.random_split"}
)


def _literals(unit: Unit) -> dict[str, str]:
    """The last string or number literal bound to each name of a unit, in one pass."""
    found: dict[str, str] = {}
    for _, a in unit.assigns:
        if a.value.kind in ("str", "num"):
            found[a.target] = a.value.text
    return found


@dataclass(frozen=True, slots=True)
class Site:
    """One call in a unit: the cell it is in, the call, its callee with imports resolved."""

    cell: int
    call: Call
    qualified: str

    @property
    def attr(self) -> str:
        """The callee's last name."""
        return self.call.attr


@dataclass(frozen=True)
class Unit:
    """Code that shares one namespace: the notebook kernel, or one script the notebook runs."""

    name: str
    is_script: bool
    imports: Mapping[str, str]
    sites: tuple[Site, ...]
    assigns: tuple[tuple[int, Assign], ...]
    strings: tuple[tuple[int, int, str], ...]
    shells: tuple[tuple[int, int, str], ...] = ()
    defs: frozenset[str] = field(default_factory=frozenset)
    #: The notebook is made for Google Colab (where, for one, Gradio shares an app by default).
    on_colab: bool = False
    #: ``if NAME:`` / ``if NAME == literal:`` blocks by cell: (cell, name, first line, last
    #: line, the literal or "").
    guards: tuple[tuple[int, str, int, int, str], ...] = ()
    #: The data flow of the unit this one was built after (the last analysis's), if it was
    #: followed: ``flow`` goes over again only the steps from before the first that differ.
    last_flow: DataFlow | None = field(default=None, compare=False, repr=False)

    # Facts several rules share are cached properties: computed once per analysis, typed, and
    # named where they are defined. The serving and evaluation facts live beside the rules that
    # read them; they are imported when first asked for, as those modules build on Unit.

    @cached_property
    def literals(self) -> Mapping[str, str]:
        """The last string or number literal bound to each name."""
        return _literals(self)

    @cached_property
    def bound_names(self) -> frozenset[str]:
        """Every name the unit binds, by assignment or as a call's result."""
        assigned = {a.target for _, a in self.assigns}
        return frozenset(assigned.union(*(s.call.targets for s in self.sites)))

    @cached_property
    def version_cells(self) -> frozenset[int]:
        """Cells that set an object version (``VersionId``, ``generation``)."""
        return frozenset(c for c, a in self.assigns if a.target in ("VersionId", "generation"))

    @cached_property
    def endpoints(self) -> list[Endpoint]:
        """Every endpoint the unit creates, in order (see ``_serving.endpoints``)."""
        from mlwa_notebook.rules._serving import find_endpoints

        return find_endpoints(self)

    @cached_property
    def scorings(self) -> list[Scoring]:
        """Places where the unit computes a metric (see ``_evaluation.scorings``)."""
        from mlwa_notebook.rules._evaluation import find_scorings

        return find_scorings(self)

    @cached_property
    def trainings(self) -> tuple[Site, ...]:
        """Calls that train a model, in order (see ``_evaluation.trainings``)."""
        from mlwa_notebook.rules._evaluation import trainings

        return tuple(trainings(self))

    @cached_property
    def first_training(self) -> int | None:
        """The cell of the unit's first training call, if any."""
        fits = self.trainings
        return fits[0].cell if fits else None

    @cached_property
    def reads_job_metrics(self) -> bool:
        """Whether a managed job's metrics are read back (metric definitions, objectives)."""
        from mlwa_notebook.rules._evaluation import JOB_METRIC_KWARGS

        return any(k in JOB_METRIC_KWARGS for s in self.sites for k in s.call.kwargs)

    @cached_property
    def components(self) -> Mapping[str, str]:
        """Pipeline components by the name they are bound to, with the file or URL each was
        loaded from (``components.load_component_from_url(url)``)."""
        found: dict[str, str] = {}
        for site in self.sites:
            call = site.call
            if not call.attr.startswith("load_component"):
                continue
            given = call.args[0] if call.args else None
            given = given or next(
                (call.kwargs[k] for k in ("url", "filename") if k in call.kwargs), None
            )
            for target in call.targets:
                found[target] = self.value_text(given)
        return found

    def uses(self, *modules: str) -> bool:
        """Whether the unit imports any of these top-level modules (or their submodules)."""
        return any(
            target == m or target.startswith(m + ".")
            for target in self.imports.values()
            for m in modules
        )

    @cached_property
    def built_by(self) -> Mapping[str, tuple[Site, ...]]:
        """For each name bound from a call, the calls it was bound from, in order."""
        found: dict[str, list[Site]] = {}
        for site in self.sites:
            for target in site.call.targets:
                found.setdefault(target, []).append(site)
        return {k: tuple(v) for k, v in found.items()}

    @cached_property
    def origins(self) -> Mapping[str, tuple[str, ...]]:
        """For each name bound from a call, the resolved callees it was bound from, in order."""
        return {k: tuple(s.qualified for s in v) for k, v in self.built_by.items()}

    def origin(self, name: str) -> str:
        """Every callee ``name`` was bound from, joined (empty when it never was)."""
        return " ".join(self.origins.get(name.split(".", 1)[0].split("[", 1)[0], ()))

    def ancestry(self, name: str, depth: int = 4) -> list[str]:
        """The callees ``name`` came from, following receivers back (``model = job.run()``,
        ``job = aiplatform.AutoMLTabularTrainingJob(...)``) up to ``depth`` steps."""
        found: list[str] = []
        todo = [name]
        seen: set[str] = set()
        while todo and depth > 0:
            depth -= 1
            current = todo.pop().split(".", 1)[0].split("[", 1)[0]
            if current in seen:
                continue
            seen.add(current)
            for origin in self.origins.get(current, ()):
                found.append(origin)
                head = origin.split(".", 1)[0].split("(", 1)[0]
                if head not in self.imports and "." in origin:
                    todo.append(head)
        return found

    def literal(self, name: str) -> str:
        """The last string or number literal bound to ``name`` (empty if none)."""
        return self.literals.get(name, "")

    def value_text(self, value: Value | None) -> str:
        """A literal argument's text, or the literal its name was bound to (empty if unknown)."""
        if value is None:
            return ""
        if value.kind in ("str", "num", "bool"):
            return value.text
        if value.kind == "name":
            return self.literal(value.text)
        return ""

    def cell_keys(self, cell: int) -> dict[str, Value]:
        """Dict keys and names bound in one cell, with their values (``{"InstanceType": ...}``)."""
        return {a.target: a.value for c, a in self.assigns if c == cell}

    def value_text_of(self, value: Value | str) -> str:
        """``value_text`` for a value that may be missing (an empty string)."""
        return self.value_text(value) if isinstance(value, Value) else value

    @cached_property
    def values_of(self) -> Mapping[str, tuple[Value, ...]]:
        """Every value each name is assigned, in order (one pass, for following paths back)."""
        found: dict[str, list[Value]] = {}
        for _, a in self.assigns:
            found.setdefault(a.target, []).append(a.value)
        return {k: tuple(v) for k, v in found.items()}

    @cached_property
    def guards_by_cell(self) -> Mapping[int, tuple[tuple[str, int, int, str], ...]]:
        """``guards`` by cell: (name, first line, last line, literal)."""
        found: dict[int, list[tuple[str, int, int, str]]] = {}
        for cell, name, first, last, literal in self.guards:
            found.setdefault(cell, []).append((name, first, last, literal))
        return {k: tuple(v) for k, v in found.items()}

    @cached_property
    def assigned_lines(self) -> frozenset[tuple[int, int]]:
        """(cell, line) of every assignment: where a value is kept rather than only shown."""
        return frozenset((cell, a.line) for cell, a in self.assigns)

    @cached_property
    def not_data(self) -> frozenset[str]:
        """Names that are modules, functions, classes or models, never data."""
        callee_roots = {s.call.root for s in self.sites if "." not in s.call.func}
        return frozenset(self.imports) | self.defs | callee_roots | self.models

    @cached_property
    def models(self) -> frozenset[str]:
        """Names of objects that are fitted or predict: models and pipelines, not data."""
        return frozenset(
            s.call.root for s in self.sites if "." in s.call.func and s.call.attr in _MODEL_METHODS
        )

    @cached_property
    def flow(self) -> DataFlow:
        """Which names hold held-out data, training data, predictions."""
        return DataFlow.of(self)


@dataclass(frozen=True)
class DataFlow:
    """Names that hold held-out data, training data, or model predictions in one unit.

    Names count by what they are called (``X_test``) and by where they came from: outputs of a
    split by position, and anything computed from a held-out, training or prediction value.
    """

    held_out: frozenset[str]
    train: frozenset[str]
    predictions: frozenset[str]
    fitted_on: frozenset[str]
    #: How it was followed, for the next unit's flow to resume from.
    walk: _FlowWalk | None = field(default=None, compare=False, repr=False)

    @classmethod
    def of(cls, unit: Unit) -> DataFlow:
        """Follow the unit's assignments in order."""
        held: set[str] = set()
        train: set[str] = set()
        pred: set[str] = set()
        fitted: set[str] = set()
        # Models the notebook fits: calling one directly (``model(x_test)``, as Keras and
        # PyTorch allow) predicts with it.
        models: set[str] = set()
        # Each step: (cell, line, targets, names read, the call if the value is a call).
        steps: list[tuple[int, int, tuple[str, ...], tuple[str, ...], Site | None]] = []
        called: set[tuple[int, int, tuple[str, ...]]] = set()
        for site in unit.sites:
            c = site.call
            if c.attr in ("fit", "train", "fit_generator"):
                given = [*c.args, *(c.kwargs[k] for k in ("x", "X", "y") if k in c.kwargs)]
                fitted.update(v.text.split(".", 1)[0] for v in given if v.kind == "name")
                if c.func.count(".") == 1:
                    models.add(c.root)
            if c.targets:
                steps.append((site.cell, c.line, c.targets, c.names, site))
                called.add((site.cell, c.line, c.targets))
        for cell, a in unit.assigns:
            key = (cell, a.line, (a.target,))
            if a.value.kind != "call" and key not in called:
                steps.append((cell, a.line, (a.target,), a.value.names, None))
        steps.sort(key=lambda s: (s[0], s[1]))
        # Which names are data and which calls predict are the same for every step: with those
        # of the last flow, its state before the first step that differs serves, and once the
        # state is again the one it had before the same step, so does its end.
        # A fitted model's ``transform`` predicts (Spark ML's models add a prediction column);
        # a fitted scaler's does not, and is no training.
        trained = frozenset(t for s in unit.trainings for t in s.call.targets)
        around = (unit.not_data, frozenset(models), trained)
        last = unit.last_flow.walk if unit.last_flow is not None else None
        start, end, shift = 0, len(steps), 0
        marks: dict[int, tuple[frozenset[str], frozenset[str], frozenset[str]]] = {}
        old: Mapping[int, tuple[frozenset[str], frozenset[str], frozenset[str]]] = {}
        if last is not None and last.around == around:
            before = last.steps
            same = 0
            while same < min(len(steps), len(before)) and steps[same] == before[same]:
                same += 1
            tail = 0
            while (
                tail < min(len(steps), len(before)) - same and steps[-1 - tail] == before[-1 - tail]
            ):
                tail += 1
            end, shift = len(steps) - tail, len(steps) - len(before)
            start = max((m for m in last.marks if m <= same), default=0)
            marks = {m: v for m, v in last.marks.items() if m <= start}
            old = last.marks
            if start in marks:
                held, train, pred = (set(v) for v in marks[start])
        for at in range(start, len(steps)):
            seen = old.get(at - shift) if at >= end else None
            if seen is not None and seen[0] == held and seen[1] == train and seen[2] == pred:
                assert last is not None
                marks.update((m + shift, v) for m, v in old.items() if m >= at - shift)
                held, train, pred = set(last.held), set(last.train), set(last.pred)
                break
            if at % _FLOW_EVERY == 0:
                marks[at] = (frozenset(held), frozenset(train), frozenset(pred))
            _, _, targets, names, step_site = steps[at]
            call = step_site.call if step_site is not None else None
            data = [n for n in names if n not in unit.not_data and n not in trained]
            if call is not None and call.attr in _ALTERNATING_SPLITS and len(targets) >= 2:
                for i, t in enumerate(targets):
                    (held if i % 2 else train).add(t)
                continue
            first_is_train = (
                step_site is not None and step_site.qualified in _FIRST_IS_TRAIN_SPLITS
            ) or (call is not None and call.attr == "randomSplit")
            if first_is_train and len(targets) >= 2:
                train.add(targets[0])
                held.update(targets[1:])
                continue
            from_held = any(n in held or held_out_name(n) for n in data)
            from_train = any(n in train or train_name(n) for n in data)
            is_pred = (
                call is not None
                and (
                    call.attr in PREDICTORS
                    or call.func in models
                    or (
                        call.attr == "transform"
                        and call.func.count(".") == 1
                        and call.root in trained
                    )
                )
            ) or any(n in pred for n in data)
            if call is not None and (
                call.attr.startswith("predict") or ".predict(" in call.func + "("
            ):
                # ``model.predict(X).as_data_frame()`` still holds predictions.
                is_pred = True
            for t in targets:
                if held_out_name(t):
                    held.add(t)
                elif train_name(t):
                    train.add(t)
                elif from_held and not from_train:
                    held.add(t)
                elif from_train and not from_held:
                    train.add(t)
                if is_pred:
                    pred.add(t)
        done = (frozenset(held), frozenset(train), frozenset(pred))
        walk = _FlowWalk(tuple(steps), around, marks, *done)
        return cls(*done, frozenset(fitted), walk)

    def is_held_out(self, name: str) -> bool:
        """Whether ``name`` holds held-out data."""
        return name in self.held_out or held_out_name(name)

    def is_train(self, name: str) -> bool:
        """Whether ``name`` holds training data (or exactly what a model was fitted on)."""
        return name in self.train or train_name(name) or name in self.fitted_on


#: How often (in steps) ``DataFlow.of`` keeps the names it has found so far.
_FLOW_EVERY = 64


@dataclass(frozen=True, slots=True)
class _FlowWalk:
    """How ``DataFlow.of`` followed a unit: its steps, what held for all of them, the names it
    had found before every ``_FLOW_EVERY``-th step (and others kept from the flow before), and
    those it found in all."""

    steps: tuple[tuple[int, int, tuple[str, ...], tuple[str, ...], Site | None], ...]
    around: tuple[frozenset[str], frozenset[str], frozenset[str]]
    marks: Mapping[int, tuple[frozenset[str], frozenset[str], frozenset[str]]]
    held: frozenset[str]
    train: frozenset[str]
    pred: frozenset[str]


#: A name IPython expands in a ``!`` line or a magic's argument (``$name``, ``${name}``, ``{name}``).
_INTERPOLATED = re.compile(r"\$\{(\w+)\}|\$(\w+)|\{(\w+)\}")


def interpolated_head(text: str) -> tuple[str, str] | None:
    """The variable a path or shell word starts with, and what follows it; None when it starts
    with a literal. One reading for every rule, so a copy's source and a script's path agree."""
    match = _INTERPOLATED.match(text)
    if match is None:
        return None
    return next(group for group in match.groups() if group), text[match.end() :]


def _script_refs(path: str) -> tuple[str, ...]:
    """The ways later code can point at a written script: file, path, module, package folder."""
    clean = path.strip().strip("'\"").lstrip("./")
    held = interpolated_head(clean)
    if held is not None and not held[1]:
        # A path held in a variable: later code hands the script on by that name.
        return (held[0],)
    base = clean.rsplit("/", 1)[-1]
    refs = {base, clean}
    stem = clean[: -len(".py")] if clean.endswith(".py") else clean
    parts = stem.split("/")
    if len(parts) >= 2:
        refs.add(".".join(parts[-2:]))  # python -m trainer.task
        refs.add(parts[0])  # the folder handed to a job as source_dir
        refs.add("/".join(parts[:-1]))
    return tuple(r for r in refs if r)


def _mentions(text: str, ref: str) -> bool:
    at = text.find(ref)
    while at >= 0:
        before = text[at - 1] if at else " "
        after = text[at + len(ref)] if at + len(ref) < len(text) else " "
        if not (before.isalnum() or before == "_") and not (after.isalnum() or after in "_-"):
            return True
        at = text.find(ref, at + 1)
    return False


def script_is_run(index: int, path: str, later: Iterator[tuple[int, CodeFacts]]) -> bool:
    """Whether code after cell ``index`` refers to the script it writes (runs it or ships it)."""
    refs = _script_refs(path)
    for cell, facts in later:
        if cell <= index:
            continue
        if facts.script_path is not None:
            # Another file the notebook writes runs nothing, unless it is a container file
            # that copies the script into an image (its COPY lines are its strings).
            if facts.script is None and any(
                _mentions(t, r) for _, t in facts.strings for r in refs
            ):
                return True
            continue
        texts = [s for _, s in facts.strings] + [sh.text for sh in facts.shells]
        texts += [v.text for c in facts.calls for v in (*c.args, *c.kwargs.values())]
        if facts.magic_args:
            texts.append(facts.magic_args)
        for text in texts:
            if any(_mentions(text, r) for r in refs):
                return True
    return False


@dataclass(frozen=True, slots=True)
class CellPart:
    """What one cell at one place brings to a unit, its callees resolved through the unit's
    imports: kept while the cell's facts are the very same and the imports equal."""

    facts: CodeFacts
    sites: tuple[Site, ...]
    assigns: tuple[tuple[int, Assign], ...]
    strings: tuple[tuple[int, int, str], ...]
    shells: tuple[tuple[int, int, str], ...]


def _cell_part(index: int, facts: CodeFacts, imports: Mapping[str, str]) -> CellPart:
    return CellPart(
        facts,
        tuple(Site(index, c, resolve(c.func, imports)) for c in facts.calls),
        tuple((index, a) for a in facts.assigns),
        tuple((index, line, text) for line, text in facts.strings),
        tuple((index, sh.line, sh.text) for sh in facts.shells),
    )


def build_unit(
    name: str,
    is_script: bool,
    cells: list[tuple[int, CodeFacts]],
    imports: Mapping[str, str],
    on_colab: bool = False,
    parts: tuple[Mapping[int, CellPart], dict[int, CellPart]] | None = None,
    last_flow: DataFlow | None = None,
) -> Unit:
    """A unit from the facts of its cells (one cell for a script).

    ``parts``: the cells' parts of a unit built before with the same imports, by place, and
    where to put this one's (an edit then resolves the callees of the edited cells only)."""
    sites: list[Site] = []
    assigns: list[tuple[int, Assign]] = []
    strings: list[tuple[int, int, str]] = []
    shells: list[tuple[int, int, str]] = []
    defs: set[str] = set()
    guards: list[tuple[int, str, int, int, str]] = []
    before, now = parts if parts is not None else ({}, None)
    for index, facts in cells:
        part = before.get(index)
        if part is None or part.facts is not facts:
            part = _cell_part(index, facts, imports)
        if now is not None:
            now[index] = part
        sites.extend(part.sites)
        assigns.extend(part.assigns)
        strings.extend(part.strings)
        shells.extend(part.shells)
        defs.update(facts.defs)
        guards.extend((index, *g) for g in facts.guards)
    return Unit(
        name,
        is_script,
        imports,
        tuple(sites),
        tuple(assigns),
        tuple(strings),
        tuple(shells),
        frozenset(defs),
        on_colab,
        tuple(guards),
        last_flow,
    )
