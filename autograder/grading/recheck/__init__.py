"""The re-check: catch tampering that tests inside the student's kernel cannot see.

A re-check process, forked in the sandbox before any student code (sandbox.kernel), runs the
student's answer cells and then each `Case` with the exercise's rules watched (recheck.runner);
the grader reads its record (`parse_printed`) and judges it, failing closed (`judge`), inside
nbgrader's autograde (recheck.preprocessors). Cells added to the graded notebook fingerprint and
probe the kernel for the report (recheck.kernel). docs/grading.md ("Threat model", "How the
re-check judges") says how each part holds and what remains possible.
"""

from .cases import Case, graded_quiz_cases, load_cases
from .judge import check_torch, comment_text, judge, parse_printed, same
from .kernel import MARK, clean_probe_answers, kernel_checks_source, probe_answers, wait_cells
from .preprocessors import InjectChecks, Judge, SaveGrades, autograde_preprocessors, paths
from .runner import runner_source
from .verdict import reaching_flags, reaching_names

__all__ = [
    "MARK",
    "Case",
    "InjectChecks",
    "Judge",
    "SaveGrades",
    "autograde_preprocessors",
    "check_torch",
    "clean_probe_answers",
    "comment_text",
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
    "wait_cells",
]
