"""Hostile or careless requests get a 4xx that says what is wrong, never a 500 or a server path.

Each case is a body a user (or a script) can send: JSON nested deeper than any notebook, text
that is not Unicode, fields of the wrong type, paths that are no contents API path.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from mlwa_notebook.lens import default_lens_path
from tests.conftest import make_notebook, team_lens
from tests.core.test_cli_bad_input import INPUTS as BAD_INPUTS
from tests.rules.test_secrets_everywhere import PLANTED
from tests.server.test_handlers import body, fail

SURROGATE = "\\ud800"  # a JSON escape that decodes to a lone surrogate


def nested_metadata(depth: int) -> dict[str, Any]:
    nb = make_notebook("x = 1")
    deep: Any = {}
    nb["metadata"]["deep"] = deep
    for _ in range(depth):
        deep["d"] = {}
        deep = deep["d"]
    return nb


def with_surrogate(nb: dict[str, Any], path: str = "nb.ipynb") -> str:
    """A request body whose first cell's source holds a lone surrogate."""
    nb["cells"][0]["source"] = "x = 'SURROGATE'"
    return body(notebook=nb, path=path).replace("SURROGATE", SURROGATE)


def wrong_types() -> dict[str, Any]:
    nb = make_notebook("x = 1", ("md", "# Title"))
    nb["cells"][0]["source"] = [1, 2]
    return nb


CLIENT_ERRORS: dict[str, tuple[str, str, int, str]] = {
    "JSON nested 100,000 deep": (
        "analyze",
        '{"notebook": ' + "[" * 100_000 + "]" * 100_000 + "}",
        400,
        "nested too deeply",
    ),
    "metadata nested 900 deep, exported": (
        "export",
        body(notebook=nested_metadata(900), path="nb.ipynb"),
        422,
        "nested more than 100 levels deep",
    ),
    "a lone surrogate in the path": (
        "analyze",
        body(notebook=make_notebook("x = 1"), path="SURROGATE.ipynb").replace(
            "SURROGATE", SURROGATE
        ),
        400,
        "not valid Unicode",
    ),
    "a lone surrogate in a cell, exported": (
        "export",
        with_surrogate(make_notebook("x = 1")),
        422,
        "not valid Unicode",
    ),
    "a source of numbers, exported": (
        "export",
        body(notebook=wrong_types(), path="nb.ipynb"),
        422,
        "not a valid nbformat 4 notebook at cells/0/source",
    ),
    "a ~ path, exported": ("export", body(path="~/nb.ipynb"), 400, "not a path inside"),
    "a file:// path, exported": (
        "export",
        body(notebook=make_notebook("x = 1"), path="file:///tmp/nb.ipynb"),
        400,
        "not a path inside",
    ),
    "an absolute path in no folder of the root, exported": (
        "export",
        body(notebook=make_notebook("x = 1"), path="/home/someone/nb.ipynb"),
        404,
        "does not exist in the Jupyter root",
    ),
}


@pytest.mark.parametrize("case", list(CLIENT_ERRORS))
async def test_a_client_error_is_a_4xx_that_says_what_is_wrong(jp_fetch: Any, case: str) -> None:
    endpoint, sent, status, says = CLIENT_ERRORS[case]
    code, error = await fail(
        jp_fetch, "mlwa", "api", endpoint, method="POST", body=sent, request_timeout=120
    )
    assert (code, says in error["message"]) == (status, True), error
    assert error["hint"]


@pytest.mark.parametrize(
    ("case", "sent", "says"),
    [
        ("nested 900 deep", body(notebook=nested_metadata(900), path="nb.ipynb"), "nested"),
        ("a lone surrogate", with_surrogate(make_notebook("x = 1")), "not valid Unicode"),
    ],
)
async def test_an_unreadable_notebook_sent_to_analyze_is_an_error_record(
    jp_fetch: Any, case: str, sent: str, says: str
) -> None:
    response = await jp_fetch("mlwa", "api", "analyze", method="POST", body=sent)
    report = json.loads(response.body)
    assert report["notebooks"] == [] and says in report["errors"][0]["message"]


# --- no server path in an answer ---------------------------------------------------------------


def no_server_path(text: str, root: Path) -> None:
    for where in (str(root), str(root.resolve()), str(default_lens_path().parent)):
        assert where not in text


async def test_an_unreadable_file_is_named_relative_to_the_root(
    jp_fetch: Any, jp_root_dir: Path
) -> None:
    # Given a text file asked for as a notebook
    (jp_root_dir / "notes.txt").write_text("not a notebook")
    code, error = await fail(
        jp_fetch, "mlwa", "api", "analyze", method="POST", body=body(path="notes.txt")
    )
    # Then the error names it as the contents API does, and nowhere on the server's disk
    assert 400 <= code < 500 and "notes.txt" in error["message"]
    no_server_path(json.dumps(error), jp_root_dir)


async def test_the_lens_and_configuration_are_named_relative_to_the_root(
    jp_fetch: Any, jp_root_dir: Path
) -> None:
    # Given a project in the root with a custom lens, and one with a broken configuration
    (jp_root_dir / "team").mkdir()
    (jp_root_dir / "team" / "lens.json").write_text(json.dumps(team_lens()))
    (jp_root_dir / "team" / "pyproject.toml").write_text('[tool.mlwa]\nlenses = ["lens.json"]\n')
    (jp_root_dir / "broken").mkdir()
    (jp_root_dir / "broken" / "pyproject.toml").write_text("[tool.mlwa]\nselekt = 1\n")
    # When the lens is listed, and a notebook beside the broken configuration analysed
    lens = await jp_fetch("mlwa", "api", "lens", params={"path": "team/nb.ipynb"})
    report = await jp_fetch(
        "mlwa",
        "api",
        "analyze",
        method="POST",
        body=body(notebook=make_notebook("x = 1"), path="broken/nb.ipynb"),
    )
    # Then the lenses and the configuration are named without a server path
    paths = [source["path"] for source in json.loads(lens.body)["lenses"]]
    assert paths == ["(built in) ml-lens-2025.json", "team/lens.json"]
    errors = json.loads(report.body)["errors"]
    assert errors[0]["path"] == "broken/pyproject.toml"
    no_server_path(lens.body.decode() + report.body.decode(), jp_root_dir)


# --- methods -----------------------------------------------------------------------------------


# (``GET export`` lists where each format would be written: tests/server/test_export.py)
@pytest.mark.parametrize("endpoint", ["analyze"])
async def test_a_get_of_a_post_endpoint_is_refused_403_to_strangers_405_to_users(
    jp_fetch: Any, endpoint: str
) -> None:
    stranger, _ = await fail(
        jp_fetch, "mlwa", "api", endpoint, method="GET", headers={"Authorization": ""}
    )
    user, error = await fail(jp_fetch, "mlwa", "api", endpoint, method="GET")
    assert (stranger, user) == (403, 405)
    assert "POST" in error["hint"]


# --- the command line's bad-input set, sent to the server ---------------------------------------


@pytest.mark.parametrize("name", list(BAD_INPUTS))
async def test_the_bad_input_set_gets_no_500_and_no_secret_from_the_server(
    jp_fetch: Any, jp_root_dir: Path, tmp_path: Path, name: str
) -> None:
    # Given each bad input of the command line's set that is a file, sent as the notebook
    given = BAD_INPUTS[name](tmp_path)
    if not given.is_file() or given.is_symlink():
        pytest.skip("not a file: the server is sent notebooks, not paths to FIFOs or loops")
    sent = b'{"path": "nb.ipynb", "overwrite": true, "notebook": ' + given.read_bytes() + b"}"
    for endpoint in ("analyze", "export"):
        # When it is analysed and exported
        response = await jp_fetch(
            "mlwa",
            "api",
            endpoint,
            method="POST",
            body=sent,
            raise_error=False,
            request_timeout=120,
        )
        # Then the answer is a report or a 4xx, never a 500, and holds no planted secret
        assert response.code < 500, (endpoint, response.body[:300])
        text = response.body.decode("utf-8", "replace")
        exported = jp_root_dir / "nb.review.ipynb"
        if exported.exists():
            text += exported.read_text(encoding="utf-8")
        assert not [s for s in PLANTED if s in text], endpoint
