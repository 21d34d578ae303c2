"""The JSON Schemas of every shape that crosses a boundary, and their validators.

- ``report.schema.json``: the report every view renders (``report.to_dict``).
- ``lens.schema.json``: a lens catalogue (``lens.validate_lens_file``).
- ``metadata.schema.json``: the ``mlwa`` blocks kept in notebook and cell metadata.
- ``protocol.schema.json``: the kernel comm messages (``kernel/protocol.py``) and the sidebar's
  metadata route (``metadata_change.py``).

The TypeScript types of the sidebar are generated from these files
(``labextension/scripts/generate-types.js``); a test fails when they are stale.
``jsonschema`` is imported on first validation only: ``mlwa check`` does not pay for it.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import ValidationError

HERE = Path(__file__).parent

#: The schemas by short name: ``report``, ``lens``, ``metadata``, ``protocol``.
NAMES = ("report", "lens", "metadata", "protocol")


def schema_path(name: str) -> Path:
    """The file of one schema."""
    return HERE / f"{name}.schema.json"


@functools.cache
def schema(name: str) -> dict[str, Any]:
    """One schema, parsed (once)."""
    data: dict[str, Any] = json.loads(schema_path(name).read_text(encoding="utf-8"))
    return data


@functools.cache
def validator(name: str, definition: str = "") -> Draft202012Validator:
    """A validator for a schema, or for one of its ``$defs`` (``"ChecklistEntry"``).

    The schemas refer to each other by ``$id`` (the comm patches hold checklist entries); all
    of them are registered, so such references resolve without any network.
    """
    from jsonschema import Draft202012Validator
    from referencing import Registry, Resource

    registry: Registry[Any] = Registry().with_resources(
        (schema(n)["$id"], Resource.from_contents(schema(n))) for n in NAMES
    )
    root = schema(name)
    target = {"$ref": f"{root['$id']}#/$defs/{definition}"} if definition else root
    return Draft202012Validator(target, registry=registry)


def problems(
    name: str, instance: Any, definition: str = "", quote_values: bool = True
) -> list[str]:
    """What is wrong with ``instance`` as ``name`` (or one of its ``$defs``), one line each:
    ``"<json path>: <message>"``, in document order; empty when it is valid.

    ``quote_values=False`` for what the user typed (answer notes may hold secrets): each line
    then says which constraint of the schema fails, never the value that fails it.
    """
    errors = sorted(validator(name, definition).iter_errors(instance), key=lambda e: e.json_path)
    if quote_values:
        return [f"{e.json_path}: {e.message}" for e in errors]
    return [_unquoted(e) for e in errors]


def _unquoted(error: ValidationError) -> str:
    """One error by its path and the schema's constraint: in a choice (``oneOf``), the error of
    the branch the instance meant (its ``const`` discriminator, such as ``kind``, holds)."""
    from jsonschema.exceptions import best_match

    while error.context:
        branches: dict[Any, list[ValidationError]] = {}
        for sub in error.context:
            branches.setdefault(sub.relative_schema_path[0], []).append(sub)
        meant = [b for b in branches.values() if not any(e.validator == "const" for e in b)]
        error = best_match(meant[0] if len(meant) == 1 else error.context)
    said = f" {json.dumps(error.validator_value)}" if error.validator in _PLAIN_CONSTRAINTS else ""
    return f"{error.json_path}: fails {error.validator}{said}"


#: Constraints whose value in the schema reads well in a message (names, types, choices).
_PLAIN_CONSTRAINTS = frozenset({"required", "type", "enum", "const"})
