"""Who is answering: the name an attested checklist answer records, so a reviewer can trust it.

git's ``user.name`` where the notebook lives (what its commits will say), else the hub's user,
else the login name. The JupyterLab sidebar records JupyterLab's own identity instead.
"""

from __future__ import annotations

import getpass
import os
import subprocess
from pathlib import Path


def who(folder: Path | None = None) -> str:
    """The person answering, as best this process can tell; "" when nothing says."""
    try:
        done = subprocess.run(
            ["git", "config", "user.name"],
            cwd=folder if folder is not None and folder.is_dir() else None,
            capture_output=True,
            text=True,
            timeout=5,
        )
        if done.returncode == 0 and done.stdout.strip():
            return done.stdout.strip()
    except (OSError, subprocess.SubprocessError):
        pass  # no git: the hub's or the login name will do
    if os.environ.get("JUPYTERHUB_USER"):
        return os.environ["JUPYTERHUB_USER"]
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return ""
