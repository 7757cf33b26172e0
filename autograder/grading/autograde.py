"""Stage 3 of a grading run: nbgrader's autograde of each student in a sandboxed kernel
(autograder.grading.sandbox, autograder.grading.limits), on the run's grading workers
(autograder.grading.workerclient), as many at a time as there are workers, with a wall-clock limit
per submission. The re-check process is forked in the same kernel's sandbox and writes its
record into a FIFO read as it arrives."""

from __future__ import annotations

import json
import os
import tempfile
import time
from pathlib import Path

import nbformat

from ..course.folder import STAGED, course_config
from . import sandbox as sb
from .inert import BROKEN_CONNECTION
from .options import grader_error
from .workerclient import FifoReader, Worker, first_error


class Autograding:
    """Run's third stage (autograder.grading.pipeline.Run)."""

    def task_for(self, student: str, slot: int) -> tuple[dict, Path | None]:
        """What a worker needs to grade `student` in parallel slot `slot`."""
        config: dict = {"CourseDirectory": {"submitted_directory": STAGED}}
        env: dict = {}
        if self.opt.cell_timeout:
            config["Execute"] = {"timeout": self.opt.cell_timeout}
        runtime = None
        recheck = self.recheck_files(student) if self.cases else {}
        if not self.opt.sandboxed and self.cases:
            # the same kernel start (it forks the re-check process), with the grader's rights
            policy = sb.Policy(runtime_dir=str(self.work), sandboxed=False, **recheck)
            policy_file = self.work / f"policy-{student}.json"
            policy.save(policy_file)
            config.setdefault("Execute", {})["kernel_name"] = sb.KERNEL_NAME
            env.update(
                {
                    "JUPYTER_PATH": os.pathsep.join(
                        p for p in (str(self.work / "jupyter"), os.environ.get("JUPYTER_PATH")) if p
                    ),
                    sb.POLICY_ENV: str(policy_file),
                }
            )
        if self.opt.sandboxed:
            warm = self.warm.get(slot)
            runtime = self.kernel_runtime(warm) if warm else self.new_runtime(self.opt.uid_base + slot)
            policy = sb.Policy(
                runtime_dir=str(runtime),
                uid=self.opt.uid_base + slot,
                mpl_cache=str(self.mpl_cache),
                limits_file=str(self.work / f"limits-{student}.json"),
                **recheck,
            )
            if warm:
                policy.warm_socket, policy.warm_root = warm.socket_path, warm.work_root
            policy_file = self.work / f"policy-{student}.json"
            policy.save(policy_file)
            config.setdefault("Execute", {})["kernel_name"] = sb.KERNEL_NAME
            config["KernelManager"] = {"transport": "ipc", "ip": str(runtime / "kernel")}
            # the sandbox's kernelspec first; the caller's JUPYTER_PATH (nbconvert's templates, for
            # a Python outside the environment's prefix: autograder.deploying.hub) after it
            jupyter_path = os.pathsep.join(p for p in (str(self.work / "jupyter"), os.environ.get("JUPYTER_PATH")) if p)
            env.update(
                {"JUPYTER_PATH": jupyter_path, "JUPYTER_RUNTIME_DIR": str(runtime), sb.POLICY_ENV: str(policy_file)}
            )
        from .recheck import CELL_TIMEOUT_ENV, HARNESS_ENV, OUTPUT_ENV, preprocessors

        execute = (
            "autograder.grading.inert.InertExecute" if self.opt.inert else "autograder.grading.inert.CappedExecute"
        )
        config["Autograde"] = {"autograde_preprocessors": preprocessors(execute, bool(self.cases))}
        if self.cases:
            env.update(
                {
                    HARNESS_ENV: str(self.work / "harness.py"),
                    OUTPUT_ENV: str(self.work / "recheck"),
                    CELL_TIMEOUT_ENV: str(self.cell_limit()),
                }
            )
        return {"assignment": self.assignment, "student": student, "env": env, "config": config}, runtime

    @staticmethod
    def kernel_runtime(warm) -> Path:
        """A forked kernel's own runtime folder, made afresh in its slot's (which the warm process's
        sandbox binds, and which is root's: a kernel can change nothing of it but its own folder,
        whose mode, ACL, attributes and files go with it), under a name no kernel can foresee."""
        runtime = Path(tempfile.mkdtemp(prefix="k", dir=warm.runtime))
        os.chown(runtime, warm.uid, warm.uid)
        return runtime

    @staticmethod
    def new_runtime(uid: int) -> Path:
        """A kernel's runtime folder (its sockets): a sized tmpfs of the sandbox uid's when grading as
        root. Unix socket paths must stay under 108 bytes, so its path is short."""
        runtime = Path(tempfile.mkdtemp(prefix="rnnlab-rt-"))
        sb.private_runtime(runtime, uid)
        if os.geteuid() == 0:
            os.chown(runtime, uid, uid)
        return runtime

    @classmethod
    def slot_runtime(cls, uid: int) -> Path:
        """A warm slot's runtime folder: root's (each kernel's own folder is made in it), a sized tmpfs."""
        runtime = cls.new_runtime(uid)
        os.chown(runtime, 0, 0)
        os.chmod(runtime, 0o755)
        return runtime

    def start_warm(self, count: int) -> None:
        """A warm process for each slot when the batch has more submissions (`count`) than slots: it
        costs what one kernel's start costs, and each kernel forked from it saves about that much."""
        if not (self.opt.sandboxed and self.opt.warm and not self.on_cluster and count > len(self.workers)):
            return
        if os.geteuid() != 0:
            # a grader that is not root has one uid for itself and every kernel: the slot's folders,
            # and the warm process, would be the kernels' own to change
            return
        from .warm import WarmProcess, notebook_imports

        imports = notebook_imports(self.source_nb)
        for slot in self.workers:
            uid = self.opt.uid_base + slot
            runtime = self.slot_runtime(uid)
            policy = sb.Policy(runtime_dir=str(runtime), uid=uid, mpl_cache=str(self.mpl_cache))
            try:
                self.warm[slot] = WarmProcess(
                    policy, self.course / "autograded", self.work / f"warm-{slot}.log", imports
                )
            except OSError as err:  # the slot's kernels start the classic way
                self.log(f"  slot {slot}: no warm process ({err}); its kernels start fresh")
                sb.release_runtime(runtime)

    def stop_warm(self) -> None:
        for warm in self.warm.values():
            warm.stop()
            sb.release_runtime(Path(warm.runtime))
        self.warm.clear()

    def cell_limit(self) -> int:
        """Seconds per cell: the run's, else nbgrader_config.py's (Execute.timeout), else 30."""
        if self.opt.cell_timeout:
            return int(self.opt.cell_timeout)
        return int(course_config(self.course).get("Execute", {}).get("timeout", 30) or 30)

    def recheck_files(self, student: str) -> dict:
        """The re-check process's input (its program and the student's answer cells, from the
        staged notebook) and the FIFO it writes to, for `student`'s policy."""
        from .recheck import student_cells

        staged = nbformat.read(self.course / STAGED / student / self.assignment / f"{self.assignment}.ipynb", 4)
        data = self.work / f"recheck-{student}.json"
        data.write_text(
            json.dumps({"runner": self.runner, "cells": student_cells(staged), "cell_timeout": self.cell_limit()})
        )
        fifo = self.work / f"recheck-{student}.fifo"
        if fifo.exists():
            fifo.unlink()
        os.mkfifo(fifo, 0o600)
        return {"recheck_fifo": str(fifo), "recheck_input": str(data)}

    def grade_one(self, student: str, slot: int, worker: Worker) -> None:
        result = self.results[student]
        start = time.monotonic()
        task, runtime = self.task_for(student, slot)
        if self.cases:  # the re-check may change the score or name a mistake: feedback after it, once
            task["feedback"] = False
        reader = FifoReader(self.work / f"recheck-{student}.fifo") if self.cases else None
        try:
            reply = worker.request(task, timeout=self.opt.submission_timeout)
        finally:
            result.limits = self.limits_of(student)
            if runtime is not None:
                sb.release_runtime(runtime)  # GNU rm: a tree of any depth, no link followed
            if reader is not None:  # what the re-check process wrote, after the kernel's part
                child = reader.finish()
                kernel_part = self.work / "recheck" / f"{student}.txt"
                before = kernel_part.read_text() if kernel_part.exists() else ""
                kernel_part.write_text(before + child.decode("utf-8", errors="replace"))
        if reply is None:
            result.status = "failed"
            result.reason = (
                f"grading took longer than {self.opt.submission_timeout} s and was "
                "stopped (a loop that never ends and ignores interrupts?)"
            )
        else:
            graded = reply["autograde"]
            log = graded.get("log", "") + "\n" + graded.get("error", "")
            (self.work / f"autograde-{student}.log").write_text(log)
            if not graded.get("success"):
                result.status, result.reason = "failed", explain_failure(log)
            elif task.get("feedback", True) and not reply.get("feedback", {}).get("success"):
                result.flags.append(
                    "feedback could not be generated: " + explain_failure(reply.get("feedback", {}).get("log", ""))[28:]
                )
        result.seconds = round(time.monotonic() - start, 2)
        self.log(f"  {student}: {result.status} in {result.seconds} s")

    def limits_of(self, student: str) -> dict:
        """The limits the student's kernel ran under (recorded by the sandbox launcher), after
        its control groups are emptied and removed, with the peak memory they measured."""
        if not self.opt.sandboxed:
            return {"sandbox": "NONE: graded unsandboxed"}
        from .limits import Group

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

    def grade_all(self, students: list[str]) -> None:
        self.on_workers(
            students, self.grade_one, lambda student, err: grader_error(self.results[student], "grading", err)
        )


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
        # jupyter_client met bytes that are no Jupyter message: the student's code wrote into
        # the kernel's own connections (its descriptors are the kernel's to use)
        return (
            "the kernel's messages to the grader were garbled (the notebook's code wrote into "
            "the kernel's own connections?); the notebook could not be graded"
        )
    return "nbgrader could not grade it: " + first_error(log)
