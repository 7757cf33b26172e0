"""The Jupyter servers running now: `servers(folder)`, those of jupyter_server's `list_running_servers`
that answer and can open files of `folder`, and each one's `open_notebooks()`.
"""

from __future__ import annotations

import json
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

    def serves(self, folder: Path) -> bool:
        """Whether this server serves `folder`, one above it or one inside it."""
        folder = folder.resolve()
        return self.root == folder or self.root in folder.parents or folder in self.root.parents

    def open_notebooks(self, timeout: float = 3.0) -> dict[Path, str]:
        """The notebooks with a kernel in this server: path -> the kernel's last activity (ISO time, UTC);
        empty when the server does not answer."""
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
            path = session.get("path")
            if isinstance(path, str) and path:
                out[(self.root / path).resolve()] = str((session.get("kernel") or {}).get("last_activity") or "")
        return out


def _answers(url: str, timeout: float) -> bool:
    """Whether the server's address takes a connection (after a crash or a reboot, the process id
    that `list_running_servers` trusts can be another program's)."""
    parts = urllib.parse.urlsplit(url)
    host = parts.hostname or "127.0.0.1"
    host = "127.0.0.1" if host in ("0.0.0.0", "", "*") else "::1" if host == "::" else host
    try:
        with socket.create_connection((host, parts.port or (443 if parts.scheme == "https" else 80)), timeout):
            return True
    except OSError:
        return False


def servers(folder: Path | None = None, timeout: float = 1.0) -> list[Server]:
    """The Jupyter servers running now (those that can open files of `folder`, when given)."""
    from jupyter_server.serverapp import list_running_servers

    found = []
    for info in list_running_servers():
        try:
            root = Path(info["root_dir"]).expanduser().resolve()
            server = Server(int(info["pid"]), str(info["url"]), root, str(info.get("token") or ""))
        except (KeyError, TypeError, ValueError):
            continue  # not a server's file
        if (folder is None or server.serves(folder)) and (info.get("sock") or _answers(server.url, timeout)):
            found.append(server)
    return sorted(found, key=lambda s: s.pid)
