"""rnnlab: the code the notebooks of "Recurrent networks in PyTorch, a deep dive" share.

Notebooks tell the story; this package does the work that is long, reused or worth testing.
"""

from .course import device, setup

__version__ = "0.1.0"
__all__ = ["setup", "device", "__version__"]
