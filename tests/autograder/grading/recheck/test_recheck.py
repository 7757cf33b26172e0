"""The re-check's record of a student's calls, out of the student's reach (issue 50).

The student's answer cells and calls run in the re-check process itself. These tests run the
re-check's real program (`recheck.runner_source`) as the kernel's launcher does, forked from a
process that imported what the launcher imports, but without nbgrader or a sandbox (one
subprocess, about 4 s), on answers that try to erase, stop or forge what it records; and they
judge hand-written records (`recheck.judge`) that lack what the grader must see.
"""

import base64
import io
import json
import os
import runpy
import subprocess
import sys
import types

import nbformat
import torch

from autograder.course.folder import REPO
from autograder.grading import recheck

FORBID = ("colorsys.rgb_to_hsv",)  # a plain Python function nothing else here calls

# Forks the re-check process once per run (what KERNEL_START does), each with its own program and
# cells; prints each run's record as a JSON list.
DRIVER = r"""
import json, os, sys
import numpy, torch, rnnlab.checks, IPython.core.interactiveshell
records, runs = [], json.load(sys.stdin)
while runs:
    runner, cells = runs.pop(0)
    out_r, out_w = os.pipe()
    go_r, go_w = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            os.close(out_r)
            os.close(go_w)
            runs.clear()                       # the other runs' programs, and this one, dropped as
            scope = {"__name__": "__rnnlab_recheck__"}    # KERNEL_START drops its task's
            exec(compile(runner, "<rnnlab-recheck>", "exec"), scope)
            del runner
            scope["_rnnlab_child"](out_w, go_r, cells, 20)
        finally:
            os._exit(0)
    for fd in (out_w, go_r, go_w):
        os.close(fd)
    chunks = []
    while chunk := os.read(out_r, 1 << 16):
        chunks.append(chunk)
    os.close(out_r)
    os.waitpid(pid, 0)
    records.append(b"".join(chunks).decode())
print(json.dumps(records))
"""

# the attack's own walk up the stack (`_recheck_frames`: the re-check's frames, if any), and the
# descriptor of the harness's pipe, found the same way
FRAMES = (
    runpy.run_path(str(REPO / "autograder" / "authoring" / "grader_attacks" / "recheck_record_erased.py"))["FRAMES"]
    + """
import colorsys, os


def pipe():
    return next(f.f_locals["out_fd"] for f in _recheck_frames() if "out_fd" in f.f_locals)
"""
)

# run 1: each call breaks the rule and tries one way to undo the record; nothing in it reaches
# the audit hook, so each call is judged on its own
CALLS = (
    FRAMES
    + """
import collections
Point = collections.namedtuple("Point", "x y", defaults=(0,))     # sets __defaults__: not reported


def honest():
    return 1.0


def erased():
    # the walk of issue 50: up the stack to the harness's frames, and empty every list and set
    # they hold (the watch's record was one)
    colorsys.rgb_to_hsv(0.1, 0.2, 0.3)
    for frame in _recheck_frames():
        for value in list(frame.f_locals.values()):
            if isinstance(value, (list, set)):
                value.clear()
    return 1.0


def pipe_taken():
    # put another pipe in the place of the harness's, or close it: the lines after would be lost
    fd, (_, other) = pipe(), os.pipe()
    refused = []
    for name, call in (("dup2", lambda: os.dup2(other, fd)), ("close", lambda: os.close(fd))):
        try:
            call()
        except OSError:
            refused.append(name)
    os.closerange(fd, fd + 1)
    colorsys.rgb_to_hsv(0.1, 0.2, 0.3)
    return ",".join(refused)


def collector_callback():
    # do the forbidden work in a garbage-collector callback, run by a collection that starts inside
    # the watch (where Python profiles nothing): before, it kept its points; the collector is now
    # off during the calls, and turning it on is seen
    import gc
    found = []

    def collected(phase, info):
        frame = sys._getframe(1)
        while frame is not None and not found:
            if frame.f_code.co_name == "watch" and frame.f_code.co_filename == "<rnnlab-recheck>":
                found.append(colorsys.rgb_to_hsv(0.1, 0.2, 0.3))
            frame = frame.f_back

    gc.callbacks.append(collected)
    gc.enable()
    old = gc.get_threshold()
    gc.set_threshold(1)
    try:
        for _ in range(20000):
            [[]]
            if found:
                break
    finally:
        gc.set_threshold(*old)
        gc.callbacks.remove(collected)
    return 1.0


def prefixed():
    # an unfinished line on the record, then the forbidden call: before, the watch's line came out
    # behind it ("#rnnlab_recheck:seen:...") and the grader, which reads lines that start with the
    # marker, never saw it (full points)
    os.write(pipe(), b"#")
    colorsys.rgb_to_hsv(0.1, 0.2, 0.3)
    return 1.0


def forged():
    # its own confirmation and result, written ahead of the harness's
    import base64, io, torch
    buf = io.BytesIO()
    torch.save(1.0, buf)
    colorsys.rgb_to_hsv(0.1, 0.2, 0.3)
    os.write(pipe(), b"rnnlab_recheck:watch:forged:off\\nrnnlab_recheck:result:forged:" \
+ base64.b64encode(buf.getvalue()) + b"\\n")
    return 1.0
"""
)

# run 2: what the audit hook reports, anywhere (here in a cell, before any call), breaks the rule
# of every watched call: a tracer set and taken down again, the garbage collector's list of
# objects, a function of the interpreter's C API, the calls' inputs asked for, an audit hook of
# its own, the watch's defaults rebound. And a cell finds no input of the calls to compute the
# answers from before they are watched.
REACHING = (
    FRAMES
    + '''
import ctypes, gc
os.write(pipe(), b"#")                          # an unfinished line: it must not hide the hook's line
sys.settrace(lambda *args: None)
sys.settrace(None)
refused = []
for name, reach in (("gc", gc.get_objects), ("C API", lambda: ctypes.pythonapi.PyEval_SetProfile)):
    try:
        reach()
    except PermissionError:
        refused.append(name)
libc_pid = ctypes.CDLL(None).getpid()           # ctypes calling the C library: allowed, not reported


def reachable(obj, found, depth=0, looked=set()):
    """Every tensor, and every string that is torch.save's output in base64, reachable from obj."""
    if id(obj) in looked or depth > 4:
        return
    looked.add(id(obj))
    if isinstance(obj, torch.Tensor):
        found.append("a tensor")
    elif isinstance(obj, str) and obj.startswith("UEsDB"):
        found.append("serialised inputs")
    elif isinstance(obj, dict):
        for value in list(obj.values()):
            reachable(value, found, depth + 1)
    elif isinstance(obj, (list, tuple, set, frozenset)):
        for value in list(obj):
            reachable(value, found, depth + 1)
    elif isinstance(obj, type(reachable.__code__)):
        reachable(obj.co_consts, found, depth + 1)
    elif callable(obj) and hasattr(obj, "__code__"):
        reachable((obj.__code__, obj.__defaults__, [c.cell_contents for c in obj.__closure__ or ()]), found, depth + 1)


# the calls' inputs, looked for where a cell can reach them (before: a local of the harness's frame)
import nbformat
import torch
inputs_found = []
for frame in _recheck_frames():
    reachable((frame.f_locals, frame.f_globals, frame.f_code), inputs_found)


class Anything:
    """What a copy of the harness gets for every module it imports and everything it calls."""

    def __getattr__(self, name):
        return self

    def __call__(self, *args, **kwargs):
        return self

    def __setitem__(self, key, value):
        pass

    def __add__(self, other):
        return ""

    __radd__ = __add__

    def __index__(self):
        return 1 << 30

    def __iter__(self):
        return iter(())


class Caught(Exception):
    pass


def b64decode(given):
    raise Caught(given)


def fake_import(name, *args, **kwargs):
    if name == "sys":            # the real sys.audit, so that the hook hears the copy ask
        return types.SimpleNamespace(audit=sys.audit, _getframe=Anything(), setprofile=Anything(),
                                     getprofile=Anything(), addaudithook=Anything(), settrace=Anything())
    if name == "base64":         # where the copy decodes the inputs it was handed
        return types.SimpleNamespace(b64decode=b64decode, b64encode=Anything())
    return Anything()


# the reviewer's copy of the harness: its code object, run as a new function with globals and an
# __import__ of the cell's, so that it asks the hook for the first call's inputs (before: handed
# over, as to the harness). And the same code object put in place of a function's of the cell's.
import builtins, types
harness_code = next(f.f_code for f in _recheck_frames() if f.f_code.co_name == "_rnnlab_child")
fakes = {"__builtins__": dict(vars(builtins), __import__=fake_import), "_RNNLAB_INPUTS": {},
         **{name: Anything() for name in ("_make_watch", "_resolve", "_pin", "_audit_hook", "probe_answers")}}
try:
    types.FunctionType(harness_code, fakes)(1, 2, [], 3)
except PermissionError:
    refused.append("copy")
except Caught as caught:
    inputs_found.append(caught.args[0])


def vessel(out_fd, go_fd, cells, cell_timeout):
    pass


try:
    vessel.__code__ = harness_code
except PermissionError:
    refused.append("code")
try:
    sys.audit("rnnlab.inputs", "rebinds", [])
except PermissionError:
    refused.append("handover")
heard = []
sys.addaudithook(lambda *args: heard.append(args))      # refused quietly: Python drops the hook
sys.audit("rnnlab.anything")
if not heard:
    refused.append("audit hook")


def rebinds():
    watch = sys.getprofile()
    watch.__defaults__ = watch.__defaults__
    return (refused, libc_pid == os.getpid(), inputs_found)


def plain():
    return True
'''
)


def _case(name, expected, forbid=FORBID):
    return recheck.Case(name, [f"{name}_visible", f"{name}_hidden"], f"result = {name}()", {}, expected, forbid=forbid)


def _records(*runs):
    """The record of each (cases, cells) run of the re-check's program."""
    payload = json.dumps([(recheck.runner_source(cases), [cells]) for cases, cells in runs])
    proc = subprocess.run([sys.executable, "-c", DRIVER], input=payload, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.splitlines()[-1])


def _tests(cases):
    return {t for case in cases for t in case.tests}


def test_what_the_student_s_code_does_to_the_record_cannot_undo_it():
    """Before issue 50, `erased` kept its points (the watch's list was emptied) and a cell could
    put another pipe in the place of the harness's (and write the record it liked there)."""
    calls = [
        _case("honest", 1.0),
        _case("erased", 1.0),
        _case("pipe_taken", "dup2,close"),
        _case("collector_callback", 1.0),
        _case("prefixed", 1.0),
        _case("forged", 1.0),
    ]
    rebound = [
        _case("rebinds", (["gc", "C API", "copy", "code", "handover", "audit hook"], True, [])),
        _case("plain", True, forbid=()),
    ]
    rebound[0].inputs = {"secret": torch.full((3,), 4242.0)}
    record, reaching = _records((calls, CALLS), (rebound, REACHING))

    got = recheck.parse_printed(record)
    assert got.guard == {"pinned": True, "hook": True}, got.guard
    assert got.ended and not got.audits and not got.problems, (got.audits, got.problems)
    assert got.results["pipe_taken"] == "dup2,close"  # both refused; closerange left it open
    notes = {}
    flags, lost = recheck.judge(calls, record, _tests(calls), recheck.clean_probe_answers(), notes)
    assert lost == _tests(calls[1:]), flags
    for name in ("erased", "pipe_taken", "prefixed"):
        assert any(
            f.startswith(f"re-check {name}:") and "rule was broken (a call of colorsys.rgb_to_hsv)" in f for f in flags
        ), flags
        assert "colorsys.rgb_to_hsv" in recheck.comment_text(
            notes[f"{name}_hidden"][0], [f"{name}_hidden"], dict(notes[f"{name}_hidden"][1])
        )
    assert any(
        f.startswith("re-check collector_callback:")
        and "rule was broken (a reach into the grader's own check (enable))" in f
        for f in flags
    ), flags
    assert any(f.startswith("re-check forged:") and "could not be trusted" in f for f in flags), flags

    got = recheck.parse_printed(reaching)
    events = [event for event, _ in got.audits]
    assert events == [
        "sys.settrace",
        "sys.settrace",
        "gc.get_objects",
        "ctypes.dlsym PyEval_SetProfile",
        "function.__new__ of the grader's _rnnlab_child",
        "the grader's _rnnlab_child put in place of a function's code",
        "rnnlab.inputs",
        "sys.addaudithook",
        "the grader's function watch's __defaults__ rebound",
    ], events
    # every reach refused, the C library not, no inputs found
    assert got.results["rebinds"] == (["gc", "C API", "copy", "code", "handover", "audit hook"], True, []), got.results[
        "rebinds"
    ]
    flags, lost = recheck.judge(rebound, reaching, _tests(rebound), recheck.clean_probe_answers())
    assert lost == _tests(rebound[:1]), flags  # a call without rules keeps its points
    assert "rule was broken (a profiler or tracer of its own)" in flags[0], flags


def test_the_hook_hands_each_call_s_inputs_once_in_turn_and_to_the_harness_s_frame_only():
    """The hook, called as the audit machinery calls it, from the frame it was made in and from a
    copy of that frame's code (a new function, globals of its own: the reviewer's attack). Before,
    it recognised the harness by its code object: the copy got the inputs, and so did a second
    request for one call."""
    read, write = os.pipe()
    hooks, got = [], []

    def harness(asks):
        if not hooks:
            hooks.append(recheck.runner._audit_hook(write, sys._getframe(), recheck.MARK, (("a", "A"), ("b", "B"))))
        for name in asks:
            given = []
            try:
                hooks[0]("rnnlab.inputs", (name, given))
                got.append(given)
            except PermissionError:
                got.append("refused")

    harness(["a", "a", "b"])
    copy = types.FunctionType(harness.__code__, {}, "copy", None, harness.__closure__)
    copy(["b"])
    os.close(write)
    with os.fdopen(read) as record:
        events = [event for event, _ in recheck.parse_printed(record.read()).audits]
    assert got == [["A"], "refused", "refused", "refused"], got
    assert events == ["a call's inputs asked for out of turn"] * 2 + ["rnnlab.inputs"], events


def test_a_cell_that_never_ends_leaves_the_later_cells_their_time(monkeypatch):
    """A blind tester's ps01 submission looped in exercise 1: under the default 60 s cell limit
    that loop took the re-check's whole budget, the later answers were never defined and their
    points were held for hand grading (0/22 instead of 13/22). A cell now gets at most half of
    what is left (here 4 of 8 s), so the later cells still run and their calls keep their points."""
    monkeypatch.setattr(recheck.runner, "RECHECK_CELLS_BUDGET", 8)
    cases = [recheck.Case("plain", ["plain_hidden"], "result = plain()", {}, True)]
    cells = ["while True:\n    pass", "def plain():\n    return True"]
    payload = json.dumps([(recheck.runner_source(cases), cells)])
    proc = subprocess.run([sys.executable, "-c", DRIVER], input=payload, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-3000:]
    record = json.loads(proc.stdout.splitlines()[-1])[0]
    assert recheck.parse_printed(record).stopped == ["the cell beginning `while True:` stopped with TimeoutError"], (
        record
    )
    flags, lost = recheck.judge(cases, record, {"plain_hidden"}, recheck.clean_probe_answers())
    assert not lost, flags


# -- the judge, on records written by hand ------------------------------------------------------------

WATCHED = recheck.Case("c", ["t_visible", "t_hidden"], "result = f()", {}, 1.0, forbid=FORBID)
PLAIN = recheck.Case("p", ["u"], "result = g()", {}, 1.0)
ALL = {"t_visible", "t_hidden", "u"}


def _record(*case_lines, guard=True, end=True):
    """An honest record: the guard, then for each (name, lines during its call) a case marker,
    those lines and its result (1.0)."""
    buf = io.BytesIO()
    torch.save(1.0, buf)
    payload = base64.b64encode(buf.getvalue()).decode()
    lines = [f"guard:{json.dumps({'pinned': True, 'hook': True})}"] if guard else []
    lines.append("cells:[]")
    for name, during in case_lines:
        lines += [f"case:{name}", *during, f"result:{name}:{payload}"]
    lines += ["probes:" + json.dumps(recheck.clean_probe_answers())] + (["end"] if end else [])
    return "".join(f"{recheck.MARK}:{line}\n" for line in lines)


ON_OFF = ["watch:c:on", "watch:c:off"]


def _judged(text):
    return recheck.judge([WATCHED, PLAIN], text, ALL, recheck.clean_probe_answers())


def test_an_honest_record_keeps_every_point():
    assert _judged(_record(("c", ON_OFF), ("p", []))) == ([], set())


def test_a_watched_call_without_both_confirmations_fails_closed():
    """The watch reports the harness's two sentinel calls, right after it was set and right after
    the student's call: without them it was not watching the whole call (switched off, replaced),
    and without the fix a result alone was believed."""
    for during in (
        [],
        ["watch:c:on"],
        ["watch:c:off"],
        ["watch:c:on", "watch:c:off", "watch:c:off"],
        ["watch:c:off", "watch:c:on"],
    ):
        flags, lost = _judged(_record(("c", during), ("p", [])))
        assert lost == {"t_visible", "t_hidden"}, (during, flags)
        assert "could not be trusted" in flags[0] and "not watching the whole call" in flags[0], flags


def test_what_the_watch_saw_breaks_the_rule_whatever_the_result():
    flags, lost = _judged(
        _record(("c", ["watch:c:on", "seen:c:a call of colorsys.rgb_to_hsv", "watch:c:off"]), ("p", []))
    )
    assert lost == {"t_visible", "t_hidden"} and "rule was broken (a call of colorsys.rgb_to_hsv)" in flags[0]


def test_what_the_audit_hook_saw_breaks_the_rule_of_every_watched_call():
    """Anywhere: a tracer set in a cell, or during another call, may switch later watches off."""
    for event in ("sys.settrace", "ctypes.dlsym", "gc.get_referrers"):
        text = _record(("p", [f"audit:{event}"]), ("c", ON_OFF))
        flags, lost = _judged(text)
        assert lost == {"t_visible", "t_hidden"}, (event, flags)  # the call without rules keeps its point
        assert "rule was broken" in flags[0], flags
        notes = {}
        recheck.judge([WATCHED], text, ALL, recheck.clean_probe_answers(), notes)
        said = recheck.comment_text(notes["t_hidden"][0], ["t_hidden"], dict(notes["t_hidden"][1]))
        assert ("profiler or tracer" in said) if event == "sys.settrace" else (event in said), said


def test_a_record_without_its_guards_fails_closed():
    flags, lost = _judged(_record(("c", ON_OFF), ("p", []), guard=False))
    assert lost == ALL and "did not report its guards" in flags[0], flags


def test_a_pipe_that_could_not_be_pinned_is_flagged_for_every_student():
    """Another machine than x86_64 or aarch64, or a kernel without seccomp: the record could have
    been cut and written again by the student's code, which the instructor is told."""
    text = _record(("c", ON_OFF), ("p", [])).replace(
        '"pinned": true', '"pinned": "no table of system calls for riscv64"'
    )
    flags, lost = _judged(text)
    assert not lost and len(flags) == 1 and "could not be pinned (no table of system calls for riscv64)" in flags[0]


def test_a_line_of_the_watch_outside_its_call_fails_closed():
    """A watch line written by student code elsewhere (the kernel's output comes first in the
    record, and its cells may print anything) costs the case it names."""
    text = f"{recheck.MARK}:watch:c:off\n" + _record(("c", ["watch:c:on"]), ("p", []))
    flags, lost = _judged(text)
    assert lost == {"t_visible", "t_hidden"} and "could not be trusted" in flags[0], flags


def test_a_line_of_the_record_behind_other_bytes_fails_closed():
    """Every line of the harness, its watch and its hook starts on a line of its own, so a marker
    after other bytes is the student's: during a call it costs that call, outside every call all
    of them. Before, such a line was passed over, and a partial line written just before the
    watch's hid the watch's (the call broke its rule and kept its points)."""
    off = f"{recheck.MARK}:watch:c:off"
    hidden = _record(("c", ON_OFF), ("p", [])).replace(
        off, f"#{recheck.MARK}:seen:c:a call of colorsys.rgb_to_hsv\n" + off
    )
    flags, lost = _judged(hidden)
    assert lost == {"t_visible", "t_hidden"} and "behind other bytes" in flags[0], flags
    flags, lost = _judged("#" + _record(("c", ON_OFF), ("p", [])))
    assert lost == ALL and all("behind other bytes" in f for f in flags), flags


def test_a_call_without_its_inputs_fails_closed():
    """The harness makes no call without the inputs the hook hands over; the judge fails closed."""
    record = _record(("c", ON_OFF), ("p", [])).replace(f"{recheck.MARK}:result:c:", f"{recheck.MARK}:noinputs:c\n#")
    flags, lost = _judged(record)
    assert lost == {"t_visible", "t_hidden"} and "inputs were not handed over" in flags[0], flags


def test_a_cell_that_names_a_way_around_the_watch_is_flagged_and_the_course_s_answers_are_not():
    """ctypes writes the interpreter's memory with no audit event, and a walk up the frames reaches
    the harness: the watch cannot see either, so the instructor is asked to read such a cell (no
    points taken). Read as Python: a comment or a string naming them is not flagged, an IPython
    magic does not hide the cell. (Every solution, alternative, mutant and copy of the ten sets
    gets no flag either: 323 notebooks, checked when this was written; too slow to run here.)"""
    named = {
        "import ctypes\n": ["ctypes"],
        "%matplotlib inline\nfrom ctypes import pythonapi": ["ctypes", "pythonapi"],
        "import _ctypes, cffi": ["_ctypes", "cffi"],
        "up = sys._getframe().f_back.f_locals": ["_getframe", "f_back", "f_locals"],
        "import inspect\ninspect.currentframe()": ["currentframe"],
        "gc.get_referrers(x)": ["gc.get_referrers"],
        "from gc import callbacks": ["gc.callbacks"],
        "w.__defaults__ = ()": ["__defaults__"],
    }
    for source, names in named.items():
        assert recheck.reaching_names(source) == sorted(names), source
    assert recheck.reaching_names("# ctypes, sys._getframe\ntext = 'gc.get_objects()'\n") == []
    flags = recheck.reaching_flags(["x = 1\n", "import ctypes\nctypes.memmove(1, 2, 3)\n"])
    assert len(flags) == 1 and "uses ctypes" in flags[0] and "'import ctypes'" in flags[0], flags
    for path in sorted((REPO / "source").glob("ps*/ps*.ipynb")):
        cells = [cell.source for cell in nbformat.read(path, 4).cells if cell.cell_type == "code"]
        assert recheck.reaching_flags(cells) == [], path


def test_a_judge_that_fails_takes_back_every_point_it_guards_and_says_so(tmp_path, monkeypatch):
    """recheck.Judge in nbgrader's chain: a fault while judging (here, the judge itself raising)
    fails closed, every passed test that a case guards loses its points with the grader's-fault
    sentence, and the verdict for the report says so; nothing is left for a later writer."""
    import shutil

    from autograder.grading.recheck import preprocessors as P

    a = "ps03_lstm_gates"
    shutil.copytree(REPO / "release" / a, tmp_path / "release" / a)
    monkeypatch.chdir(REPO)  # the grading worker runs in the course folder

    def broken(*args, **kwargs):
        raise RuntimeError("simulated fault")

    monkeypatch.setattr(P, "judge", broken)
    nb = nbformat.read(REPO / "source" / a / f"{a}.ipynb", 4)  # every test passes: no error output
    state = {"printed": "", "cells": []}
    resources = {"nbgrader": {"student": "bob", "assignment": a}, "rnnlab_recheck": state}
    P.Judge(run_folder=str(tmp_path)).preprocess(nb, resources)
    guarded = {t for case in recheck.load_cases(a) for t in case.tests}
    assert guarded and state["deducted"] == guarded
    verdict = json.loads((tmp_path / "verdict-bob.json").read_text())
    assert verdict["flags"][0].startswith("re-check could not be judged (RuntimeError: simulated fault)")
    assert sorted(verdict["deducted"]) == sorted(guarded)
    said = " ".join(text for texts in state["comments"].values() for text in texts)
    assert "fault of its own" in said
