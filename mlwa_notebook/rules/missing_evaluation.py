"""MLW002 missing-evaluation: a model is trained and never scored on held-out data."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from mlwa_notebook.cellcode import CodeFacts
from mlwa_notebook.dataflow_names import names_an_evaluation, shows_held_out_score, train_name
from mlwa_notebook.rules._evaluation import Scoring, hand_scorings, read_back_scores, scorings
from mlwa_notebook.rules._serving import switched_off
from mlwa_notebook.rules._submitted_jobs import reads_run_metrics
from mlwa_notebook.rules.base import CheckResult, Hit, NotebookContext, Proof, Rule


def check(ctx: NotebookContext) -> CheckResult:
    trained = [(u, s) for u in ctx.units for s in u.trainings]
    held_out = [sc for u in ctx.units for sc in scorings(u) if sc.held_out]
    functions = {v.index: v.facts.functions for v in ctx.code_cells() if v.facts is not None}
    cells = [(v.index, v.facts) for v in ctx.code_cells() if v.facts is not None]
    tuned = _tuned_on_test(held_out, cells)
    for sc in held_out:
        if (
            sc.credited
            and sc.site.cell not in tuned
            and not _in_a_generic_helper(sc, functions)
            and not (sc.unit.guards and switched_off(sc.unit, sc.site))
        ):
            # A score under a switch the notebook leaves off is not shown (the finding still
            # counts it: the notebook can evaluate).
            cell = _cell_that_runs(sc, functions)
            if cell is not None:
                yield Proof("MLREL03-BP03", cell, sc.note)
    by_hand = hand_scorings(cells) + read_back_scores(cells)
    for index, note in by_hand:
        if index not in tuned:
            yield Proof("MLREL03-BP03", index, note)
    if trained and not held_out and not by_hand and not _evaluation_not_followed(ctx):
        unit, site = trained[0]
        where = f" in {unit.name}" if unit.is_script else ""
        yield Hit(
            site.cell,
            site.call.line,
            f"trains a model with {site.call.func}(){where} but no cell or script it runs "
            "scores it on held-out data",
        )


def _tuned_on_test(
    held_out: Sequence[Scoring], cells: Sequence[tuple[int, CodeFacts]]
) -> frozenset[int]:
    """Cells that read test data a fit stopped early on, from that fit's cell on: the rows chose
    the model's number of rounds, so a score on them is no clean test (nor evidence of one). The
    finding still counts them as scoring."""
    stops = [(sc.site.cell, sc.tuned_on) for sc in held_out if sc.tuned_on]
    if not stops:
        return frozenset()
    return frozenset(
        index
        for index, facts in cells
        if any(first <= index and names & facts.loaded for first, names in stops)
    )


def _evaluation_not_followed(ctx: NotebookContext) -> bool:
    """Whether the notebook shows an evaluation the analysis cannot follow: a score named for a
    held-out split in an output ("Test accuracy: 0.91"), or a call named for evaluating
    (``evaluate_model(model)``, a pipeline's ``evaluate`` step) handed nothing named for
    training data. Where it cannot tell, the rule says nothing: on notebooks it was never tuned
    on, most of its wrong findings were evaluations of these kinds."""
    if any(reads_run_metrics(u) for u in ctx.units):
        return True
    for view in ctx.cells:
        cell = view.cell
        if cell.cell_type == "code" and cell.output_text:
            key = ("MLW002-score-shown", cell.output_text)
            if ctx.per_cell(key, shows_held_out_score, cell.output_text):
                return True
    return any(
        names_an_evaluation(call.attr) and not any(map(train_name, call.names))
        for _, call, _ in ctx.calls()
    )


def _cell_that_runs(
    sc: Scoring, functions: Mapping[int, tuple[tuple[str, int, int, tuple[str, ...]], ...]]
) -> int | None:
    """The cell where a score is computed when the notebook runs: its own, or, for a score
    inside a function of the notebook (``def train_and_evaluate(): ... accuracy_score(y_test,
    ...)``), the first later cell that calls the function or hands it on (``study.optimize(
    objective)``), followed through helpers that call helpers. A function never called tests
    nothing, and nor does the cell that only defines one. The finding still counts the score:
    the notebook can evaluate."""
    cell, line = sc.site.cell, sc.site.call.line
    if sc.unit.is_script:
        return cell
    seen: set[str] = set()
    for _ in range(4):  # helpers are rarely nested deeper; an unfollowed chain shows nothing
        enclosing = [f for f in functions.get(cell, ()) if f[1] <= line <= f[2]]
        if not enclosing:
            return cell
        name, _, last, params = max(enclosing, key=lambda f: f[1])
        if name in seen:
            return None
        seen.add(name)
        method = bool(params) and params[0] == "self"
        callers = [
            s
            for s in sc.unit.sites
            if (s.cell > cell or (s.cell == cell and s.call.line > last))
            and (
                s.call.func == name
                or (method and s.call.attr == name and "." in s.call.func)
                or name in s.call.names
            )
        ]
        if not callers:
            return None
        first = min(callers, key=lambda s: (s.cell, s.call.line))
        cell, line = first.cell, first.call.line
    return None


def _in_a_generic_helper(
    sc: Scoring, functions: Mapping[int, tuple[tuple[str, int, int, tuple[str, ...]], ...]]
) -> bool:
    """A metric inside a function over its own parameters (``def evaluate(y_true, y_pred)``):
    it scores what a later call hands it; the cell that defines it tests nothing yet. It still
    counts as scoring for the finding (the helper is there to be used)."""
    call, cell = sc.site.call, sc.site.cell
    if sc.unit.is_script or call.attr in ("fit", "fit_generator", "train"):
        return False  # a fit told to validate on what it is handed does validate when it runs
    for _, first, last, params in functions.get(cell, ()):
        if not first <= call.line <= last:
            continue
        if set(call.names) & set(params):
            return True
        # Or over names made from them alone (``predictions, labels = eval_pred``).
        local, not_data = set(params), sc.unit.not_data
        for c, a in sc.unit.assigns:
            if c == cell and first <= a.line < call.line and a.value.names:
                names = a.value.names
                if any(n in local for n in names) and all(
                    n in local or n in not_data for n in names
                ):
                    local.add(a.target)
        receiver = call.root if "." in call.func else ""
        data = [n for n in call.names if n not in not_data and n != receiver]
        if data and all(n in local for n in data):
            return True
    return False


RULE = Rule(
    code="MLW002",
    name="missing-evaluation",
    summary="A model is trained and never evaluated on held-out data",
    # Not an error: an evaluation can happen where the notebook does not show it (a module it
    # imports, a job's own validation, a helper of the repository), and on notebooks from
    # repositories it was never tuned on the finding was right 0.40-0.62 of the time.
    severity="warning",
    pillars=("reliability", "performance-efficiency"),
    best_practices=("MLREL03-BP03", "MLPERF04-BP03"),
    fix="Hold out a test or validation split and compute the chosen metric on it before the "
    "model is used.",
    doc="""\
## What it does
Flags a notebook that trains a model (a `fit` in a cell, in a `%%writefile` script it runs or
copies into the image a job runs (`COPY task.py .` in a Dockerfile it writes), a
training, tuning or AutoML job it launches, an Azure ML run it submits of an AutoML or HyperDrive
configuration or of a script named for training (`experiment.submit(estimator)` with
`entry_script="train.py"`, or a pipeline with such a step), a Kubeflow SageMaker training step,
an MLflow Recipe's train step, or a gradient step; a pipeline whose every stage is a transformer,
such as Spark's `Pipeline(stages=indexers)`, is no model) but never computes a metric on data the model was not fitted on: a test or validation
split, `validation_data=` / `eval_set=`
while fitting, or predictions compared with held-out labels (`confusion_matrix(y_test, y_pred)`,
`pd.crosstab(test_y, predictions)`, the cross-tabulation of a fitted Spark model's
`transform` of test rows), a metric accumulated over an evaluation loader, or an
evaluator built over an evaluation set and called on the model (sentence-transformers). What
held-out data is follows the names and the data flow:
outputs of `train_test_split`, `randomSplit` and `np.split`, and what is computed from them.
A tuning job told to optimise a held-out metric (`objective_metric_name="validation:auc"`)
scores every trial on held-out data; a fastai learner's training loops (`fit_one_cycle`,
`fine_tune`) report its metrics on the validation rows its data split off (unless told to keep
none, `split_none()`), and `learn.validate()` scores it there; so does a score a fitted object keeps of data it held
out, read back (a search's `best_score_`, FLAML's `best_loss`, a booster's `best_score`, a
forest's out-of-bag score or TF-DF's self-evaluation). A helper of the notebook or its
repository handed held-out inputs with their labels (`select_features(X_test, y_test)`) scores
with them, and an MLflow Recipe's evaluate step scores on its validation and test splits. A
metric computed inside a function of the notebook counts; it is shown as evidence of testing at
the first cell that calls the function or hands it on (`study.optimize(objective)`), not at the
cell that only defines it (nothing is tested there yet). A clustering is a model too (scored with a silhouette or
label-agreement score on rows it was not fitted on); embeddings, topic models and neighbour
indexes are feature steps. A managed job handed a validation channel
(`fit({"train": ..., "validation": ...})`) scores the model on it as it trains and logs the
score, as a fit given `validation_data=` does, and AutoML candidates read back
(`best_candidate()`) carry their objective on the split the job held out; a job's metric on a
split the notebook never hands it nor reads back does not count, and a pipeline whose steps the
notebook does not show is not judged. Where the notebook shows an evaluation the analysis cannot follow, the rule says
nothing: a HyperDrive sweep (its trials are scored on the metric their script logs), metrics
read back from an Azure ML run (`run.get_metrics()`, `get_best_run_by_primary_metric()`), an output that prints a score named for a held-out split ("Test accuracy: 0.91",
`val_loss: 0.32`), or a call named for evaluating (`evaluate_model(model)`,
`run_evaluation()`) handed nothing named for training data (`model.evaluate(x_train, y_train)`
still counts as no held-out evaluation).

## Why is this bad?
A score on training data says how well the model memorised, not how it will do on new data.
Without a held-out evaluation nobody can tell whether the model is fit for its purpose.

## Example
```python
model.fit(X, y)
model.predict(X_new)
```

## Use instead
```python
X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)
model.fit(X_train, y_train)
print(f1_score(y_test, model.predict(X_test)))
```

## Suppress
`# mlwa: ignore[MLW002] reason` in the training cell.
""",
    check=check,
)
