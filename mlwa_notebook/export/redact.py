"""Mask secrets in the cells an export copies: an export is an artefact people share.

The report's messages are already masked by the rule that finds secrets (MLW003). The annotated
notebook and its HTML copy the cells themselves, so every value that rule sees
(``rules/hardcoded_secret.py``: ``code_sightings``, ``text_sightings``, and every key shape of
``rules/_secrets.secrets_in``) is masked in the copied sources, outputs, cell metadata and
attachments, and in the notebook's metadata (papermill parameters), whatever the
configuration selects. Nothing here decides what a secret is.

A masked value keeps the prefix the rule's messages show and spells ``MASKED`` over the rest,
keeping its length, case and punctuation: ``AKIAR7QX2M4TPLW9ZK3D`` becomes
``AKIAMASKEDMASKEDMASK``. It keeps the shape of a key, so analysing the exported copy again flags
the same lines (and exporting an export gives the same file), while nothing of the secret is
left but what the report already shows. Lines the report flags where the value cannot be told
apart have every long token that holds a digit masked: masking too much is the safe side.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import re2  # type: ignore[import-untyped]

from mlwa_notebook.cellcode import analyse_code
from mlwa_notebook.notebook import is_binary_mime
from mlwa_notebook.rules._secrets import scannable, secrets_in
from mlwa_notebook.rules.hardcoded_secret import (
    code_sightings,
    json_strings,
    metadata_sightings,
    text_sightings,
)

#: RE2: a text of many BEGIN lines and no END made ``re``'s lazy ``.*?`` quadratic.
_PEM = re2.compile(
    r"(?s)(-----BEGIN (?:[A-Z]+ )?PRIVATE KEY-----)(.*?)(-----END (?:[A-Z]+ )?PRIVATE KEY-----)"
)
_TOKEN = re.compile(r"[A-Za-z0-9+/=_.\-]{8,}")
_PEM_BODY = "\n<private key masked by mlwa export>\n"


@dataclass(frozen=True, slots=True)
class Redaction:
    """Secrets masked in one cell of the copy (how many distinct values, never the values)."""

    cell_index: int
    count: int


def masked(secret: str) -> str:
    """The secret with ``MASKED`` spelt over all but the prefix the report shows."""
    keep = 4 if len(secret) >= 12 else 0
    rest = secret[keep:]
    if not any(c.isalpha() for c in rest):
        return secret[:keep] + re.sub(r"[0-9]", "0", rest)
    word = "masked" if any(c.islower() for c in rest) else "MASKED"
    out = [word[i % len(word)] if c.isascii() and c.isalnum() else c for i, c in enumerate(rest)]
    return secret[:keep] + "".join(out)


def secret_values(source: str, outputs_text: str, code: bool) -> set[str]:
    """Every value in a cell's source or outputs that the secret rule (MLW003) sees.

    The rule's own functions decide; every credential shape in the text is taken, not only the
    first one the rule reports. Private-key bodies are masked by ``_mask_pem``.
    """
    facts = analyse_code(source) if code and source.strip() else None
    found = {s.value for s in code_sightings(facts)} if facts is not None else set()
    found |= {s.value for s in text_sightings(outputs_text, output=True)}
    for text in (source, outputs_text):
        found |= {value for _, value in secrets_in(text)}
    # A private key's header is what the rule reports; the body is what ``_mask_pem`` hides.
    return {value for value in found if not value.startswith("-----BEGIN")}


def _mask_pem(text: str) -> str:
    masked_text: str = _PEM.sub(lambda m: m.group(1) + _PEM_BODY + m.group(3), scannable(text))
    return masked_text


def _mask_text(text: str, values: list[str]) -> str:
    for value in values:
        text = text.replace(value, masked(value))
    return _mask_pem(text) if "PRIVATE KEY-----" in text else text


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            if not is_binary_mime(str(key)):
                yield from _strings(item)


def _mask_json(value: Any, values: list[str]) -> Any:
    if isinstance(value, str):
        return _mask_text(value, values)
    if isinstance(value, list):
        return [_mask_json(item, values) for item in value]
    if isinstance(value, dict):
        return {
            key: item if is_binary_mime(str(key)) else _mask_json(item, values)
            for key, item in value.items()
        }
    return value


def json_secret_values(value: Any) -> set[str]:
    """Every secret the rule (MLW003) sees in metadata or attachments, and every key shape."""
    found = {s.value for s in metadata_sightings(value)}
    for _, _, text in json_strings(value):
        found |= {secret for _, secret in secrets_in(text)}
    return {v for v in found if not v.startswith("-----BEGIN")}


def redact_metadata(metadata: Any) -> tuple[Any, int]:
    """Notebook metadata with its secrets masked (papermill parameters…), and how many."""
    values = json_secret_values(metadata)
    if not values:
        return metadata, 0
    return _mask_json(metadata, sorted(values, key=lambda v: (-len(v), v))), len(values)


def _joined(source: Any) -> str:
    return "".join(source) if isinstance(source, list) else str(source or "")


def _flagged_tokens(source: str, lines: Iterable[int], values: set[str]) -> set[str]:
    """Long tokens with a digit on flagged lines where no known value was found."""
    found: set[str] = set()
    text_lines = source.splitlines()
    for line in lines:
        if not 1 <= line <= len(text_lines):
            continue
        text = text_lines[line - 1]
        if any(v in text for v in values):
            continue
        found.update(t for t in _TOKEN.findall(text) if any(c.isdigit() for c in t))
    return found


def redact_cells(
    cells: list[dict[str, Any]], flagged: Mapping[int, Iterable[int]] | None = None
) -> list[Redaction]:
    """Mask secrets in place in these (copied) cells: source, outputs, metadata, attachments.

    Returns where and how many were masked.

    ``flagged`` maps a cell index to the lines where the report says a secret is.
    """
    done: list[Redaction] = []
    for index, cell in enumerate(cells):
        source = _joined(cell.get("source", ""))
        outputs = cell.get("outputs") or []
        values = secret_values(
            source, "\n".join(_strings(outputs)), cell.get("cell_type") == "code"
        )
        values |= json_secret_values(cell.get("metadata")) | json_secret_values(
            cell.get("attachments")
        )
        values |= _flagged_tokens(source, (flagged or {}).get(index, ()), values)
        pem = sum(
            len(_PEM.findall(scannable(s)))
            for s in (source, *_strings(outputs))
            if "PRIVATE KEY" in s
        )
        if not values and not pem:
            continue
        # Longest first, so a value that contains another is masked whole.
        ordered = sorted(values, key=lambda v: (-len(v), v))
        cell["source"] = _mask_text(source, ordered)
        if outputs:
            cell["outputs"] = _mask_json(outputs, ordered)
        for key in ("metadata", "attachments"):
            if cell.get(key):
                cell[key] = _mask_json(cell[key], ordered)
        done.append(Redaction(index, len(values) + pem))
    return done
