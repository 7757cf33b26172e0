"""The command of the rnnlab-sandbox kernelspec: `python -m autograder.grading.sandbox.launcher
CONNECTION_FILE [kernel args]`. It reads its policy (named by RNNLAB_SANDBOX_POLICY), makes the
kernel's control group, records the limits in force, and execs the kernel in the sandbox.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from dataclasses import asdict
from pathlib import Path

from . import bwrap as sb
from .kernel import KERNEL_OPTIONS, KERNEL_START, recheck_descriptors
from .limits import Group


def launch(argv: list[str]) -> None:
    """The kernel in a size-capped tmpfs working folder showing the submission folder's other files
    read-only, never its notebooks (nbgrader writes the graded one there with its hidden tests); its
    descriptors 1 and 2, the grading worker's, lead to /dev/null."""
    policy = sb.Policy.load(os.environ[sb.POLICY_ENV])
    connection_file, kernel_args = argv[0], argv[1:]
    if not policy.sandboxed:  # graded unsandboxed: the same start, with the grader's rights
        os.environ.update(recheck_descriptors(policy))
        os.execvp(
            sys.executable,
            [sys.executable, "-c", KERNEL_START, "-f", connection_file, *KERNEL_OPTIONS, *kernel_args],
        )
    cwd = os.getcwd()
    group = None
    if os.geteuid() == 0:
        group = Group.create(f"rnnlab-{policy.uid}-{os.getpid()}", policy.kernel_memory, policy.nproc)

    shown = []
    for item in sorted(Path(cwd).iterdir()):
        if item.suffix == ".ipynb" or item.name.startswith(".ipynb_checkpoints") or item.is_symlink():
            continue
        if item.is_file() or item.is_dir():
            shown.append((str(item), str(item)))
    # the connection file is written 0600 by the grader; the kernel gets its own copy
    private = Path(policy.runtime_dir) / (Path(connection_file).stem + "-sandbox.json")
    shutil.copy(connection_file, private)
    sb.give(private, policy.uid)
    if group:
        group.enter()  # the sandbox and everything it starts are born inside
    if policy.limits_file:
        limits = sb.limits_in_force(policy, group)
        Path(policy.limits_file).write_text(json.dumps({"group": asdict(group) if group else None, "limits": limits}))
    kernel = [sys.executable, "-c", KERNEL_START, "-f", str(private), *KERNEL_OPTIONS, *kernel_args]
    extra_env = recheck_descriptors(policy)
    cmd = sb.wrap(
        kernel,
        cwd=cwd,
        binds_rw=[(policy.runtime_dir, policy.runtime_dir)],
        policy=policy,
        binds_ro=shown,
        sized_tmpfs=[(cwd, policy.work_size)],
        env=extra_env,
    )
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (1, 2):
        os.dup2(null, fd)
    os.close(null)
    os.execvp(cmd[0], cmd)


if __name__ == "__main__":
    launch(sys.argv[1:])
