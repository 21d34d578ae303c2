"""Reading notebooks: formats, magics, broken cells, and bad files get clear errors."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import nbformat
import pytest
from nbformat import v3

from mlwa_notebook.cellcode import analyse_code
from mlwa_notebook.config import Config
from mlwa_notebook.engine import analyze
from mlwa_notebook.runner import check_file
from tests.conftest import make_notebook, write_notebook


def test_line_magics_and_shell_escapes_become_commands() -> None:
    facts = analyse_code("%pip install pandas\nfiles = !ls data\n!wget http://x/y.csv\nimport os")
    assert facts.error is None
    texts = [s.text for s in facts.shells]
    assert texts == ["pip install pandas", "ls data", "wget http://x/y.csv"]
    assert facts.imports == {"os": "os"}
    assert "files" in facts.stored


def test_plain_python_is_not_sent_through_ipython() -> None:
    facts = analyse_code("x = train_test_split(X, y)\n")
    assert facts.calls[0].func == "train_test_split"
    assert facts.calls[0].targets == ("x",)


def test_bash_cell_is_read_as_shell_not_python() -> None:
    facts = analyse_code("%%bash\npip install xgboost\necho done # not python (")
    assert facts.language == "shell"
    assert facts.error is None
    assert facts.shells[0].text == "pip install xgboost"
    assert facts.shells[0].line == 2


def test_writefile_python_script_is_parsed_with_true_line_numbers() -> None:
    facts = analyse_code("%%writefile train.py\nimport xgboost\n\nmodel.fit(X, y)\n")
    assert facts.script_path == "train.py"
    assert facts.script is not None
    assert facts.script.calls[0].func == "model.fit"
    assert facts.script.calls[0].line == 4


def test_writefile_of_other_language_is_not_parsed() -> None:
    facts = analyse_code("%%writefile requirements.txt\npandas\nnumpy>=1\n")
    assert facts.error is None and facts.script is None


def test_an_extension_magic_around_python_is_read_as_python() -> None:
    facts = analyse_code("%%backend torch\nimport keras\nmodel.fit(x, y, epochs=3)\n")
    assert facts.language == "python" and facts.cell_magic == "backend"
    assert [c.func for c in facts.calls] == ["model.fit"]
    assert facts.calls[0].line == 3


def test_markup_and_foreign_bodies_are_not_read_as_python() -> None:
    for source in ("%%javascript\nIPython.notebook.save()\n", "%%html\n<b>x</b>\n"):
        facts = analyse_code(source)
        assert facts.language == "other" and not facts.calls
    broken = analyse_code("%%perlish\nmy $x = 1;\n")
    assert broken.language == "other" and broken.error is None


def test_sql_cell_is_recognised() -> None:
    facts = analyse_code("%%bigquery df\nSELECT * FROM `t`")
    assert facts.language == "query" and facts.cell_magic == "bigquery" and facts.error is None


def test_one_broken_cell_yields_one_finding_and_the_rest_is_analysed() -> None:
    nb = make_notebook(
        "import pandas as pd", "model.fit(X y)", "df = pd.read_csv('data/train.csv')"
    )
    report = analyze(nb, path="broken.ipynb")
    (result,) = report.notebooks
    broken = [f for f in result.findings if f.name == "unparsable-cell"]
    assert [(f.cell_index, f.line) for f in broken] == [(1, 1)]
    assert "cell 2, line 1" in broken[0].message
    assert any(f.name == "unversioned-data" and f.cell_index == 2 for f in result.findings)


def test_analyze_does_not_mutate_the_callers_notebook() -> None:
    nb = make_notebook("import numpy as np\nnp.random.rand(3)", ("md", "# Train"))
    before = copy.deepcopy(nb)
    analyze(nb, path="x.ipynb")
    assert nb == before


def test_old_nbformat_is_upgraded(tmp_path: Path) -> None:
    old = v3.new_notebook(
        worksheets=[v3.new_worksheet(cells=[v3.new_code_cell(input="import sklearn")])]
    )
    path = tmp_path / "old.ipynb"
    path.write_text(nbformat.writes(old, version=3), encoding="utf-8")
    result = check_file(str(path), Config())
    assert not hasattr(result, "message"), result
    assert result.cells[0].phase == "setup"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"{not json", "invalid JSON at line 1"),
        (b"", "the file is empty"),
        (b"\x00\x01\x02binary", "binary"),
        (
            b'{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5, "x": "\xff"}',
            "not UTF-8",
        ),
        (b"[1, 2]", "top level is not a JSON object"),
        (b'{"metadata": {}}', "'nbformat' version field is missing"),
    ],
)
def test_bad_files_get_a_clear_error_naming_the_file(
    tmp_path: Path, content: bytes, expected: str
) -> None:
    path = tmp_path / "bad.ipynb"
    path.write_bytes(content)
    result = check_file(str(path), Config())
    assert result.path == str(path)
    assert expected in result.message  # type: ignore[union-attr]


def test_missing_file_is_an_error_not_a_crash() -> None:
    result = check_file("does/not/exist.ipynb", Config())
    assert result.message == "no such file"  # type: ignore[union-attr]


def test_a_50_mb_output_is_read_without_keeping_it_all(tmp_path: Path) -> None:
    nb = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_code_cell(
                "print('x')",
                outputs=[nbformat.v4.new_output("stream", name="stdout", text="A" * 50_000_000)],
            )
        ]
    )
    path = tmp_path / "big.ipynb"
    path.write_text(nbformat.writes(nb), encoding="utf-8")
    result = check_file(str(path), Config())
    assert result.cells[0].cell_type == "code"  # type: ignore[union-attr]


def test_binary_outputs_are_skipped() -> None:
    nb = make_notebook("plot()")
    nb["cells"][0]["outputs"] = [
        {
            "output_type": "display_data",
            "data": {"image/png": "iVBORw0KGgo=" * 1000},
            "metadata": {},
        }
    ]
    (result,) = analyze(nb, path="img.ipynb").notebooks
    assert result.findings == ()


def test_input_file_is_never_written(tmp_path: Path) -> None:
    nb = make_notebook("import pandas as pd\ndf = pd.read_csv('/abs/data.csv')")
    path = write_notebook(tmp_path / "nb.ipynb", nb)
    before = (path.read_bytes(), path.stat().st_mtime_ns)
    check_file(str(path), Config())
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before


def test_cells_without_ids_get_stable_ids() -> None:
    nb = make_notebook("a = 1", "b = 2")
    nb["nbformat_minor"] = 4
    for cell in nb["cells"]:
        del cell["id"]
    first = analyze(nb).notebooks[0]
    second = analyze(json.loads(json.dumps(nb))).notebooks[0]
    assert [c.id for c in first.cells] == [c.id for c in second.cells] == ["cell-0", "cell-1"]


def test_cells_added_by_an_export_serve_no_phase_and_are_not_checked() -> None:
    nb = make_notebook(
        "import numpy as np\nnp.random.rand(3)", "import numpy as np\nnp.random.rand(3)"
    )
    nb["cells"][0]["metadata"]["mlwa"] = {"generated": True}
    (result,) = analyze(nb, path="exported.ipynb").notebooks
    assert (result.cells[0].phase, result.cells[0].phase_source) == ("other", "explicit")
    assert {f.cell_index for f in result.findings} == {1}


def test_strings_built_from_a_literal_template_read_like_f_strings() -> None:
    """``"s3://{}/{}/train".format(...)``, ``"s3://%s/train" % b`` and ``"s3://" + b + "/x"``
    name what an f-string would: the literal parts kept, literal arguments filled in, ``{}``
    where an expression stands. One whose head is an expression stays that expression."""
    facts = analyse_code(
        "f(\"s3://{}/{}/{}/\".format(bucket, prefix, 'train'))\n"
        "f('gs://{b}/{0}/x.csv'.format(2, b=bucket))\n"
        "f('s3://%s/%s/train' % (bucket, 'raw'))\n"
        "f('s3://' + bucket + '/' + prefix + '/train')\n"
        "f(out_dir + '/data.csv')\n"
        "f('{}/data.csv'.format(out_dir))\n"
        "f('s3://{'.format(x))\n"
        "f(1 + 2)\n"
    )
    shown = [(c.args[0].kind, c.args[0].text) for c in facts.calls if c.func == "f"]
    assert shown == [
        ("fstring", "s3://{}/{}/train/"),
        ("fstring", "gs://{}/2/x.csv"),
        ("fstring", "s3://{}/raw/train"),
        ("fstring", "s3://{}/{}/train"),
        ("other", "BinOp"),
        ("call", "?.format"),
        ("call", "?.format"),
        ("other", "BinOp"),
    ]
