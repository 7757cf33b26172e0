"""Every lecture opens in Google Colab or on Binder, from the students' repository.

`INSTALL` begins every lecture's first code cell: where `rnnlab` cannot be imported (Colab), pip
installs it, and nothing else (it declares no dependencies, so Colab's torch stays). `links` opens a
lecture in Colab or on Binder. Both name the repository as OWNER/REPO, which the students' copy replaces.
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
    """The line under a lecture's navigation that opens it in Colab or on Binder (plain links: a badge
    image shows as a broken icon offline)."""
    path = f"notebooks/{notebook}"
    return (
        f"[Open in Colab](https://colab.research.google.com/github/{repo}/blob/{BRANCH}/{path}) · "
        f"[Open on Binder](https://mybinder.org/v2/gh/{repo}/HEAD?urlpath=lab/tree/{path})"
    )


def on_colab() -> bool:
    """Whether this kernel is a Colab runtime (Colab's kernel imports google.colab at start)."""
    return "google.colab" in sys.modules
