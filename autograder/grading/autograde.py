"""The grading step: nbgrader's autograde of one student on a grading worker, in the run's sandbox,
with the re-check's verdict, then the feedback page, in one request with a wall-clock limit."""

from __future__ import annotations

import time

from ..course.folder import STAGED
from . import recheck
from .context import Context, step
from .inert import BROKEN_CONNECTION
from .workerclient import Worker, first_error


def nbgrader_settings(ctx: Context, student: str, slot: int) -> tuple[dict, dict]:
    """(nbgrader settings, environment) of one student's autograde."""
    where = recheck.paths(ctx.work, student)  # the re-check's input and FIFO (recheck.InjectChecks makes them)
    recheck_files = {"recheck_input": str(where["input"]), "recheck_fifo": str(where["fifo"])}
    kernel_config, env = ctx.sandbox.kernel(student, slot, recheck_files)
    execute = "autograder.grading.inert.InertExecute" if ctx.options.inert else "autograder.grading.inert.CappedExecute"
    config = {
        **kernel_config,
        "CourseDirectory": {"submitted_directory": STAGED},
        "Autograde": {"autograde_preprocessors": recheck.autograde_preprocessors(execute)},
        "InRun": {"run_folder": str(ctx.work), "cell_timeout": ctx.cell_timeout},
        "SaveGrades": {"earlier_answers": ctx.earlier.get(student, {})},
    }
    config["Execute"] = {**config.get("Execute", {}), "timeout": ctx.cell_timeout}
    return config, env


@step(reads="rows sandbox options work cell_timeout earlier assignment log", writes="rows")
def autograde(ctx: Context, student: str, slot: int, worker: Worker) -> None:
    """grading: nbgrader autograde in the sandbox, then the feedback page."""
    row = ctx.rows[student]
    start = time.monotonic()
    config, env = nbgrader_settings(ctx, student, slot)
    task = {"assignment": ctx.assignment, "student": student, "env": env, "config": config}
    try:
        reply = worker.request(task, timeout=ctx.options.submission_timeout)
    finally:
        row.limits = ctx.sandbox.release(student)
    if reply is None:
        row.status = "failed"
        row.reason = (
            f"grading took longer than {ctx.options.submission_timeout} s and was "
            "stopped (a loop that never ends and ignores interrupts?)"
        )
    else:
        graded = reply["autograde"]
        log = graded.get("log", "") + "\n" + graded.get("error", "")
        (ctx.work / f"autograde-{student}.log").write_text(log)
        if not graded.get("success"):
            row.status, row.reason = "failed", explain_failure(log)
        elif not reply.get("feedback", {}).get("success"):
            row.flags.append(
                "feedback could not be generated: " + explain_failure(reply.get("feedback", {}).get("log", ""))[28:]
            )
    row.seconds = round(time.monotonic() - start, 2)
    ctx.log(f"  {student}: {row.status} in {row.seconds} s")


def explain_failure(log: str) -> str:
    """A sentence for the report from nbgrader's log of a failed autograde."""
    if "DeadKernelError" in log or "Kernel died" in log or "kernel died" in log.lower():
        return (
            "the notebook's kernel died while it ran (os._exit, a crash, a signal, or the memory "
            "or process limit); nbgrader keeps no grade of a notebook whose kernel dies, so no "
            "test counts, not even those that passed before"
        )
    if "No submitted file" in log:
        return "no notebook was submitted"
    if "Timeout waiting for execute reply" in log and BROKEN_CONNECTION not in log:
        return (
            "the kernel stopped answering the grader: no reply came from a cell within the time "
            "limit, nor from the interrupt that followed (a loop that ignores interrupts, a "
            "stopped kernel, or code that broke the kernel's own output or connections?); the "
            "notebook could not be graded"
        )
    if "<IDS|MSG>" in log or BROKEN_CONNECTION in log:
        return (
            "the kernel's messages to the grader were garbled (the notebook's code wrote into "
            "the kernel's own connections?); the notebook could not be graded"
        )
    return "nbgrader could not grade it: " + first_error(log)
