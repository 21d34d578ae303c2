"""Patterns several rules share: what reads data, trains, scores and serves.

What looks secret is in ``_secrets.py``.
"""

from __future__ import annotations

import re

from mlwa_notebook.cellcode import Call, Value
from mlwa_notebook.rules._flow import Unit

#: Callee names that read a dataset from a path, URL or table.
DATA_READERS = frozenset(
    "read_csv read_parquet read_json read_excel read_table read_feather read_orc read_hdf "
    "read_fwf read_sas read_spss read_stata read_xml loadtxt genfromtxt read_sql read_sql_query "
    "read_sql_table read_gbq read_pickle".split()
)
#: sklearn/keras/tf datasets shipped with (or checksum-verified by) the library.
BUNDLED_DATA_MODULES = (
    "sklearn.datasets",
    "tensorflow.keras.datasets",
    "keras.datasets",
    "tensorflow_datasets",
    "torchvision.datasets",
    "seaborn.load_dataset",
)

#: Receivers whose downloads are a run's or job's own outputs (Azure ML ``run.download_file``,
#: ``best_run.download_files``): artefacts the notebook's work made, not data or code from
#: elsewhere.
RUN_OUTPUTS = re.compile(r"run\b|_run$|^run", re.I)


def first_text(call: Call) -> Value | None:
    """The first positional argument, or the usual path keywords."""
    if call.args:
        return call.args[0]
    for key in ("filepath_or_buffer", "path", "path_or_buf", "io", "fname", "sql", "query"):
        if key in call.kwargs:
            return call.kwargs[key]
    return None


def loaded_component(unit: Unit, call: Call, kind: str) -> bool:
    """Whether ``call`` runs a pipeline component loaded from a file or URL of that kind
    (``components.load_component_from_url(".../sagemaker/deploy/component.yaml")``)."""
    source = unit.components.get(call.func, "") if "." not in call.func else ""
    return bool(source) and re.search(rf"/{kind}/component\.ya?ml$", source) is not None
