"""``analyze()``: notebook JSON in, one report out. The only entry point of the analysis.

Data flows one way: cells → code facts → phases → findings → suppressions → coverage → report.
Nothing here reads files, talks to Jupyter, or renders; the caller passes what is known about
the world (configuration, lens, version control) and gets plain records back.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, cast

from mlwa_notebook import __version__
from mlwa_notebook.cellcode import CodeFacts, analyse_code
from mlwa_notebook.checklist import CellReading, cell_checklists
from mlwa_notebook.config import Config
from mlwa_notebook.errors import MlwaError, NotebookError
from mlwa_notebook.evidence import SIGNALS, practice_evidence
from mlwa_notebook.lens import FINE_TO_LENS_PHASE, Lens, load_lens
from mlwa_notebook.location import cell_label
from mlwa_notebook.metadata import (
    cell_ignore_sources,
    checklist_answers,
    explicit_phase,
    is_generated,
    notebook_ignores,
)
from mlwa_notebook.notebook import Notebook, from_dict
from mlwa_notebook.phases import PHASES, classify
from mlwa_notebook.phases.features import cell_inputs
from mlwa_notebook.report import (
    CellReport,
    ErrorRecord,
    Evidence,
    Finding,
    NotebookReport,
    Report,
    Suppression,
)
from mlwa_notebook.rules import ALL_RULES
from mlwa_notebook.rules._secrets import hide_secrets
from mlwa_notebook.rules.base import (
    CellView,
    CheckResult,
    DataTracking,
    Hit,
    Neighbours,
    NotebookContext,
    Proof,
    Rule,
)
from mlwa_notebook.scoring import (
    FORMULA,
    checklist_counts,
    checklist_states,
    lens_phases_present,
    phase_scores,
    pillar_scores,
)
from mlwa_notebook.vocabulary import SEVERITIES, Severity

_PHASE_SET = frozenset(PHASES)


@dataclass
class AnalysisCache:
    """Code facts by cell source, so re-analysing a notebook re-reads only changed cells."""

    facts: dict[str, CodeFacts] = field(default_factory=dict)
    #: The phase model's per-cell parts (own features, context, readings, evidence), by what
    #: each was computed from (``phases.learned.emissions``).
    phase_scores: dict[Hashable, Any] = field(default_factory=dict)
    #: The rules' per-cell results of the last analysis, by rule and what of the cell each
    #: read, and its units (``NotebookContext.per_cell``, ``NotebookContext.units``).
    rule_memo: dict[Hashable, Any] = field(default_factory=dict)
    #: The facts each cell had last, by notebook and cell id: see ``cell_facts``.
    last_facts: dict[tuple[str, str], CodeFacts] = field(default_factory=dict)
    #: Checklist rankings, by what each read (``checklist.cell_checklists``).
    rankings: dict[Hashable, tuple[str, ...]] = field(default_factory=dict)
    limit: int = 50_000

    def ranking_memo(self) -> dict[Hashable, tuple[str, ...]]:
        """The checklist rankings' memo, emptied when it holds more than ``limit``."""
        if len(self.rankings) >= self.limit:
            self.rankings.clear()
        return self.rankings

    def phase_memo(self) -> dict[Hashable, Any]:
        """The phase model's memo, emptied when it holds more than a few entries a cell kept
        (each edit adds entries for the cells that read the edited one)."""
        if len(self.phase_scores) >= 16 * self.limit:
            self.phase_scores.clear()
        return self.phase_scores

    def code_facts(self, source: str) -> CodeFacts:
        """The facts of a code cell's source, computed once."""
        found = self.facts.get(source)
        if found is None:
            if len(self.facts) >= self.limit:
                self.facts.clear()
                self.phase_scores.clear()
                self.last_facts.clear()
            found = self.facts[source] = analyse_code(source)
        return found

    def cell_facts(self, path: str, cell_id: str, source: str) -> CodeFacts:
        """The facts of a cell's source; when they equal those the cell had last (a comment or
        a blank line edited), the very same object, so that what was built from them
        (``NotebookContext.units``) is known to hold still."""
        found = self.code_facts(source)
        if not cell_id:
            return found
        key = (path, cell_id)
        last = self.last_facts.get(key)
        if last is not None and last is not found and last == found:
            return last
        if len(self.last_facts) >= self.limit:
            self.last_facts.clear()
        self.last_facts[key] = found
        return found


#: What a check may read of the context for its answer to be kept while those are the same:
#: the code units (and what is derived from them alone), the tracking and the imports. A check
#: that reads the cells (their text, outputs or phases, as ``calls`` hands them out) or the
#: notebook runs at every analysis.
_UNIT_READS = frozenset({"units", "notebook_unit", "sites"})
_KEPT_READS = _UNIT_READS | {"tracking", "imports"}


class _Reads:
    """A check's view of the context that notes which of its parts the check reads."""

    __slots__ = ("_ctx", "read")

    def __init__(self, ctx: NotebookContext) -> None:
        self._ctx = ctx
        self.read: set[str] = set()

    def __getattr__(self, name: str) -> Any:
        self.read.add(name)
        return getattr(self._ctx, name)


def _checked(
    ctx: NotebookContext, key: Hashable, check: Callable[[NotebookContext], CheckResult]
) -> list[Hit | Proof]:
    """What ``check`` finds in ``ctx``: the last analysis's answer when the check read only the
    code units, the tracking or the imports and they are the very same units and equal others
    (the units are kept while the code cells' places and facts are: a comment, a markdown cell
    or an output edited), else the check's answer now."""
    last = ctx.memo.get(key)
    if last is not None:
        read, units, tracking, imports, items = last
        if (
            (units is None or ctx.units is units)
            and ("tracking" not in read or ctx.tracking == tracking)
            and ("imports" not in read or dict(ctx.imports) == imports)
        ):
            ctx.kept[key] = last
            return items  # type: ignore[no-any-return]
    watched = _Reads(ctx)
    found = list(check(cast(NotebookContext, watched)))
    read = frozenset(watched.read)
    if read <= _KEPT_READS:
        ctx.kept[key] = (
            read,
            ctx.units if read & _UNIT_READS else None,
            ctx.tracking,
            dict(ctx.imports),
            found,
        )
    return found


def _finding(rule: Rule, hit: Hit, nb: Notebook, config: Config) -> Finding:
    cell = nb.cells[hit.cell_index]
    return Finding(
        code=rule.code,
        name=rule.name,
        severity=Severity(config.severity_of(rule.code, rule.name, rule.severity)),
        pillars=rule.pillars,
        best_practices=rule.best_practices,
        cell_index=hit.cell_index,
        cell_id=cell.id,
        line=hit.line,
        text=hit.message,
        fix=rule.fix,
        where=hit.where,
    )


def _suppression(
    f: Finding, cell_ignored: Mapping[str, tuple[str, str]], nb_ignored: Mapping[str, str]
) -> Suppression | None:
    for key in (f.code, f.name):
        if key in cell_ignored:
            reason, via = cell_ignored[key]
            return Suppression("cell", hide_secrets(reason), via, key)
    for key in (f.code, f.name):
        if key in nb_ignored:
            return Suppression("notebook", hide_secrets(nb_ignored[key]), "metadata", key)
    return None


def _finding_counts(findings: list[Finding]) -> dict[str, int]:
    """Open findings per severity, most severe first (the order every view lists them in)."""
    counts = {str(s): sum(f.severity == s for f in findings) for s in reversed(SEVERITIES)}
    return {s: n for s, n in counts.items() if n}


def analyze_notebook(
    raw: Mapping[str, Any],
    *,
    path: str = "<notebook>",
    config: Config | None = None,
    lens: Lens | None = None,
    tracking: DataTracking | None = None,
    cache: AnalysisCache | None = None,
) -> NotebookReport:
    """Analyse one notebook dict; raises ``NotebookError`` when it is not a readable notebook."""
    config = config or Config()
    lens = lens or load_lens(config.lenses)
    cache = cache or AnalysisCache()
    nb = from_dict(raw, path)
    facts: list[CodeFacts | None] = [
        cache.cell_facts(path, c.id, c.source)
        if c.cell_type == "code" and not is_generated(c)
        else None
        for c in nb.cells
    ]
    imports: dict[str, str] = {}
    for cell_facts in facts:
        if cell_facts is not None:
            imports.update(cell_facts.imports)
    explicit = [explicit_phase(c, _PHASE_SET) for c in nb.cells]
    labels = classify(cell_inputs(nb.cells, facts), imports, explicit, memo=cache.phase_memo())
    views = tuple(
        CellView(cell, f, label.phase)
        for cell, f, label in zip(nb.cells, facts, labels, strict=True)
    )
    tracking = tracking or DataTracking()
    if not config.project:  # each notebook alone: what its neighbours do does not count
        tracking = replace(tracking, neighbours=Neighbours())
    ctx = NotebookContext(nb, views, imports, tracking, cache.rule_memo)
    findings: list[Finding] = []
    suppressed: list[Finding] = []
    evidence: list[Evidence] = []
    credited: set[tuple[str, int]] = set()
    nb_ignored = notebook_ignores(nb.metadata)
    ignores_by_cell = [cell_ignore_sources(c) for c in nb.cells]
    for rule in ALL_RULES:
        if not config.enabled(rule.code, rule.name):
            continue
        for item in _checked(ctx, ("checked", rule.code), rule.check):
            if isinstance(item, Proof):
                # One claim per practice and cell, however many calls there show it.
                if (item.best_practice, item.cell_index) in credited:
                    continue
                credited.add((item.best_practice, item.cell_index))
                cell = nb.cells[item.cell_index]
                evidence.append(
                    Evidence(item.best_practice, cell.index, cell.id, item.note, rule.name)
                )
                continue
            finding = _finding(rule, item, nb, config)
            why = _suppression(finding, ignores_by_cell[item.cell_index], nb_ignored)
            if why is None:
                findings.append(finding)
            else:
                suppressed.append(Finding(**{**_fields(finding), "suppressed": why}))
    for proof in _checked(ctx, ("checked", "signals"), practice_evidence):
        assert isinstance(proof, Proof)  # signals only ever credit
        if (proof.best_practice, proof.cell_index) in credited:
            continue
        cell = nb.cells[proof.cell_index]
        evidence.append(Evidence(proof.best_practice, cell.index, cell.id, proof.note, "signal"))
    cache.rule_memo = ctx.kept  # what this analysis used, for the next one
    findings.sort(key=lambda f: (f.cell_index, f.line, f.code))
    counts: dict[int, int] = {}
    for found in findings:
        counts[found.cell_index] = counts.get(found.cell_index, 0) + 1
    readings = [
        CellReading(c.index, label.phase, FINE_TO_LENS_PHASE.get(label.phase), label.evidence)
        for c, label in zip(nb.cells, labels, strict=True)
    ]
    present = lens_phases_present(label.phase for label in labels)
    # What the notebook can show: the practices of the rules that ran, and of evidence signals.
    ran = [r for r in ALL_RULES if config.enabled(r.code, r.name)]
    checkable = {bp for r in ran for bp in r.best_practices} | {s.practice for s in SIGNALS}
    # A rule that ran and found nothing, not even a suppressed finding, holds for its practices.
    flagged = {bp for f in (*findings, *suppressed) for bp in f.best_practices}
    held: dict[str, list[str]] = {}
    for rule in ran:
        for bp in rule.best_practices:
            if bp not in flagged:
                held.setdefault(bp, []).append(rule.name)
    # Notes and reasons are the user's text, repeated by every export: no secret in clear.
    answers = {
        bp: replace(a, note=hide_secrets(a.note), reason=hide_secrets(a.reason))
        for bp, a in checklist_answers(nb.metadata).items()
    }
    states = checklist_states(lens, present, answers, findings, evidence, checkable, held)
    ideas = {bp.id: f"{bp.description} {bp.notebook_evidence}" for bp in lens.best_practices}
    ranked = cell_checklists(readings, states, findings, evidence, ideas, cache.ranking_memo())
    cells = tuple(
        CellReport(
            index=c.index,
            id=c.id,
            label=cell_label(c.index),
            cell_type=c.cell_type,
            phase=label.phase,
            lens_phase=reading.lens_phase,
            phase_source=label.source,
            confidence=label.confidence,
            evidence=label.evidence,
            execution_count=c.execution_count,
            finding_count=counts.get(c.index, 0),
            checklist_phase=phase,
            checklist=ids,
        )
        for c, label, reading, (phase, ids) in zip(nb.cells, labels, readings, ranked, strict=True)
    )
    scores = pillar_scores(states)
    return NotebookReport(
        path=path,
        cells=cells,
        findings=tuple(findings),
        suppressed=tuple(suppressed),
        coverage={s.pillar: s.score for s in scores},
        pillar_scores=scores,
        phase_coverage=phase_scores(states, present),
        phases_present=present,
        checklist=states,
        evidence=tuple(evidence),
        lenses=tuple(s.lens_id for s in lens.sources),
        coverage_formula=FORMULA,
        finding_counts=_finding_counts(findings),
        checklist_counts=checklist_counts(states),
    )


def _fields(f: Finding) -> dict[str, Any]:
    return {name: getattr(f, name) for name in f.__slots__}


def analyze(
    raw: Any,
    *,
    path: str = "<notebook>",
    config: Config | None = None,
    lens: Lens | None = None,
    tracking: DataTracking | None = None,
    cache: AnalysisCache | None = None,
) -> Report:
    """The report for one notebook dict. Never raises: a bad notebook becomes an error record."""
    try:
        nb_report = analyze_notebook(
            raw, path=path, config=config, lens=lens, tracking=tracking, cache=cache
        )
    except NotebookError as exc:
        return Report((), (ErrorRecord(exc.path, exc.message, exc.cell_index),), __version__)
    except MlwaError as exc:
        return Report((), (ErrorRecord(path, str(exc)),), __version__)
    except Exception as exc:  # a bug must not take the user's work down with it
        message = f"internal error while analysing ({type(exc).__name__}: {exc}); please report it"
        return Report((), (ErrorRecord(path, message),), __version__)
    return Report((nb_report,), (), __version__)
