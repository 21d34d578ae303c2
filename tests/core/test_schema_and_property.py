"""The report's published schema holds for real and generated notebooks; analyze() never raises."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from mlwa_notebook.config import Config
from mlwa_notebook.engine import analyze
from mlwa_notebook.report import to_dict
from mlwa_notebook.runner import check_paths

SCHEMA = json.loads(
    (
        Path(__file__).resolve().parents[2] / "mlwa_notebook" / "schema" / "report.schema.json"
    ).read_text()
)
VALIDATOR = Draft202012Validator(SCHEMA)
EXAMPLES = Path(__file__).resolve().parents[2] / "example_notebooks"


def test_schema_is_a_valid_json_schema() -> None:
    Draft202012Validator.check_schema(SCHEMA)


def test_example_notebooks_reports_validate() -> None:
    paths = sorted(str(p) for p in EXAMPLES.glob("*.ipynb"))
    assert len(paths) >= 4
    report = to_dict(check_paths([*paths, "missing.ipynb"], Config()))
    VALIDATOR.validate(report)
    assert len(report["notebooks"]) == len(paths) and len(report["errors"]) == 1


CODE = st.sampled_from(
    [
        "import pandas as pd\ndf = pd.read_csv('x.csv')",
        "%pip install torch",
        "!wget http://example.com/data.zip",
        "%%bash\nls\n",
        "model.fit(X, y)",
        "predictor = est.deploy(1, 'ml.m5.xlarge')",
        "def f(:\n  pass",
        "x = '''unterminated",
        "%%writefile t.py\nimport numpy as np\nnp.random.shuffle(a)",
        "token = 'ghp_" + "a" * 36 + "'",
        "",
    ]
) | st.text(max_size=80)
CELL = (
    st.fixed_dictionaries(
        {
            "cell_type": st.sampled_from(["code", "markdown", "raw", "weird"]),
            "source": CODE | st.lists(CODE, max_size=3),
            "metadata": st.one_of(
                st.just({}),
                st.just({"mlwa": {"phase": "deployment"}}),
                st.just({"tags": ["mlwa-ignore:MLW001", 3]}),
                st.just([]),
                st.none(),
            ),
        }
    )
    | st.none()
    | st.integers()
    | st.text(max_size=5)
)
NOTEBOOK = (
    st.fixed_dictionaries(
        {
            "nbformat": st.sampled_from([4, 4, 4, 3, 5, "4", None]),
            "nbformat_minor": st.sampled_from([0, 4, 5, None]),
            "metadata": st.one_of(
                st.just({}),
                st.just({"mlwa": {"checklist": {"MLOPS03-BP02": "done", "x": {"state": 1}}}}),
                st.none(),
                st.just({"mlwa": []}),
            ),
            "cells": st.lists(CELL, max_size=8) | st.none() | st.text(max_size=3),
        }
    )
    | st.none()
    | st.lists(st.integers(), max_size=2)
    | st.text(max_size=10)
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(NOTEBOOK)
def test_analyze_never_raises_never_mutates_and_always_fits_the_schema(raw: Any) -> None:
    before = copy.deepcopy(raw)
    report = analyze(raw, path="generated.ipynb")
    assert raw == before
    data = to_dict(report)
    VALIDATOR.validate(data)
    assert len(data["notebooks"]) + len(data["errors"]) == 1
    for err in data["errors"]:
        assert err["path"] == "generated.ipynb" and err["message"]
        assert "internal error" not in err["message"], err["message"]
