"""The grading kernel's launcher: the command of the rnnlab-sandbox kernelspec
(autograder.grading.sandbox.write_kernelspec), which jupyter_client starts for nbgrader.

    python -m autograder.grading.launcher CONNECTION_FILE [kernel args]

It makes the kernel's control group (autograder.grading.limits) and records the limits in force,
then forks the kernel from its grading slot's warm process (autograder.grading.warm) when the
policy names one and it can serve, and otherwise starts it the classic way: it replaces itself
(exec) with the sandbox that autograder.grading.sandbox builds.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from dataclasses import asdict
from pathlib import Path

from . import sandbox as sb
from . import warm
from .limits import Group


def launch(argv: list[str]) -> None:
    """Entry point of the kernelspec: the kernel's groups and limits, then the kernel forked
    from the slot's warm process, or the sandbox exec'd.

    The kernel's working folder is a size-capped tmpfs (it never writes to the host's disk);
    the other files of the submission's folder are shown read-only in it. Not the notebooks:
    nbgrader writes the one being graded there with its hidden tests restored. The kernel's
    standard output and error lead to /dev/null: descriptors 1 and 2 of this launcher are the
    grading worker's, and nothing the kernel writes may reach them."""
    policy = sb.Policy.load(os.environ[sb.POLICY_ENV])
    connection_file, kernel_args = argv[0], argv[1:]
    if not policy.sandboxed:  # graded unsandboxed: the same start, with the grader's rights
        os.environ.update(sb.recheck_descriptors(policy))
        os.execvp(
            sys.executable,
            [sys.executable, "-c", sb.KERNEL_START, "-f", connection_file, *sb.KERNEL_OPTIONS, *kernel_args],
        )
    cwd = os.getcwd()
    group = None
    if os.geteuid() == 0:
        group = Group.create(f"rnnlab-{policy.uid}-{os.getpid()}", policy.kernel_memory, policy.nproc)

    def record(start: str) -> None:
        if policy.limits_file:
            limits = {**sb.limits_in_force(policy, group), "kernel start": start}
            Path(policy.limits_file).write_text(
                json.dumps({"group": asdict(group) if group else None, "limits": limits})
            )

    if policy.warm_socket:
        warm.die_with_parent()
        code = warm.forked(policy, connection_file, kernel_args, group, record)
        if code is not None:
            sys.exit(code)
    shown = []
    for item in sorted(Path(cwd).iterdir()):
        if item.suffix == ".ipynb" or item.name.startswith(".ipynb_checkpoints") or item.is_symlink():
            continue
        if item.is_file() or item.is_dir():
            shown.append((str(item), str(item)))
    # the connection file is written 0600 by the grader; the kernel gets its own copy
    private = Path(policy.runtime_dir) / (Path(connection_file).stem + "-sandbox.json")
    shutil.copy(connection_file, private)
    sb._give(private, policy.uid)
    if group:
        group.enter()  # the sandbox and everything it starts are born inside
    record(
        "a fresh process in a sandbox of its own"
        + (
            " (the grading slot's warm process did not answer in time, for this kernel or an earlier "
            "one, and is asked no more)"
            if warm.gave_up(policy)
            else " (the grading slot's warm process could not start it)"
            if policy.warm_socket
            else ""
        )
    )
    kernel = [sys.executable, "-c", sb.KERNEL_START, "-f", str(private), *sb.KERNEL_OPTIONS, *kernel_args]
    extra_env = sb.recheck_descriptors(policy)
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
