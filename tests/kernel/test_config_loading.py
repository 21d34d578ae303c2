"""The documented way to load the extension in every session: an IPython profile's config."""

from __future__ import annotations

from pathlib import Path

from tests.kernel.harness import KernelNotebook, data_of, text_of


def test_a_profile_config_loads_the_extension_in_every_kernel(tmp_path: Path) -> None:
    profile = tmp_path / "ipython" / "profile_default"
    profile.mkdir(parents=True)
    (profile / "ipython_config.py").write_text(
        'c.InteractiveShellApp.extensions = ["mlwa_notebook"]\n', encoding="utf-8"
    )
    kernel = KernelNotebook(tmp_path / "nb.ipynb", env={"IPYTHONDIR": str(tmp_path / "ipython")})
    try:
        assert "status" in text_of(kernel.run_code("%mlwa help"))  # no %load_ext needed
        notes = data_of(
            kernel.run_code(
                "from sklearn.model_selection import train_test_split\n"
                "a, b = train_test_split([1, 2, 3, 4])"
            ),
            "text/html",
        )
        assert any("mlwa-note" in n for n in notes)  # and the after-cell check is on
    finally:
        kernel.close()
