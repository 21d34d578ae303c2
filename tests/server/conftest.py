"""A real Jupyter server with the mlwa extension enabled (pytest-jupyter), and notebooks for it.

pytest-jupyter's fixtures and its async-test hooks are brought in here rather than through
``pytest_plugins`` so they apply to the server tests only.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell
from pytest_jupyter.jupyter_server import *  # noqa: F403  (fixtures: jp_fetch, jp_root_dir, ...)

from mlwa_notebook.server.service import SETTINGS_KEY
from tests.conftest import make_notebook

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "example_notebooks"
MESSY = "02-messy-experiment.ipynb"


@pytest.fixture
def jp_server_config() -> dict[str, Any]:
    """Enable only our extension, as the installed server-config file does."""
    return {"ServerApp": {"jpserver_extensions": {"mlwa_notebook": True}}}


@pytest.fixture(autouse=True)
def _stop_the_analysis_process(jp_serverapp: Any) -> Any:
    """Each test's server stops its analysis process, as a server does when it exits."""
    yield
    service = jp_serverapp.web_app.settings.get(SETTINGS_KEY)
    if service is not None:
        service.close()


@pytest.fixture
def messy_in_root(jp_root_dir: Path) -> Path:
    """The messy example notebook, copied into the server's root directory."""
    target = jp_root_dir / MESSY
    target.write_text((EXAMPLES / MESSY).read_text(encoding="utf-8"), encoding="utf-8")
    return target


_CELLS = (
    ("md", "## Load the data"),
    ("code", "import pandas as pd\ndf = pd.read_csv('s3://bucket/churn.csv')"),
    ("code", "df = df.dropna()\ndf['age'] = df['age'].clip(0, 99)"),
    ("md", "## Train"),
    (
        "code",
        "from sklearn.model_selection import train_test_split\nX_tr, X_te = train_test_split(df)",
    ),
    (
        "code",
        "from sklearn.linear_model import LogisticRegression\nm = LogisticRegression().fit(X_tr, y)",
    ),
    (
        "code",
        "from sklearn.metrics import accuracy_score\nprint(accuracy_score(y_te, m.predict(X_te)))",
    ),
    ("code", "import matplotlib.pyplot as plt\nplt.hist(df['age'], bins=30)\nplt.show()"),
    ("code", "%pip install xgboost\nimport joblib\njoblib.dump(m, 'model.joblib')"),
    ("md", "Notes on the features and what they mean for the business goal."),
)


def big_notebook(n_cells: int = 300) -> dict[str, Any]:
    """A realistic notebook of ``n_cells`` cells: headings, data work, training, evaluation."""
    nb = make_notebook()
    cells = []
    for i in range(n_cells):
        kind, text = _CELLS[i % len(_CELLS)]
        if kind == "md":
            cells.append(new_markdown_cell(f"{text} ({i})"))
        else:
            cells.append(new_code_cell(f"{text}\nstep_{i} = {i}"))
    nb["cells"] = json.loads(json.dumps(cells))
    for i, cell in enumerate(nb["cells"]):
        cell["id"] = f"cell-{i}"
    return nb
