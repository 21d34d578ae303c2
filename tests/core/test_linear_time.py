"""No pattern run over notebook text is super-linear: crafted inputs cost what benign ones do.

Each case runs one function of the analysis on a crafted 200 KB text (the run that made a
backtracking pattern quadratic or worse) and on a benign text of the same size, in the same
child process, and compares the two times. Linear code keeps them within a small factor of each
other; the quadratic patterns this guards against took minutes on the crafted text. The child is
given a generous bound that only a hang exceeds.
"""

from __future__ import annotations

import multiprocessing
import time
from collections.abc import Callable
from typing import Any

import pytest

from mlwa_notebook.engine import analyze_notebook
from mlwa_notebook.export import export_notebook
from mlwa_notebook.export.redact import redact_cells
from mlwa_notebook.rules._secrets import is_placeholder, looks_fake, secrets_in
from mlwa_notebook.rules.hardcoded_secret import text_sightings
from mlwa_notebook.rules.unpinned_install import unpinned_packages
from tests.conftest import make_notebook

SIZE = 200_000
#: Crafted time / benign time. Linear code measures 1-50 here; the quadratic patterns, 10,000+.
MAX_RATIO = 100.0
#: Only a hang exceeds this (the whole crafted/benign pair runs in well under a second).
HANG_S = 120


def _fill(unit: str, size: int = SIZE) -> str:
    return (unit * (size // len(unit) + 1))[:size]


BENIGN = _fill("the loss fell to 0.25 at step 42, see results/run_7.csv\n")
BENIGN_WORD = _fill("abcdefgh")
#: Private keys as they are really pasted: many matches, each a whole block.
BENIGN_KEYS = _fill(
    "-----BEGIN PRIVATE KEY-----\nMIIBVQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\n"
)


def _secrets(text: str) -> None:
    list(secrets_in(text))


def _output_pairs(text: str) -> None:
    list(text_sightings(text, output=True))


def _placeholder(text: str) -> None:
    is_placeholder(text)
    looks_fake(text)


def _pip(text: str) -> None:
    unpinned_packages(text)


def _redact(text: str) -> None:
    redact_cells([{"cell_type": "markdown", "source": text, "metadata": {}}])


def _notebook(text: str) -> dict[str, Any]:
    """A notebook that holds ``text`` in a code string, markdown, an output and a shell line."""
    nb = make_notebook(f"value = {text[: SIZE // 4]!r}", ("md", text[: SIZE // 4]), "print(value)")
    nb["cells"][2]["outputs"] = [
        {"output_type": "stream", "name": "stdout", "text": text[: SIZE // 4]}
    ]
    nb["cells"].append(
        make_notebook("!pip install " + text[: SIZE // 4].replace("\n", " "))["cells"][0]
    )
    return nb


def _analyze(text: str) -> None:
    analyze_notebook(_notebook(text))


def _export(text: str) -> None:
    export_notebook(_notebook(text), "crafted.ipynb", "ipynb")


def _callee(text: str) -> None:
    # A call whose callee name is one huge identifier (a training-job pattern repeated).
    analyze_notebook(make_notebook(f"{text}.create()"))


CASES: dict[str, tuple[Callable[[str], None], str, str]] = {
    "connection URL password over a.a.a…": (_secrets, "x://" + _fill("a."), BENIGN),
    "OpenAI-style key over sk-sk-sk-…": (_secrets, _fill("sk-"), BENIGN),
    "JSON web token over eyJ-eyJ-…": (_secrets, _fill("eyJ-"), BENIGN),
    "GitHub token over ghp_ghp_…": (_secrets, _fill("ghp_a-"), BENIGN),
    "private key over many BEGIN lines": (
        _secrets,
        _fill("-----BEGIN PRIVATE KEY-----\n"),
        BENIGN_KEYS,
    ),
    "AWS secret over aws_secret_access_key=…": (
        _secrets,
        _fill("aws_secret_access_key = "),
        BENIGN,
    ),
    "placeholder over <<<…": (_placeholder, _fill("<"), BENIGN_WORD),
    "placeholder over {{{…": (_placeholder, _fill("{"), BENIGN_WORD),
    "placeholder over [[[…": (_placeholder, _fill("["), BENIGN_WORD),
    "placeholder over your_your_…": (_placeholder, _fill("your_"), BENIGN_WORD),
    "printed credential pair over password…": (_output_pairs, _fill("password"), BENIGN),
    "pip install over python/python/…": (
        _pip,
        _fill("python/", SIZE + 12),
        "pip install " + _fill("pandas==2.2.1 "),
    ),
    "requirement options over blanks": (
        _pip,
        "pip install " + _fill(" "),
        "pip install " + _fill("pandas==2.2.1 "),
    ),
    "masking private keys over BEGIN lines": (
        _redact,
        _fill("-----BEGIN PRIVATE KEY-----\n"),
        BENIGN_KEYS,
    ),
    "whole analysis of a crafted notebook": (_analyze, "x://" + _fill("a.sk-<"), BENIGN),
    "export of a crafted notebook": (_export, "x://" + _fill("a.sk-<"), BENIGN),
    "callee name of repeated AutoMLJob": (
        _callee,
        _fill("AutoMLJob", SIZE // 4),
        _fill("abcdefghi", SIZE // 4),
    ),
}


def _seconds(func: Callable[[str], None], text: str) -> float:
    """The time of one call, the best of a few (and of enough calls to be above clock noise)."""
    best = float("inf")
    for _ in range(3):
        calls, start = 0, time.perf_counter()
        while True:
            func(text)
            calls += 1
            took = time.perf_counter() - start
            if took > 0.02:
                break
        best = min(best, took / calls)
    return best


def _ratio(name: str) -> tuple[float, float, float]:
    func, crafted, benign = CASES[name]
    func(benign)  # warm caches and imports for both
    slow = _seconds(func, crafted)
    fast = _seconds(func, benign)
    return slow / fast, slow, fast


@pytest.mark.parametrize("name", list(CASES))
def test_crafted_text_costs_about_what_benign_text_of_the_same_size_costs(name: str) -> None:
    # Given a crafted 200 KB text and a benign one of the same size
    _, crafted, benign = CASES[name]
    assert abs(len(crafted) - len(benign)) <= 16
    # When both go through the same function, in a child process a hang cannot stall
    with multiprocessing.get_context("fork").Pool(1) as pool:
        try:
            ratio, slow, fast = pool.apply_async(_ratio, (name,)).get(timeout=HANG_S)
        except multiprocessing.TimeoutError:
            pool.terminate()
            pytest.fail(f"{name}: the crafted text did not finish within {HANG_S} s")
    # Then the crafted one costs no more than a small multiple of the benign one
    assert ratio < MAX_RATIO, f"{name}: crafted {slow * 1000:.1f} ms, benign {fast * 1000:.1f} ms"
