"""Catch tampering that tests inside the student's kernel cannot see.

Student code runs before the tests, in the same kernel, so it can patch what the tests rely on
(torch.allclose, math.isclose, numpy's testing helpers, the course's check functions), swallow
exceptions (an input transformer that wraps every cell in try/except, a hijacked
showtraceback), return objects whose __eq__ is always true, read the hidden tests and the graded
quiz's keys as they run (a pre_run_cell hook), or switch off the watch a "without X" rule keeps.
No check inside that kernel can be trusted after the student's code has run. So the grade's
re-check runs outside it:

1. A re-check process. The kernel's launcher starts every graded kernel through
   autograder.grading.sandbox.KERNEL_START, which forks this process off before ipykernel starts, that
   is before any student code. It runs `runner_source`: it takes the known-answer probes, runs
   the student's answer cells (every code cell that is not a test cell: never a hidden test,
   never a quiz key), then calls each case (`Case`: the student's functions on inputs chosen by
   the grader) with the exercise's rules in force (`forbid`: functions the call must not reach;
   `autograd`: whether it may run autograd's backward pass), watched by a profiler that also
   notices a profiler or tracer being set and autograd's engine being called from C. It writes
   the results, serialised with torch.save, to a pipe that only it holds, and makes itself
   undumpable, so the kernel (same uid) cannot trace it or take the pipe. The grader loads them
   with torch.load(weights_only=True), whose unpickler rebuilds only allowlisted types
   (tensors, numbers, strings, plain containers), and compares them with references it computes
   itself. That restriction is not a sandbox: CVE-2025-32434 ran code through weights_only=True
   in torch <= 2.5.1, so the grader refuses to read them with a torch older than SAFE_TORCH (see
   check_torch). A test cell that passed in the kernel while the re-check of the same exercise
   fails loses its points, with a flag. The student's answers run in that process too, so what
   it sees of their calls leaves it at once, on a pipe they cannot take from it, and what could
   switch its watch off is reported by an audit hook they cannot remove (`_pin`, `_audit_hook`,
   `_make_watch`); the grader fails closed when the watch's confirmations are missing.
2. A fingerprint and probes in the kernel, for the report. InjectChecks adds a first cell, run
   before any student code, that prints the identity of the functions tests rely on and of
   IPython's execution machinery, and a last cell (`kernel_checks_source`) that waits for the
   re-check process, prints them again and runs the known-answer probes. Differences are
   flagged for the instructor (replaced helpers, "TAMPERING"); they change no grade.

What remains possible is written in docs/grading.md: chiefly, code that behaves correctly
whenever it is called with the grader's inputs is indistinguishable from a correct solution.
"""

from .cases import DIAGNOSIS, Case, diagnostic_cases, graded_quiz_cases, load_cases
from .judge import Printed, check_torch, comment_text, judge, parse_printed, same
from .kernel import MARK, clean_probe_answers, kernel_checks_source, probe_answers, wait_cells
from .preprocessors import ExtractChecks, InjectChecks, Judge, SaveGrades, autograde_preprocessors, paths
from .runner import runner_source, student_cells
from .verdict import reaching_flags, reaching_names

# the re-check's face: the names the grading run, nbgrader's settings, each set's recheck.py and
# the tests take from it
__all__ = [
    "DIAGNOSIS",
    "MARK",
    "Case",
    "ExtractChecks",
    "InjectChecks",
    "Judge",
    "Printed",
    "SaveGrades",
    "autograde_preprocessors",
    "check_torch",
    "clean_probe_answers",
    "comment_text",
    "diagnostic_cases",
    "graded_quiz_cases",
    "judge",
    "kernel_checks_source",
    "load_cases",
    "parse_printed",
    "paths",
    "probe_answers",
    "reaching_flags",
    "reaching_names",
    "runner_source",
    "same",
    "student_cells",
    "wait_cells",
]
