"""The kernels of the tests' JupyterLab, forked from a warm process (autograder.course.kernelfork):
the server takes `--AsyncMappingKernelManager.kernel_manager_class=` this module's
`ForkedServerKernelManager` (tests/conftest.py's `lab`). A module of its own: it imports
jupyter_server, which nothing else that forks kernels needs."""

from jupyter_server.services.kernels.kernelmanager import ServerKernelManager

from .kernelfork import Forked


class ForkedServerKernelManager(Forked, ServerKernelManager):
    """jupyter_server's kernel manager, its kernels forked."""
