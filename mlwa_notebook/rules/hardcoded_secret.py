"""MLW003 hardcoded-secret: credentials written into code or printed in outputs."""

from __future__ import annotations

from mlwa_notebook.rules._patterns import SECRET_NAME, SECRET_SHAPES, is_placeholder, mask
from mlwa_notebook.rules.base import CheckResult, Hit, NotebookContext, Rule


def check(ctx: NotebookContext) -> CheckResult:
    for view in ctx.code_cells():
        facts = view.facts
        assert facts is not None
        seen: set[int] = set()
        named = [(a.target, a.value, a.line) for a in facts.assigns] + [
            (key, value, call.line) for call in facts.calls for key, value in call.kwargs.items()
        ]
        for target, value, line in named:
            leaf = target.rsplit(".", 1)[-1]
            if value.kind == "str" and SECRET_NAME.search(leaf) and not is_placeholder(value.text):
                seen.add(line)
                yield Hit(
                    view.index,
                    line,
                    f"`{leaf}` is set to a literal credential {mask(value.text)!r}",
                )
        for line, text in facts.strings:
            if line in seen:
                continue
            for label, shape in SECRET_SHAPES:
                match = shape.search(text)
                if match and not is_placeholder(match.group(0)):
                    seen.add(line)
                    yield Hit(view.index, line, f"contains a {label} {mask(match.group(0))!r}")
                    break
    for view in ctx.cells:
        out = view.cell.output_text
        if not out:
            continue
        for label, shape in SECRET_SHAPES:
            match = shape.search(out)
            if match and not is_placeholder(match.group(0)):
                yield Hit(view.index, 0, f"prints a {label} {mask(match.group(0))!r} in its output")
                break


RULE = Rule(
    code="MLW003",
    name="hardcoded-secret",
    summary="A credential is written into a cell or printed in its output",
    severity="error",
    pillars=("security",),
    best_practices=("MLSEC03-BP01", "MLSEC03-BP02"),
    fix="Read credentials from the environment, an IAM role or a secrets manager, rotate the "
    "exposed one, and clear outputs that printed it.",
    doc="""\
## What it does
Flags passwords, API keys, tokens and cloud credentials that appear as literals in code
(a variable, dict key or keyword named like a credential, or a value shaped like a known key),
and credentials printed in a cell's output. Placeholders (`"<your-key>"`, `"changeme"`) and
environment look-ups are not secrets. The value is masked wherever it is reported.

## Why is this bad?
Notebooks are shared, committed and exported with their outputs. A secret in one is a secret
given to everyone who ever sees the file or its history.

## Example
```python
client = boto3.client("s3", aws_secret_access_key="wJalr...")
```

## Use instead
```python
client = boto3.client("s3")  # credentials from the role or the environment
```

## Suppress
Do not: rotate the secret. For a known test fixture, `# mlwa: ignore[MLW003] fixture key`.
""",
    check=check,
)
