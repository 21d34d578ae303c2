"""MLW000 unparsable-cell: a code cell is not valid Python even after IPython's transforms."""

from __future__ import annotations

from mlwa_notebook.rules.base import CheckResult, Hit, NotebookContext, Rule


def check(ctx: NotebookContext) -> CheckResult:
    for view in ctx.code_cells():
        assert view.facts is not None
        if view.facts.error is not None:
            line, message = view.facts.error
            yield Hit(view.index, line, f"does not parse ({message}); the other rules skip it")


RULE = Rule(
    code="MLW000",
    name="unparsable-cell",
    summary="A code cell does not parse, so no other rule can check it",
    severity="error",
    pillars=("operational-excellence",),
    best_practices=(),
    fix="Fix the syntax error, or make the cell a raw or markdown cell if it is not code.",
    doc="""\
## What it does
Reports a code cell that is not valid Python after IPython's own input transformations (magics
and shell escapes are understood). The other cells are still analysed.

## Why is this bad?
A cell that does not run breaks "Run all", and every check of that cell is blind.

## Example
```python
model.fit(X_train y_train)
```

## Use instead
```python
model.fit(X_train, y_train)
```

## Suppress
`# mlwa: ignore[MLW000] reason`, or the cell tag `mlwa-ignore:MLW000`.
""",
    check=check,
)
