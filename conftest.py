"""Loaded by every pytest run in the repository, nbval's among them: nbval starts its kernels with
jupyter_client's KernelManager and has no option for the transport, so its module's name for that
class is pointed at one whose kernels use their own Unix sockets (rnnlab/kernels.py says why),
forked from a warm process (autograder/course/kernelfork.py: a run of every lecture starts a dozen)."""

import nbval.kernel

from autograder.course.kernelfork import ForkedKernelManager

nbval.kernel.KernelManager = ForkedKernelManager
