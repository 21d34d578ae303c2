"""The ``/mlwa/api/`` endpoints through a real Jupyter server: answers, errors, limits, access."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from tornado.httpclient import HTTPClientError

from mlwa_notebook.server.service import DEFAULT_MAX_BODY_BYTES
from tests.conftest import make_notebook, write_notebook
from tests.server.conftest import MESSY, REPO

SCHEMA = json.loads((REPO / "mlwa_notebook" / "schema" / "report.schema.json").read_text())
UNSEEDED = (
    "from sklearn.model_selection import train_test_split\na, b = train_test_split([1, 2, 3])"
)


def body(**fields: Any) -> str:
    return json.dumps(fields)


async def fail(fetch: Any, *parts: str, **kwargs: Any) -> tuple[int, dict[str, Any]]:
    """The status and JSON error body of a request that must fail."""
    with pytest.raises(HTTPClientError) as caught:
        await fetch(*parts, **kwargs)
    response = caught.value.response
    assert response is not None
    assert response.headers["Content-Type"].startswith("application/json")
    return caught.value.code, json.loads(response.body)


async def test_analyze_answers_the_report_of_the_notebook_sent(
    jp_fetch: Any, messy_in_root: Path
) -> None:
    # Given the messy example saved in the root, and an unsaved edit adding one more finding
    nb = json.loads(messy_in_root.read_text())
    nb["cells"].append(
        {
            "cell_type": "code",
            "id": "unsaved",
            "metadata": {},
            "outputs": [],
            "execution_count": None,
            "source": UNSEEDED,
        }
    )
    # When the sidebar sends it with its path
    response = await jp_fetch(
        "mlwa", "api", "analyze", method="POST", body=body(notebook=nb, path=MESSY)
    )
    # Then the answer is the report of what was sent, in the published shape
    report = json.loads(response.body)
    Draft202012Validator(SCHEMA).validate(report)
    (notebook,) = report["notebooks"]
    assert notebook["path"] == MESSY
    assert len(notebook["cells"]) == len(nb["cells"])
    codes = {f["code"] for f in notebook["findings"]}
    assert {"MLW003", "MLW005"} <= codes
    assert any(f["cell_id"] == "unsaved" for f in notebook["findings"])


async def test_analyze_reads_the_saved_notebook_through_the_contents_manager(
    jp_fetch: Any, messy_in_root: Path
) -> None:
    # Given only a path
    # When analysed
    response = await jp_fetch("mlwa", "api", "analyze", method="POST", body=body(path=MESSY))
    # Then the saved file was read and analysed
    (notebook,) = json.loads(response.body)["notebooks"]
    assert notebook["path"] == MESSY and notebook["findings"]


async def test_analyze_leaves_out_the_rules_the_user_switched_off(
    jp_fetch: Any, messy_in_root: Path
) -> None:
    response = await jp_fetch(
        "mlwa",
        "api",
        "analyze",
        method="POST",
        body=body(path=MESSY, disabled_rules=["MLW003", "unpinned-install"]),
    )
    codes = {f["code"] for f in json.loads(response.body)["notebooks"][0]["findings"]}
    assert codes and not codes & {"MLW003", "MLW005"}


async def test_analyze_reports_a_broken_configuration_and_still_analyses(
    jp_fetch: Any, jp_root_dir: Path
) -> None:
    # Given a pyproject with an unknown [tool.mlwa] key beside the notebook
    (jp_root_dir / "proj").mkdir()
    (jp_root_dir / "proj" / "pyproject.toml").write_text("[tool.mlwa]\nselekt = ['MLW001']\n")
    nb = make_notebook(UNSEEDED)
    # When analysed
    response = await jp_fetch(
        "mlwa", "api", "analyze", method="POST", body=body(notebook=nb, path="proj/a.ipynb")
    )
    # Then the report has the notebook, with the defaults, and the configuration error
    report = json.loads(response.body)
    assert report["notebooks"][0]["findings"]
    assert "selekt" in report["errors"][0]["message"]


async def test_bad_json_is_refused_with_a_hint(jp_fetch: Any) -> None:
    code, error = await fail(
        jp_fetch, "mlwa", "api", "analyze", method="POST", body='{"notebook": '
    )
    assert code == 400
    assert "not valid JSON" in error["message"] and "notebook" in error["hint"]


@pytest.mark.parametrize(
    ("sent", "says"),
    [
        ("[1, 2]", "expected a JSON object"),
        ('{"notebook": "text"}', "'notebook' must be a JSON object"),
        ("{}", "neither 'notebook' nor 'path'"),
        ('{"path": 3}', "'path' must be a string"),
        ('{"notebook": {}, "disabled_rules": "MLW001"}', "'disabled_rules' must be a list"),
    ],
)
async def test_malformed_requests_are_refused_with_what_is_wrong(
    jp_fetch: Any, sent: str, says: str
) -> None:
    code, error = await fail(jp_fetch, "mlwa", "api", "analyze", method="POST", body=sent)
    assert code == 400 and says in error["message"] and error["hint"]


async def test_an_unreadable_notebook_is_an_error_record_not_a_failure(jp_fetch: Any) -> None:
    response = await jp_fetch(
        "mlwa",
        "api",
        "analyze",
        method="POST",
        body=body(notebook={"cells": "nope"}, path="x.ipynb"),
    )
    report = json.loads(response.body)
    assert report["notebooks"] == [] and report["errors"][0]["path"] == "x.ipynb"


async def test_a_body_over_the_limit_is_refused_with_413(jp_fetch: Any) -> None:
    # Given a notebook whose output makes the body just over 20 MB
    nb = make_notebook("print('x')")
    nb["cells"][0]["outputs"] = [
        {"output_type": "stream", "name": "stdout", "text": "x" * DEFAULT_MAX_BODY_BYTES}
    ]
    # When sent, Then it is refused and the hint says how to make it smaller
    code, error = await fail(
        jp_fetch, "mlwa", "api", "analyze", method="POST", body=body(notebook=nb)
    )
    assert code == 413
    assert "the limit is 20 MB" in error["message"] and "Clear Outputs" in error["hint"]


async def test_a_request_without_credentials_is_refused(jp_fetch: Any, messy_in_root: Path) -> None:
    for method, endpoint, sent in (
        ("POST", "analyze", body(path=MESSY)),
        ("GET", "lens", None),
        ("GET", "rules", None),
        ("POST", "export", body(path=MESSY)),
    ):
        code, error = await fail(
            jp_fetch,
            "mlwa",
            "api",
            endpoint,
            method=method,
            body=sent,
            headers={"Authorization": ""},
        )
        assert code == 403, endpoint
        assert error["hint"]


async def test_a_cookie_session_without_the_xsrf_token_is_refused(
    jp_fetch: Any, jp_serverapp: Any
) -> None:
    # Given a browser that signed in (cookie) but does not echo the XSRF token
    token = jp_serverapp.identity_provider.token
    login = await jp_fetch(
        "login",
        params={"token": token},
        headers={"Authorization": ""},
        follow_redirects=False,
        raise_error=False,
    )
    cookies = "; ".join(c.split(";")[0] for c in login.headers.get_list("Set-Cookie"))
    assert "username-" in cookies
    # When it posts without the X-XSRFToken header, Then it is refused
    code, _ = await fail(
        jp_fetch,
        "mlwa",
        "api",
        "analyze",
        method="POST",
        body=body(notebook=make_notebook("x = 1")),
        headers={"Authorization": "", "Cookie": cookies},
    )
    assert code == 403


@pytest.mark.parametrize(
    "path", ["../outside.ipynb", "sub/../../outside.ipynb", "link/outside.ipynb"]
)
async def test_a_path_outside_the_root_is_refused(
    jp_fetch: Any, jp_root_dir: Path, tmp_path: Path, path: str
) -> None:
    # Given a notebook outside the root, and a link inside the root that points out of it
    write_notebook(tmp_path / "outside.ipynb", make_notebook(UNSEEDED))
    (jp_root_dir / "link").symlink_to(tmp_path, target_is_directory=True)
    # When asked for by path (with or without the notebook's JSON)
    for sent in (body(path=path), body(path=path, notebook=make_notebook("x = 1"))):
        code, error = await fail(jp_fetch, "mlwa", "api", "analyze", method="POST", body=sent)
        # Then it is refused, saying why
        assert code == 403
        assert "outside the server's root" in error["message"]


async def test_an_absolute_path_is_taken_inside_the_root(jp_fetch: Any) -> None:
    code, error = await fail(
        jp_fetch, "mlwa", "api", "analyze", method="POST", body=body(path="/etc/passwd")
    )
    assert code == 404 and "save the notebook first" in error["hint"]


async def test_lens_lists_the_catalogue_and_narrows_it(jp_fetch: Any) -> None:
    everything = json.loads((await jp_fetch("mlwa", "api", "lens")).body)
    security = json.loads(
        (await jp_fetch("mlwa", "api", "lens", params={"pillar": "security"})).body
    )
    assert everything["lenses"][0]["id"]
    assert len(everything["best_practices"]) > len(security["best_practices"]) > 0
    assert {bp["pillar"] for bp in security["best_practices"]} == {"security"}


async def test_rules_lists_every_rule(jp_fetch: Any) -> None:
    rules = json.loads((await jp_fetch("mlwa", "api", "rules")).body)
    assert {"MLW001", "MLW003"} <= {r["code"] for r in rules}
    assert all(r["fix"] and r["pillars"] for r in rules)


async def test_an_unknown_endpoint_answers_json_404(jp_fetch: Any) -> None:
    code, error = await fail(jp_fetch, "mlwa", "api", "nothing-here")
    assert code == 404 and "analyze, lens, rules and export" in error["hint"]
