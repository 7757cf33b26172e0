"""How an error in a problem set's cell shows in IPython (`install`, which rnnlab.checks calls).

A failed check shows as its sentence, then the line of the test cell that made it (`short_failure`);
under setup()'s `%xmode Minimal`, an error inside a function the student wrote shows only the frames of
the student's own code and what its last line called (`student_failure`). Lines of hidden tests are
never shown; the error output's name and value stay the exception's own. After `name_mistakes`, the
known mistake an answer matches (rnnlab.diagnose) is named under its error.
"""

from __future__ import annotations

import functools
import linecache
import os
import sys
import traceback
from pathlib import Path

_CHECKS = (Path(__file__).resolve().parent / "checks.py", Path(__file__).resolve())


def _from_here(frame: traceback.FrameSummary) -> bool:
    try:
        return Path(frame.filename).resolve() in _CHECKS
    except (OSError, ValueError):
        return False


HIDDEN_MARK = "BEGIN HIDDEN TESTS"  # in a test cell's source in the grading kernel only


def _shell():
    try:
        from IPython import get_ipython
    except ImportError:
        return None
    return get_ipython()


def _cell_label(filename: str, shell) -> str | None:
    """ "Cell In[7]" for code of a notebook cell, as IPython's tracebacks name it; None for any other file."""
    format_code_name = getattr(getattr(shell, "compile", None), "format_code_name", None)
    named = format_code_name(filename) if format_code_name is not None and filename else None
    return f"{named[0]} {named[1]}" if named else None


@functools.lru_cache(maxsize=1)
def _not_the_students() -> tuple[str, ...]:
    """Folders of code that a student did not write: Python's, installed packages', the course's."""
    import site
    import sysconfig

    roots = {sysconfig.get_paths().get(k) for k in ("stdlib", "platstdlib", "purelib", "platlib")}
    roots.update(site.getsitepackages() if hasattr(site, "getsitepackages") else ())
    roots.add(site.getusersitepackages() if hasattr(site, "getusersitepackages") else None)
    roots.update((str(_CHECKS[1].parent), str(_CHECKS[1].parent.parent / "autograder")))
    return tuple(sorted({os.path.join(os.path.realpath(r), "") for r in roots if r}))


def _place(filename: str, shell) -> str | None:
    """How a traceback names code the student wrote: "Cell In[7]" for a notebook cell,
    'File "helpers.py"' for a file of their own; None for Python's, a library's or the course's."""
    label = _cell_label(filename, shell)
    if label is not None:
        return label
    if not filename or filename.startswith("<"):
        return None
    real = os.path.realpath(filename)
    if real.startswith(_not_the_students()) or any(
        f"{os.sep}{d}{os.sep}" in real for d in ("site-packages", "dist-packages")
    ):
        return None
    return f'File "{filename}"'


def _frame_lines(filename: str, lineno, qualname: str, name: str, shell) -> list[str] | None:
    """A frame of the student's code as IPython names it, then its line's text; None for a frame
    that is not the student's. Of a cell that holds hidden tests, only where."""
    place = _place(filename, shell)
    if place is None:
        return None
    where = f"  {place}" + (f", line {lineno}" if lineno else "") + ("" if name == "<module>" else f", in {qualname}")
    if HIDDEN_MARK in "".join(linecache.getlines(filename)):
        return [where + " (a hidden test)"]
    text = linecache.getline(filename, lineno).strip() if lineno else ""
    return [where] + ([f"    {text}"] if text else [])


def _called(frames) -> str:
    """A run of frames that are not the student's, as the innermost public function of the package the
    student's code called into (torch.nn.modules.linear.Linear.forward, not Module._call_impl)."""
    names = [
        f"{f.f_globals.get('__name__') or '?'}.{getattr(f.f_code, 'co_qualname', f.f_code.co_name)}" for f in frames
    ]
    top = names[0].split(".")[0]
    public = [
        n for n in names if n.split(".")[0] == top and not any(part.startswith(("_", "<")) for part in n.split("."))
    ]
    return (public or names)[-1]


def short_failure(etype, value, tb) -> list[str] | None:
    """The lines to show for a failed check (None for another error): the message, for forbid_calls the
    student's line that made the forbidden call, then where in the test cell the check was made."""
    frames = traceback.extract_tb(tb)
    if not issubclass(etype, AssertionError) or not frames or not _from_here(frames[-1]):
        return None
    shell = _shell()
    # the innermost frame of a cell, not contextlib's (a `with forbid_calls(...)` block ends there)
    caller = next((f for f in reversed(frames) if _cell_label(f.filename, shell)), None) or next(
        (f for f in reversed(frames) if not _from_here(f)), None
    )
    lines = [f"{etype.__name__}: {value}"]
    for filename, lineno, qualname, name in getattr(value, "_rnnlab_callers", ()):
        # the innermost function of the student's that was running: what made the call
        shown = name != "<module>" and _frame_lines(filename, lineno, qualname, name, shell)
        if shown:
            lines += ["Your code called it here:"] + shown
            break
    if caller is not None and caller.lineno:
        lines.append(f"(the check at line {caller.lineno} of this cell)")
    return lines


def student_failure(etype, value, tb, shell=None) -> list[str] | None:
    """The lines to show for an error raised inside a function the student wrote (None for another error):
    the student's frames, outermost first, with their lines' text, what the last one called if the error
    came from there, then the error."""
    shell = shell if shell is not None else _shell()
    frames = []
    while tb is not None:
        frames.append((tb.tb_frame, tb.tb_lineno))
        tb = tb.tb_next
    shown = [
        _frame_lines(
            f.f_code.co_filename, lineno, getattr(f.f_code, "co_qualname", f.f_code.co_name), f.f_code.co_name, shell
        )
        for f, lineno in frames
    ]
    if not any(s is not None and f.f_code.co_name != "<module>" for s, (f, _) in zip(shown, frames)):
        return None  # the cell's own line failed: IPython's one line says it
    lines = ["Where it failed in your code (run %xmode Context in a cell for the full traceback):"]
    k = next(k for k, s in enumerate(shown) if s is not None)  # IPython's own frames come first
    while k < len(frames):
        if shown[k] is not None:
            lines += shown[k]
            k += 1
            continue
        end = k
        while end < len(frames) and shown[end] is None:
            end += 1
        if end == len(frames):  # the error came from what the student's last line called
            lines.append(f"  inside {_called([f for f, _ in frames[k:]])}")
        k = end
    lines += "".join(traceback.format_exception_only(etype, value)).rstrip("\n").splitlines()
    return lines


def _short_errors(shell) -> bool:
    """Whether the shell shows errors in one line (setup()'s %xmode Minimal), with no debugger."""
    return getattr(getattr(shell, "InteractiveTB", None), "mode", None) == "Minimal" and not getattr(
        shell, "call_pdb", False
    )


# Which exercise the running visible test cell checks: execution count -> (set, exercise)
_NAMED: dict = {}
GRADING_ENV = "RNNLAB_RECHECK_FDS"  # set in a grading kernel, whose output never reaches a student


def name_mistakes(assignment: str, exercise: str) -> None:
    """Called first in a visible test cell: if the cell then fails, the known mistake that the answer's
    behaviour matches (rnnlab.diagnose) is named under the error."""
    __tracebackhide__ = True
    shell = _shell()
    if shell is not None and GRADING_ENV not in os.environ:
        _NAMED.clear()
        _NAMED[shell.execution_count] = (assignment, exercise)


def diagnosis_lines(shell, etype, value=None) -> list[str]:
    """What to add under an error of the cell registered by name_mistakes: the diagnosis's text; nothing
    for an exercise not attempted, a rule broken (its message says which), another cell, or an exercise
    without a catalogue."""
    key = _NAMED.get(getattr(shell, "execution_count", None))
    if key is None or issubclass(etype, NotImplementedError) or getattr(value, "_rnnlab_rule", False):
        return []
    from rnnlab.diagnose import diagnose

    found = diagnose(key[0], key[1], shell.user_ns)
    return ["", found.text()] if found.probes else []


def _show(shell, etype, value, tb, tb_offset=None):
    lines, ran = None, True
    try:
        lines = short_failure(etype, value, tb)
        if lines is None and _short_errors(shell) and not issubclass(etype, SyntaxError):
            lines = student_failure(etype, value, tb, shell)
        # running_compiled_code, as IPython passes it: raised while the cell ran, not while it was parsed
        ran = any(_cell_label(f.filename, shell) for f in traceback.extract_tb(tb))
    except Exception:  # a fault here must not hide the error: IPython shows it
        lines = None
    try:
        named = diagnosis_lines(shell, etype, value)
    except Exception:  # the diagnosis is a help: never in the way of the error
        named = []
    if lines is None:
        shell.showtraceback((etype, value, tb), tb_offset=tb_offset, running_compiled_code=ran)
        if named:
            print("\n".join(named[1:]))
        return
    sys.last_type, sys.last_value, sys.last_traceback = etype, value, tb  # for %debug, %tb
    if sys.version_info >= (3, 12):
        sys.last_exc = value
    # one entry: JupyterLab joins entries with new lines, a terminal's Minimal mode without
    shell._showtraceback(etype, value, ["\n".join(lines + named)])


def install(shell=None) -> bool:
    """Show failed checks briefly, and errors in the student's functions with their own lines,
    in this IPython shell; False outside IPython."""
    shell = shell or _shell()
    if shell is None:
        return False
    shell.set_custom_exc((Exception,), _show)
    return True
