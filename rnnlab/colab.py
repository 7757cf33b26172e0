"""Every lecture opens in Google Colab or on Binder, from the students' repository.

Colab opens one notebook file alone, in a runtime that has its own torch, numpy and ipywidgets
but not the course package. So the first code cell of every lecture begins with `INSTALL`:
when `rnnlab` cannot be imported, pip installs it from the students' repository, and nothing
else. The package declares no dependencies, so Colab's torch stays as it is (a pinned torch
would fight it), and it ships its data and trained weights, so nothing is downloaded later and
no Google Drive is mounted. Where the package is installed (`make install`, Binder) the lines
find it, do nothing and print nothing.

The lines and each lecture's `links` name the repository as OWNER/REPO; the students' copy of
the course has its own GitHub path there instead.
"""

from __future__ import annotations

import sys

PLACEHOLDER = "OWNER/REPO"
BRANCH = "main"  # the students' repository's branch, which Colab's address names

# The first lines of every lecture's first code cell (the start page explains them once).
INSTALL = (
    "# Colab has no course package: these lines install it there, once per session (see the start page)\n"
    "import importlib.util, subprocess, sys\n"
    'if importlib.util.find_spec("rnnlab") is None:\n'
    '    subprocess.run([sys.executable, "-m", "pip", "install", "-q",\n'
    '                    "git+https://github.com/OWNER/REPO"], check=True)\n'
)


def links(notebook: str, repo: str = PLACEHOLDER) -> str:
    """The line under a lecture's navigation that opens it in Colab or on Binder: plain links,
    no badge image (offline, an image from the web shows as a broken icon)."""
    path = f"notebooks/{notebook}"
    return (
        f"[Open in Colab](https://colab.research.google.com/github/{repo}/blob/{BRANCH}/{path}) · "
        f"[Open on Binder](https://mybinder.org/v2/gh/{repo}/HEAD?urlpath=lab/tree/{path})"
    )


def on_colab() -> bool:
    """Whether this kernel is a Colab runtime (Colab's kernel imports google.colab at start)."""
    return "google.colab" in sys.modules
