"""The sandbox a student's kernel runs in: one interface (`Sandbox`, from `for_run`), every isolation
decision here. `Bubblewrap` puts each kernel in a sandbox of its own (sandbox.bwrap, and a control
group: sandbox.limits); `Unsandboxed` starts the same kernel with the grader's rights (`UNSANDBOXED=1`,
and tests). Both start it through the run's kernelspec, whose program, sandbox.launcher, forks the
re-check process off before any student code (sandbox.kernel).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from ...course.folder import venv_env
from .bwrap import KERNEL_NAME, POLICY_ENV, REPO, Policy, check, missing_tools, private_runtime, release_runtime, wrap
from .kernel import KERNEL_OPTIONS, KERNEL_START
from .limits import Group

__all__ = ["KERNEL_OPTIONS", "KERNEL_START", "REPO", "Policy", "Sandbox", "check", "for_run", "missing_tools", "wrap"]


class Sandbox:
    """What a grading run asks of a sandbox, for the run's folder `work`."""

    sandboxed = True

    def __init__(self, work: Path, uid_base: int = 60001):
        self.work, self.uid_base = Path(work), uid_base

    def problem(self) -> str | None:
        """Why kernels cannot be started here, or None."""
        raise NotImplementedError

    def prepare(self) -> None:
        """The run's kernelspec, whose program is the launcher."""
        spec = self.work / "jupyter" / "kernels" / KERNEL_NAME
        spec.mkdir(parents=True, exist_ok=True)
        argv = [sys.executable, "-m", "autograder.grading.sandbox.launcher", "{connection_file}"]
        # bwrap does not forward signals into its pid namespace: interrupt by message instead
        kernel = {"argv": argv, "display_name": "Python 3 (grading)", "language": "python", "interrupt_mode": "message"}
        (spec / "kernel.json").write_text(json.dumps(kernel, indent=1))

    def kernel(self, student: str, slot: int, recheck: dict) -> tuple[dict, dict]:
        """(nbgrader settings, environment) that start `student`'s kernel in grading slot `slot`;
        `recheck`: the re-check's Policy fields (its input and FIFO), {} for none."""
        raise NotImplementedError

    def release(self, student: str) -> dict:
        """After the kernel ended: every limit it ran under, and how it was enforced."""
        raise NotImplementedError

    def _started(self, student: str, policy: Policy) -> tuple[dict, dict]:
        policy_file = self.work / f"policy-{student}.json"
        policy.save(policy_file)
        # the run's kernelspec first, then the caller's JUPYTER_PATH (nbconvert's templates, on the hub)
        path = os.pathsep.join(p for p in (str(self.work / "jupyter"), os.environ.get("JUPYTER_PATH")) if p)
        return {"Execute": {"kernel_name": KERNEL_NAME}}, {"JUPYTER_PATH": path, POLICY_ENV: str(policy_file)}


class Unsandboxed(Sandbox):
    """The kernel with the grader's rights: it can read source/ and write the gradebook."""

    sandboxed = False

    def problem(self) -> str | None:
        return None

    def kernel(self, student: str, slot: int, recheck: dict) -> tuple[dict, dict]:
        return self._started(student, Policy(runtime_dir=str(self.work), sandboxed=False, **recheck))

    def release(self, student: str) -> dict:
        return {"sandbox": "NONE: graded unsandboxed"}


class Bubblewrap(Sandbox):
    """Each kernel in a bubblewrap sandbox of its own, on uid `uid_base + slot` when grading as root."""

    def __init__(self, work: Path, uid_base: int = 60001):
        super().__init__(work, uid_base)
        self.runtimes: dict[str, Path] = {}

    def problem(self) -> str | None:
        return check()

    def prepare(self) -> None:
        super().prepare()
        self.mpl_cache = font_cache()

    def kernel(self, student: str, slot: int, recheck: dict) -> tuple[dict, dict]:
        uid = self.uid_base + slot
        # the kernel's sockets: a sized tmpfs when root; a short path (a Unix socket's is under 108 bytes)
        runtime = self.runtimes[student] = Path(tempfile.mkdtemp(prefix="rnnlab-rt-"))
        private_runtime(runtime, uid)
        if os.geteuid() == 0:
            os.chown(runtime, uid, uid)
        policy = Policy(
            runtime_dir=str(runtime),
            uid=uid,
            mpl_cache=str(self.mpl_cache),
            limits_file=str(self.work / f"limits-{student}.json"),
            **recheck,
        )
        config, env = self._started(student, policy)
        config["KernelManager"] = {"transport": "ipc", "ip": str(runtime / "kernel")}
        return config, {**env, "JUPYTER_RUNTIME_DIR": str(runtime)}

    def release(self, student: str) -> dict:
        """The limits the launcher recorded, with the peak memory of the kernel's control groups,
        which are emptied and removed."""
        runtime = self.runtimes.pop(student, None)
        if runtime is not None:
            release_runtime(runtime)  # GNU rm: a tree of any depth, no link followed
        record = self.work / f"limits-{student}.json"
        if not record.exists():
            return {"sandbox": "no kernel was started"}
        try:
            data = json.loads(record.read_text())
        except ValueError as err:
            return {"sandbox": f"the launcher's record could not be read ({err})"}
        limits = data.get("limits", {})
        if data.get("group"):
            group = Group(**data["group"])
            peak, killed = group.peak_memory(), group.oom_kills()
            group.remove()
            if peak is not None:
                limits["peak memory of the whole kernel"] = f"{peak / 1024**2:.0f} MB"
            if killed:
                limits["processes killed by the memory limit"] = str(killed)
        return limits


def for_run(sandboxed: bool, work: Path, uid_base: int) -> Sandbox:
    return (Bubblewrap if sandboxed else Unsandboxed)(work, uid_base)


def font_cache() -> Path:
    """matplotlib's font list, built once per user and version (about 1 s), shown read-only to kernels."""
    import matplotlib

    home = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    cache = home / "rnnlab" / f"mplcache-{matplotlib.__version__}"
    if not any(cache.glob("fontlist-*.json")):
        cache.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [sys.executable, "-c", "import matplotlib.font_manager"],
            env=venv_env({"MPLCONFIGDIR": str(cache)}),
            check=True,
            capture_output=True,
        )
    return cache
