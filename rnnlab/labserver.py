"""The student's JupyterLab, as the student's commands see it from a terminal.

Every Jupyter server (JupyterLab, Notebook 7, `jupyter server`) writes a file `jpserver-<pid>.json`
into Jupyter's runtime folder while it runs: its process id, address, token and `root_dir`, the
folder it serves. A server killed hard leaves its file behind, so a file counts only while its
process lives and its port answers. `make update` refuses to write notebooks while such a server
serves the course's folder (a notebook open there would be saved over the update), and `make
progress` names the problem sets open in it (what is typed there counts once it is saved).
"""

from __future__ import annotations

import json
import os
import socket
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Server:
    pid: int
    url: str
    root: Path
    token: str = ""
    file: Path | None = None

    def serves(self, folder: Path) -> bool:
        """Whether this server can open files of `folder`: it serves the folder, one above it or
        one inside it."""
        folder = folder.resolve()
        return self.root == folder or self.root in folder.parents or folder in self.root.parents

    def open_notebooks(self, timeout: float = 3.0) -> dict[Path, str]:
        """The notebooks with a kernel in this server (its sessions): path -> the kernel's last
        activity (ISO time, UTC). Empty when the server does not answer."""
        query = f"?token={urllib.parse.quote(self.token)}" if self.token else ""
        try:
            with urllib.request.urlopen(
                urllib.parse.urljoin(self.url, "api/sessions") + query, timeout=timeout
            ) as reply:
                sessions = json.loads(reply.read().decode())
        except (OSError, ValueError):
            return {}
        out = {}
        for session in sessions if isinstance(sessions, list) else []:
            path = session.get("path") or (session.get("notebook") or {}).get("path")
            if isinstance(path, str) and path:
                out[(self.root / path).resolve()] = str((session.get("kernel") or {}).get("last_activity") or "")
        return out


def runtime_dir() -> Path:
    """Jupyter's runtime folder, as the servers of this user find it."""
    try:
        from jupyter_core.paths import jupyter_runtime_dir

        return Path(jupyter_runtime_dir())
    except ImportError:  # no Jupyter here: no server either
        return Path(os.environ.get("JUPYTER_RUNTIME_DIR", Path.home() / ".local/share/jupyter/runtime"))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: it exists
        return True
    except (OSError, OverflowError, ValueError):
        return False
    return True


def _answers(url: str, timeout: float) -> bool:
    parts = urllib.parse.urlsplit(url)
    host = parts.hostname or "127.0.0.1"
    host = "127.0.0.1" if host in ("0.0.0.0", "", "*") else "::1" if host == "::" else host
    try:
        with socket.create_connection((host, parts.port or (443 if parts.scheme == "https" else 80)), timeout):
            return True
    except OSError:
        return False


def servers(folder: Path | None = None, timeout: float = 1.0) -> list[Server]:
    """The Jupyter servers running now (those of `folder` only, when given): a runtime file counts
    while its process lives and its address takes a connection."""
    found = []
    for file in sorted(runtime_dir().glob("jpserver-*.json")) if runtime_dir().is_dir() else []:
        try:
            info = json.loads(file.read_text(encoding="utf-8"))
            server = Server(
                int(info["pid"]),
                str(info["url"]),
                Path(info.get("root_dir") or info.get("notebook_dir")).expanduser().resolve(),
                str(info.get("token") or ""),
                file,
            )
        except (OSError, ValueError, KeyError, TypeError):
            continue  # half written, or not a server's file
        if not _alive(server.pid):
            continue
        if not info.get("sock") and not _answers(server.url, timeout):
            continue  # its process id now belongs to another program
        if folder is None or server.serves(folder):
            found.append(server)
    return found
