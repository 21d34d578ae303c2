"""MLW003 hardcoded-secret: credentials written into code or printed in outputs.

Every message shows the value masked (``mask``): the report, and every view of it, never holds
more of a secret than its first four characters.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import re2  # type: ignore[import-untyped]

from mlwa_notebook.cellcode import Assign, CodeFacts
from mlwa_notebook.notebook import Cell, is_binary_mime
from mlwa_notebook.rules._secrets import SECRET_NAME, is_placeholder, mask, scannable, secret_in
from mlwa_notebook.rules.base import CheckResult, Hit, NotebookContext, Rule

# Both run over whole outputs and shell lines: RE2, linear in the text (see ``_secrets.py``).
#: ``name: value`` pairs in printed output whose name says credential (a value starting with
#: ``=`` is the rest of a comparison, ``"password"===e.type`` in a bundled script).
_OUTPUT_PAIR = re2.compile(
    r"(?i)\b(password|passwd|secret|api[_-]?key|access[_-]?token|auth[_-]?token|secret[_-]?key|"
    r"client[_-]?secret)['\"]?\s*[=:]\s*['\"]?([^\s'\",}=][^\s'\",}]{7,})"
)
#: Credentials handed to a shell command: ``export TOKEN=...``, ``--password ...``, bearer tokens.
#: The name ends in the credential word or a further ``_WORD`` (``tokenized_requests=False`` in an
#: argument list is not a token), and a comma ends the value, as it ends a ``k=v,k=v`` list.
_SHELL_SECRET = re2.compile(
    r"(?i)\b[A-Z_]*(?:PASSWORD|SECRET|TOKEN|API_KEY|ACCESS_KEY)(?:_[A-Z]+)*=['\"]?([^\s'\",]{8,})"
    r"|--(?:password|token|api-key|secret)[= ]['\"]?([^\s'\",]{8,})"
    r"|\bBearer\s+([A-Za-z0-9._\-]{20,})"
)


def _a(label: str) -> str:
    """The label with its article: "an AWS access key id", "a GitHub token"."""
    return f"{'an' if label[:1].upper() in 'AEIOU' else 'a'} {label}"


@dataclass(frozen=True, slots=True)
class Sighting:
    """A secret seen in a cell: the line (0: the cell's output), the value, the masked message."""

    line: int
    value: str
    message: str


#: A literal that can be a key or token: 16 or more key characters mixing upper and lower case
#: and digits (base64-like), or 32 or more hex digits. Words (``price_per_m2_2020``) are not.
_KEY_CHARS = re.compile(r"[A-Za-z0-9+/=\-]{16,}")
_HEX_KEY = re.compile(r"[0-9a-f]{32,}")


def _key_like(text: str) -> bool:
    if _HEX_KEY.fullmatch(text):
        return True
    return (
        _KEY_CHARS.fullmatch(text) is not None
        and any(c.isupper() for c in text)
        and any(c.islower() for c in text)
        and any(c.isdigit() for c in text)
    )


#: How an HTTP Authorization header's value starts when a credential follows.
_AUTH_SCHEMES = ("Bearer ", "Basic ", "Token ", "token ")


def _authorization_lines(facts: CodeFacts) -> set[int]:
    """Lines that build an Authorization header from a scheme and a name (``{"Authorization":
    "Bearer " + key}``, ``headers["Authorization"] = f"Bearer {key}"``)."""
    named = {line for line, text in facts.strings if text == "Authorization"}
    return {
        line for line, text in facts.strings if line in named and text.startswith(_AUTH_SCHEMES)
    }


def _handed(bound: Assign, seen: set[int], how: str) -> Sighting:
    """A literal bound to a name that is then used as a credential."""
    seen.add(bound.line)
    text = bound.value.text
    return Sighting(
        bound.line, text, f"`{bound.target}` holds a literal credential {mask(text)!r}, {how}"
    )


def code_sightings(facts: CodeFacts) -> Iterator[Sighting]:
    """Secrets in a code cell's code: named literals, key shapes, shell arguments (one per line)."""
    seen: set[int] = set()
    named = [(a.target, a.value, a.line) for a in facts.assigns] + [
        (key, value, call.line) for call in facts.calls for key, value in call.kwargs.items()
    ]
    for target, value, line in named:
        leaf = target.rsplit(".", 1)[-1].rsplit("[", 1)[0]
        if (
            value.kind == "str"
            and SECRET_NAME.search(leaf)
            and not is_placeholder(value.text)
            and line not in seen
        ):
            seen.add(line)
            yield Sighting(
                line, value.text, f"`{leaf}` is set to a literal credential {mask(value.text)!r}"
            )
    # ``key = "minio123"`` then ``Uploader(secret_key=key)``: the keyword names the secret, the
    # name it is handed was bound to the literal in this cell.
    literals = {a.target: a for a in facts.assigns if a.value.kind == "str"}
    for call in facts.calls:
        for key, value in call.kwargs.items():
            bound = literals.get(value.text) if value.kind == "name" else None
            if (
                bound is None
                or bound.line in seen
                or not SECRET_NAME.search(key)
                or is_placeholder(bound.value.text)
            ):
                continue
            yield _handed(bound, seen, f"passed as `{key}`")
    # ``key = "Ps8m..."`` then ``headers["Authorization"] = f"Bearer {key}"``: the header
    # names the credential, the name it interpolates was bound to the literal in this cell.
    for line in _authorization_lines(facts):
        for a in facts.assigns:
            if a.line != line:
                continue
            for name in a.value.names:
                bound = literals.get(name)
                if (
                    bound is None
                    or bound.line in seen
                    or is_placeholder(bound.value.text)
                    or not _key_like(bound.value.text)
                ):
                    continue
                yield _handed(bound, seen, "sent in an Authorization header")
    # ``os.environ["API_KEY"] = "..."``: the key names the secret, the value is the literal.
    keyed = {a.line: a.value.text for a in facts.assigns if a.target.endswith("[]")}
    for a in facts.assigns:
        if not a.target.endswith("[]") or a.value.kind != "str" or a.line in seen:
            continue
        keys = [t for line, t in facts.strings if line == a.line and t != keyed[a.line]]
        if any(SECRET_NAME.search(k) for k in keys) and not is_placeholder(a.value.text):
            seen.add(a.line)
            yield Sighting(
                a.line,
                a.value.text,
                f"`{keys[0]}` is set to a literal credential {mask(a.value.text)!r}",
            )
    for line, text in facts.strings:
        found = secret_in(text)
        if found is not None and line not in seen:
            seen.add(line)
            yield Sighting(line, found[1], f"contains {_a(found[0])} {mask(found[1])!r}")
    for shell in facts.shells:
        found = secret_in(shell.text)
        given = _shell_credential(shell.text)
        if found is not None and shell.line not in seen:
            seen.add(shell.line)
            yield Sighting(shell.line, found[1], f"passes {_a(found[0])} {mask(found[1])!r}")
        elif given is not None and shell.line not in seen:
            seen.add(shell.line)
            yield Sighting(
                shell.line, given, f"passes a credential {mask(given)!r} on a command line"
            )


# Cached like ``secret_in``: the same lines and outputs come back at every re-analysis.
@lru_cache(maxsize=16384)
def _shell_credential(text: str) -> str | None:
    match = _SHELL_SECRET.search(scannable(text))
    if match is None:
        return None
    given: str = next(g for g in match.groups() if g)
    return None if is_placeholder(given) else given


@lru_cache(maxsize=16384)
def _printed_pair(text: str) -> tuple[str, str] | None:
    pair = _OUTPUT_PAIR.search(scannable(text))
    if pair is None or is_placeholder(pair.group(2)):
        return None
    return f"{pair.group(1).lower()} value", pair.group(2)


def text_sightings(text: str, output: bool) -> Iterator[Sighting]:
    """Secrets in markdown text (line 1) or printed output (line 0): the first one, if any."""
    found = secret_in(text)
    if found is None and output:
        found = _printed_pair(text)
    if found is None:
        return
    if output:
        yield Sighting(0, found[1], f"prints {_a(found[0])} {mask(found[1])!r} in its output")
    else:
        yield Sighting(1, found[1], f"shows {_a(found[0])} {mask(found[1])!r} in its text")


def json_strings(value: Any, path: str = "") -> Iterator[tuple[str, str, str]]:
    """``(key path, key, text)`` of every string in a JSON value; binary payloads are skipped.

    Walked with a stack, not recursion: metadata can be nested thousands deep.
    """
    stack: list[tuple[str, str, Any]] = [(path, "", value)]
    while stack:
        where, key, item = stack.pop()
        if isinstance(item, str):
            yield where, key, item
        elif isinstance(item, Mapping):
            stack.extend(
                (f"{where}.{k}" if where else str(k), str(k), v)
                for k, v in reversed(list(item.items()))
                if not is_binary_mime(str(k))
            )
        elif isinstance(item, list):
            stack.extend((f"{where}[{n}]", key, v) for n, v in reversed(list(enumerate(item))))


def metadata_sightings(value: Any, path: str = "") -> Iterator[Sighting]:
    """Secrets in metadata or attachments: values named like a credential, and key shapes.

    Papermill writes a notebook's parameters into its metadata; tools keep tokens in cell
    metadata; an attachment can hold text. Each sighting is on line 0, with its key path.
    """
    if not value:
        return
    seen: set[str] = set()
    for where, key, text in json_strings(value, path):
        if len(text) < 8:  # shorter than any credential either test accepts
            continue
        if text in seen:
            continue
        found = secret_in(text)
        if found is not None:
            seen.add(text)
            yield Sighting(0, found[1], f"`{where}` holds {_a(found[0])} {mask(found[1])!r}")
        elif SECRET_NAME.search(key) and not is_placeholder(text):
            seen.add(text)
            yield Sighting(0, text, f"`{where}` holds a literal credential {mask(text)!r}")


def cell_sightings(cell: Cell, facts: CodeFacts | None) -> Iterator[Sighting]:
    """Every secret the rule sees in one cell: its code or text, then its output.

    Metadata and attachments are ``metadata_sightings``, reported apart (they have no line).
    """
    if facts is not None:
        yield from code_sightings(facts)
    elif cell.cell_type != "code":  # markdown and raw cells are text
        yield from text_sightings(cell.source, output=False)
    if cell.output_text:
        yield from text_sightings(cell.output_text, output=True)


def _cell_sightings(cell: Cell, facts: CodeFacts | None) -> tuple[Sighting, ...]:
    return tuple(cell_sightings(cell, facts))


def check(ctx: NotebookContext) -> CheckResult:
    # Reading a credential at run time keeps it out of the code; it is no proof of a governed
    # workspace, so it is not credited as one.
    for view in ctx.cells:
        cell = view.cell
        # The facts are the source's, or none (a generated cell): the key says which.
        key = ("MLW003", cell.cell_type, view.facts is None, cell.source, cell.output_text)
        sightings = ctx.per_cell(key, _cell_sightings, cell, view.facts)
        for sighting in sightings:
            yield Hit(view.index, sighting.line, sighting.message)
        for sighting in metadata_sightings(cell.metadata):
            yield Hit(view.index, 0, sighting.message, where=f"metadata of {cell.label}")
        for sighting in metadata_sightings(cell.attachments):
            yield Hit(view.index, 0, sighting.message, where=f"attachment of {cell.label}")
    if ctx.cells:  # reported at the first cell: a finding belongs to a cell
        for sighting in metadata_sightings(ctx.notebook.metadata):
            yield Hit(0, 0, sighting.message, where="notebook metadata")


RULE = Rule(
    code="MLW003",
    name="hardcoded-secret",
    summary="A credential is written into a cell or printed in its output",
    severity="error",
    pillars=("security",),
    best_practices=("MLSEC03-BP01", "MLSEC03-BP02", "MLSEC04-BP01"),
    fix="Read credentials from the environment, an IAM role or a secrets manager, rotate the "
    "exposed one, and clear outputs that printed it.",
    doc="""\
## What it does
Flags passwords, API keys, tokens and cloud credentials that appear as literals in code (a
variable, dict key or keyword named like a credential, or a value shaped like a known key:
AWS, GitHub, Slack, Google, Hugging Face, OpenAI-style and Stripe keys, JSON web tokens,
private keys, passwords inside connection URLs or JSON literals), in shell commands
(`export TOKEN=...`, `--password`, bearer tokens), in markdown and raw cells, credentials printed in any of a
cell's outputs (every text version: plain, HTML, SVG…, however long), and values in cell or
notebook metadata and attachments (papermill writes a run's parameters there).
Placeholders (`"<your-key>"`, `"[your-project-id]"`, `"{password}"`, `"changeme"`) and
environment or secrets-manager look-ups are not secrets. The value is masked wherever it is
reported: only its first four characters are ever shown.

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
