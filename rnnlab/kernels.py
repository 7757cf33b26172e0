"""Kernels that talk to their client over Unix sockets in a folder of their own (`notebook_client`).

jupyter_client's TCP transport picks free ports that another process can take before the kernel binds
them ("Kernel died before replying to kernel_info" when notebooks start at once); a Unix socket in a
private folder has no number to race for. Windows keeps TCP (its ZeroMQ may lack `ipc://`).
"""

from __future__ import annotations

import os
import shutil
import tempfile

from jupyter_client.manager import AsyncKernelManager
from traitlets import default

IPC = os.name == "posix"


class AsyncIpcKernelManager(AsyncKernelManager):
    """nbclient's kernel manager on the "ipc" transport, its sockets in a new folder removed when the
    kernel shuts down (jupyter_client's own ipc path is relative to the current folder)."""

    _socket_folder: str | None = None

    @default("transport")
    def _own_transport(self) -> str:
        return "ipc" if IPC else "tcp"

    @default("ip")
    def _own_ip(self) -> str:
        if self.transport != "ipc":
            return super()._ip_default()
        # short: a Unix socket's path must fit in 107 bytes
        self._socket_folder = tempfile.mkdtemp(prefix="rnnlab-k-", dir="/tmp" if os.path.isdir("/tmp") else None)
        return os.path.join(self._socket_folder, "k")

    async def _async_cleanup_resources(self, restart: bool = False) -> None:
        await super()._async_cleanup_resources(restart=restart)
        if not restart and self._socket_folder:
            shutil.rmtree(self._socket_folder, ignore_errors=True)
            self._socket_folder = None


def notebook_client(nb, **options):
    """nbclient's NotebookClient for `nb`, its kernel on its own sockets."""
    from nbclient import NotebookClient

    return NotebookClient(nb, kernel_manager_class=AsyncIpcKernelManager, **options)
