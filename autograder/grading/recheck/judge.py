"""The grader's reading of the re-check's record (`parse_printed`), its verdict (`judge`, failing
closed) and the comment the student reads (`comment_text`)."""

from __future__ import annotations

import base64
import io
import json
from dataclasses import dataclass, field

from .cases import Case
from .kernel import MARK, RECHECK_CELLS_BUDGET, clean_probe_answers

SAFE_TORCH = (2, 6)  # CVE-2025-32434: weights_only=True could run code in torch <= 2.5.1


def check_torch(version: str) -> None:
    """Refuse to unpickle student payloads with a torch whose weights_only=True can run code."""
    parts = version.split("+")[0].split(".")
    try:
        major, minor = int(parts[0]), int(parts[1])
    except (IndexError, ValueError):
        raise RuntimeError(f"cannot read the torch version {version!r}") from None
    if (major, minor) < SAFE_TORCH:
        raise RuntimeError(
            f"torch {version} lets torch.load(weights_only=True) run code (CVE-2025-32434): the "
            f"grader will not read re-check results with it. Install the torch that requirements.txt "
            f"pins (at least {SAFE_TORCH[0]}.{SAFE_TORCH[1]})."
        )


@dataclass
class Printed:
    """What the added cells printed, as the grader reads it."""

    before: dict | None = None  # fingerprint before the student's code
    after: dict | None = None  # and after it
    results: dict = field(default_factory=dict)  # case name -> loaded value
    probes: dict | None = None  # probe label -> answer in the kernel
    clean_probes: dict | None = None  # and in the re-check process, before student code
    ended: bool = False  # the harness printed its last line
    problems: list[str] = field(default_factory=list)  # lines that break the format, no case to blame
    case_problems: dict = field(default_factory=dict)  # case name -> such lines printed during its call
    duplicated: set = field(default_factory=set)  # cases with more than one result line
    stopped: list = field(default_factory=list)  # cells that stopped in the re-check's run
    guard: dict | None = None  # the re-check process's guards, reported before any student code
    seen: dict = field(default_factory=dict)  # case name -> what its watch saw (a rule broken)
    confirmed: dict = field(default_factory=dict)  # case name -> its watch's sentinels, in order
    audits: list = field(default_factory=list)  # what the audit hook reported, anywhere


def parse_printed(text: str) -> Printed:
    """Read the record of the added cells and the re-check process; never raises. Results are
    loaded with torch.load(weights_only=True) (anything else: "unreadable", for that case alone).
    A line that breaks the harness's format, a second result for a case, or the marker after
    other bytes on a line is a problem: student code wrote into the record (the judge fails closed)."""
    import torch

    check_torch(torch.__version__)
    out = Printed()
    current = None  # the case whose call is running

    def problem(why: str, case: str | None = None) -> None:
        case = case or current
        if case is None:
            out.problems.append(why)
        else:
            out.case_problems.setdefault(case, []).append(why)

    for line in text.splitlines():
        if not line.startswith(f"{MARK}:"):
            if MARK in line:
                problem(f"a line of the record behind other bytes ({line[:60]!r})")
            continue
        kind, _, rest = line[len(MARK) + 1 :].partition(":")
        if kind == "case":
            if current is not None and current not in out.results:
                problem("its call printed another case's marker")
            current = rest
            continue
        if kind in ("probes", "cleanprobes", "end", "before", "after", "cells", "guard"):
            current = None  # printed by the harness itself, outside the calls
        if kind in ("before", "after", "guard", "probes", "cleanprobes"):  # probes: the kernel's, the process's
            name = "clean_probes" if kind == "cleanprobes" else kind
            value = _json(rest)
            if value is None or getattr(out, name) is not None:
                said = f"malformed or repeated probe answers ({kind})"
                problem(said if "probes" in kind else f"a malformed or repeated {kind} line")
            else:
                setattr(out, name, value)
        elif kind in ("seen", "watch"):  # written by a call's watch the moment it saw it
            name, sep, what = rest.partition(":")
            if not sep or not name or not what:
                problem(f"a malformed line of the watch ({line[:60]!r})")
                continue
            if name != current:
                problem(f"a line of the watch of {name} outside its call", name)
                if current is not None:
                    problem(f"a line of the watch of {name} during its call")
            (out.seen if kind == "seen" else out.confirmed).setdefault(name, []).append(what[:200])
        elif kind == "audit":  # the audit hook: student code reached the harness
            out.audits.append((rest[:200] or "an unnamed event", current))
        elif kind == "result":
            name, sep, payload = rest.partition(":")
            if not sep or not name:
                problem(f"a malformed result line ({line[:60]!r})")
                continue
            if name in out.results:
                out.duplicated.add(name)
                continue
            if name != current:
                problem(f"a result for {name} printed during the call of {current}", name)
                if current is not None:
                    problem(f"a result for {name} printed during its call")
            try:
                out.results[name] = torch.load(io.BytesIO(base64.b64decode(payload, validate=True)), weights_only=True)
            except Exception as err:  # forged or unsafe payloads end here
                out.results[name] = f"unreadable ({type(err).__name__})"
        elif kind == "cells":
            value = _json(rest, list)
            if value is None or not all(isinstance(v, str) for v in value):
                problem("a malformed list of stopped cells")
            else:
                out.stopped += [v[:200] for v in value]
        elif kind == "end" and not rest:
            out.ended = True
        elif kind == "noinputs":  # the harness got no inputs for this call: it made none
            problem("the call's inputs were not handed over", rest or None)
        elif kind == "error":
            out.problems.append(f"the grader's cell stopped with {rest or 'an error'}")
        else:
            problem(f"an unknown line ({line[:60]!r})")
    return out


def _json(text: str, kind: type = dict):
    """`text` read as JSON, if it is a `kind`; else None."""
    try:
        value = json.loads(text)
    except ValueError:
        return None
    return value if isinstance(value, kind) else None


def same(got, expected, atol: float) -> bool:
    """Strict comparison: exact types, shapes, values within atol."""
    import torch

    if isinstance(expected, torch.Tensor):
        if type(got) not in (torch.Tensor, torch.nn.Parameter) or got.shape != expected.shape:
            return False
        diff = (got.detach().double() - expected.double()).abs()
        return diff.numel() == 0 or (bool(torch.isfinite(diff).all()) and float(diff.max()) <= atol)
    if isinstance(expected, (tuple, list)):
        return (
            type(got) is type(expected)
            and len(got) == len(expected)
            and all(same(g, e, atol) for g, e in zip(got, expected))
        )
    if isinstance(expected, dict):
        return (
            type(got) is dict and set(got) == set(expected) and all(same(got[k], expected[k], atol) for k in expected)
        )
    if isinstance(expected, float):
        return type(got) in (float, int) and abs(got - expected) <= atol
    return type(got) is type(expected) and got == expected


# What the student reads under an answer whose points the re-check took. {score0}: "the test `a` scores 0".
AGAIN = "To check this answer, the grader runs your answer cells a second time, on their own, after your notebook"

UNTRUSTED = (
    AGAIN + ". That run did not end as it should (its results were missing or garbled), so {score0} "
    "for now. Your instructor sees the reason and can give the points back: ask them if you think "
    "your answer is right."
)

GRADER_FAULT = (
    "The grader could not finish checking this answer because of a fault of its own, not because of "
    "your answer: {score0} until your instructor grades it again."
)

NOT_RUN = (
    AGAIN + "; there {why}, so the answer could not be checked and {score0} for now. Your instructor "
    "sees this and can give the points back. (That run stops at a line that needs Jupyter itself, such "
    "as `input()` or a `!` shell command, at a new process or thread, or after "
    + str(RECHECK_CELLS_BUDGET)
    + " s in all.)"
)

RULE_BROKEN = "error: the exercise's rule was broken"

BROKE_RULE = "When the grader called your function again, {what}"

MISSED = (
    "When the grader called your function again on inputs of its own, it {did}, although the tests in "
    "this notebook passed, so {score0}. Try your function on more inputs than the visible test uses "
    "(other sizes, a size of 1, float64), as the problem set's introduction says."
)

QUIZ_MISSED = "When the grader checked your quiz answers again, {questions} did not hold the right answer, so {score0}."


def _listed(items: list[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _score0(tests: list[str]) -> str:
    names = [f"`{t}`" for t in tests]
    return f"the test {names[0]} scores 0" if len(names) == 1 else f"the tests {_listed(names)} score 0"


def comment_text(template: str, tests: list[str], fields: dict | None = None) -> str:
    """The sentence `template` says about `tests` (the tests of one answer cell)."""
    questions = _listed([t[len("quiz_") :] for t in tests])
    fields = dict(fields or {})
    if "what" in fields:  # BROKE_RULE: the clause holds {score0} itself
        fields["what"] = fields["what"].format(score0=_score0(tests))
    return template.format(score0=_score0(tests), questions=questions, **fields)


PROFILER = "a profiler or tracer of its own"  # what the watch or the audit hook saw, as judged

REACHED = "a reach into the grader's own check"


def _rule_used(value: str) -> str:
    """What the re-check's profiler saw, as the student reads it (BROKE_RULE's {what})."""
    seen = value[len(RULE_BROKEN) :].strip(" ()")
    if seen.startswith(REACHED):
        return (
            "it reached into the grader's own check of your function ("
            + seen[len(REACHED) :].strip(" ()")
            + "), which a graded answer may not do, so {score0}."
        )
    if seen.startswith("a call of "):
        return (
            f"it used `{seen[len('a call of ') :]}`, which this exercise asks you not to use, so {{score0}}. "
            "Write that part yourself, as the exercise says."
        )
    if "backward" in seen:
        return (
            "it ran autograd's backward pass, where this exercise asks you to compute the gradients by "
            "hand, so {score0}. Write that part yourself, as the exercise says."
        )
    return (
        "it set a profiler or tracer of its own, which a graded answer may not do (the grader uses one "
        "to see what your function calls), so {score0}."
    )


def _did(value) -> str:
    if isinstance(value, str) and value.startswith("error: "):
        return f"raised {value[len('error: ') :]}"
    if isinstance(value, str) and value.startswith(("unreadable", "unserialisable")):
        return "gave a result the grader could not read"
    return "gave a wrong result"


def judge(
    cases: list[Case], printed: str, passed: set[str], clean_probes: dict | None = None, notes: dict | None = None
) -> tuple[list[str], set[str]]:
    """Flags, and the test cells whose points are taken back, for one student; fails closed
    (docs/grading.md, "How the re-check judges"). `notes`, if given, receives for each test that
    loses its points the sentence for the student: (template, fields) for `comment_text`."""
    got = parse_printed(printed)
    flags: list[str] = []
    if got.before is not None and got.after is not None:
        changed = sorted(k for k in got.before if got.after.get(k) != got.before[k])
        if changed:
            flags.append("the notebook replaced or hooked: " + ", ".join(changed))
    clean_probes = clean_probe_answers() if clean_probes is None else clean_probes
    if got.probes is not None:
        lies = [
            f"{label} gave {got.probes.get(label)!r} in the kernel, {want!r} outside"
            for label, want in clean_probes.items()
            if got.probes.get(label) != want
        ]
        if lies:
            flags.append(
                "TAMPERING: the kernel's own results disagree with the same code run outside it: " + "; ".join(lies)
            )
    broken = list(got.problems)
    if got.guard is None:
        broken.append("the re-check process did not report its guards before the student's code ran")
    elif got.guard.get("pinned") is not True:
        flags.append(
            f"the re-check process's output could not be pinned ({got.guard.get('pinned')}): code in "
            "it could have hidden lines of its record (see What remains possible in docs/grading.md)"
        )
    # what the audit hook reported: any of it may have switched a watch off, so it breaks the rule
    # of every watched call, wherever it happened
    reached = [
        PROFILER if event in ("sys.setprofile", "sys.settrace") else f"{REACHED} ({event})" for event, _ in got.audits
    ]
    if got.clean_probes is not None and got.clean_probes != clean_probes:
        broken.append("the re-check process's probes disagree with the grader's before any student code ran")
    if not got.ended:
        broken.append(
            "the grader's check did not run to its end (its output hidden or redirected, or "
            "its process stopped or killed)"
        )
    deducted: set[str] = set()
    for case in cases:
        if case.diagnostic:
            continue
        value = got.results.get(case.name)
        tests_that_passed = [t for t in case.tests if t in passed]
        broken_here = broken + got.case_problems.get(case.name, [])
        watched = bool(case.forbid) or not case.autograd
        if watched and case.name in got.results and got.confirmed.get(case.name) != ["on", "off"]:
            # the watch's own sentinels, called by the harness right after setting it and right after
            # the student's call: without both (once each) it was not watching the whole call
            broken_here = broken_here + [
                f"its watch confirmed {got.confirmed.get(case.name, [])[:4]} instead of "
                "['on', 'off'] (it was not watching the whole call)"
            ]
        rules = got.seen.get(case.name, []) + (reached if watched else [])
        if broken_here or case.name in got.duplicated or case.name not in got.results:
            twice = case.name in got.duplicated
            why = "; ".join(broken_here) or ("two results were printed for it" if twice else "no result")
            if tests_that_passed:
                flags.append(
                    f"re-check {case.name}: the grader's check could not be trusted ({why}); " + lose(tests_that_passed)
                )
                deducted.update(tests_that_passed)
                fault = any("before any student code ran" in b for b in broken_here)
                note(notes, tests_that_passed, GRADER_FAULT if fault else UNTRUSTED)
            continue
        if rules:  # out of the process before the student's code could undo it
            value = RULE_BROKEN + " (" + rules[0] + ")"
        elif same(value, case.expected, case.atol):
            continue
        if len(tests_that_passed) < len(case.tests):
            continue  # the tests caught it already: they judged it
        if isinstance(value, str) and value.startswith(RULE_BROKEN):
            flags.append(f"re-check {case.name}: {value[len('error: ') :]}: " + lose(tests_that_passed))
            deducted.update(tests_that_passed)
            note(notes, tests_that_passed, BROKE_RULE, what=_rule_used(value))
            continue
        if isinstance(value, str) and value.startswith("error: ") and got.stopped:
            more = len(got.stopped) - 1
            why = got.stopped[0] + (f" (and {more} more cell{'s' if more > 1 else ''})" if more else "")
            flags.append(
                f"re-check {case.name}: the answer could not be run again ({why}): "
                f"{lose(tests_that_passed)} until you grade "
                f"{'it' if len(tests_that_passed) == 1 else 'them'} by hand "
                "(a manual score in the formgrader)"
            )
            deducted.update(tests_that_passed)
            note(notes, tests_that_passed, NOT_RUN, why=why)
            continue
        unusable = isinstance(value, str) and value.startswith(("error", "unreadable", "unserialisable"))
        what = f"({value}) " if unusable else ""
        tampered = any(f.startswith("TAMPERING") for f in flags)
        flags.append(
            f"re-check {case.name}: a wrong result {what}on the grader's inputs, which the tests "
            f"missed: {lose(tests_that_passed)} "
            + ("(see the tampering above)" if tampered else "(a plain failure; consider extending the hidden tests)")
        )
        deducted.update(tests_that_passed)
        if case.name.startswith("quiz_"):
            note(notes, tests_that_passed, QUIZ_MISSED)
        else:
            note(notes, tests_that_passed, MISSED, did=_did(value))
    return flags, deducted


def lose(tests: list[str]) -> str:
    """'a loses its points', 'a, b lose their points'."""
    return ", ".join(tests) + (" loses its points" if len(tests) == 1 else " lose their points")


def note(notes: dict | None, tests: list[str], template: str, **fields) -> None:
    if notes is not None:
        for test in tests:
            notes.setdefault(test, (template, tuple(sorted(fields.items()))))
