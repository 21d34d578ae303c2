"""Shared pieces of the export tests: the example notebooks, copied where a test may write.

pytest-jupyter's fixtures and async-test hooks are brought in here (not via ``pytest_plugins``)
so that they apply to these tests only; only ``test_export_jupyter`` starts a server.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
from pytest_jupyter.jupyter_server import *  # noqa: F403  (fixtures: jp_fetch, jp_root_dir, ...)

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "example_notebooks"
EXAMPLE_NAMES = sorted(p.name for p in EXAMPLES.glob("*.ipynb"))
MESSY = "02-messy-experiment.ipynb"
#: The credentials written into the messy example: no export may contain them.
MESSY_SECRETS = ("AKIAR7QX2M4TPLW9ZK3D", "Zm8qV2rT9xLw4Kc7Hp1Nb6Yd3Fs0Gj5Ue+Qa/Ti8")


def sha256(path: Path) -> str:
    """The hash of a file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(params=EXAMPLE_NAMES)
def example(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    """Each example notebook, copied into a temporary folder."""
    target = tmp_path / "src" / str(request.param)
    target.parent.mkdir()
    shutil.copyfile(EXAMPLES / str(request.param), target)
    return target


@pytest.fixture
def messy(tmp_path: Path) -> Path:
    """The messy example (secrets, many findings), copied into a temporary folder."""
    target = tmp_path / "src" / MESSY
    target.parent.mkdir(exist_ok=True)
    shutil.copyfile(EXAMPLES / MESSY, target)
    return target
