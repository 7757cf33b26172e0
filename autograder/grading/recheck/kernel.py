"""The cells added to the graded notebook, which only report: the fingerprint of what tests rely on,
the wait for the re-check process, and the known-answer probes."""

from __future__ import annotations

MARK = "rnnlab_recheck"

FINGERPRINT = r"""
def _rnnlab_fingerprint():
    import builtins, math, sys
    import numpy, numpy.testing, torch, torch.testing
    import rnnlab.checks
    shell = get_ipython()
    watched = {
        "torch.allclose": torch.allclose, "torch.equal": torch.equal, "torch.isclose": torch.isclose,
        "torch.testing.assert_close": torch.testing.assert_close, "torch.Tensor.__eq__": torch.Tensor.__eq__,
        "math.isclose": math.isclose, "numpy.allclose": numpy.allclose,
        "numpy.testing.assert_allclose": numpy.testing.assert_allclose,
        "numpy.testing.assert_array_equal": numpy.testing.assert_array_equal,
        "builtins.isinstance": builtins.isinstance, "builtins.type": builtins.type,
        "builtins.print": builtins.print, "builtins.__import__": builtins.__import__,
        "sys.excepthook": sys.excepthook, "shell.showtraceback": shell.showtraceback,
        "shell.run_cell": shell.run_cell, "shell.run_ast_nodes": shell.run_ast_nodes,
        "shell.run_code": shell.run_code,
    }
    watched.update({f"rnnlab.checks.{n}": getattr(rnnlab.checks, n) for n in rnnlab.checks.__all__})
    own = lambda f: getattr(f, "__module__", "") in ("__main__", None) or "<ipython-input" in getattr(getattr(f, "__code__", None), "co_filename", "")
    # bound methods are new objects on every access: compare the functions behind them, and
    # notice a function stored on the shell object itself
    state = {k: str(id(getattr(v, "__func__", v))) for k, v in watched.items()}
    state["functions stored on the shell"] = ",".join(sorted(k for k, v in vars(shell).items() if callable(v) and not isinstance(v, type) and k in ("showtraceback", "run_cell", "run_ast_nodes", "run_code", "showsyntaxerror", "_showtraceback")))
    state["input transformers"] = str(len(shell.input_transformers_post) + len(shell.input_transformers_cleanup))
    state["AST transformers"] = str(len(shell.ast_transformers))
    state["event callbacks from the notebook"] = str(sum(own(cb) for cbs in shell.events.callbacks.values() for cb in cbs))
    state["trace function"] = str(sys.gettrace() is not None)
    main = sys.modules["__main__"].__dict__
    state["test helpers rebound in the notebook"] = ",".join(sorted(
        n for n in rnnlab.checks.__all__ if n in main and main[n] is not getattr(rnnlab.checks, n)))
    return state
"""  # noqa: E501


# Known-answer probes, run in the kernel after the student's code and in the grader's own process:
# a disagreement is the only thing the re-check calls tampering. (No probe of
# torch.testing.assert_close, which no test calls: its first call costs 0.8 s in every kernel.)
PROBES = {
    "torch.allclose(zeros, ones)": "torch.allclose(torch.zeros(3), torch.ones(3))",
    "torch.equal(zeros, ones)": "torch.equal(torch.zeros(3), torch.ones(3))",
    "torch.isclose(zeros, ones)": "bool(torch.isclose(torch.zeros(3), torch.ones(3)).any())",
    "zeros == ones": "bool((torch.zeros(3) == torch.ones(3)).any())",
    "math.isclose(0, 1)": "math.isclose(0.0, 1.0)",
    "numpy.allclose(zeros, ones)": "bool(numpy.allclose(numpy.zeros(3), numpy.ones(3)))",
    "numpy.testing.assert_allclose(zeros, ones)": (
        "_raises(lambda: numpy.testing.assert_allclose(numpy.zeros(3), numpy.ones(3)))"
    ),
    "numpy.testing.assert_array_equal(zeros, ones)": (
        "_raises(lambda: numpy.testing.assert_array_equal(numpy.zeros(3), numpy.ones(3)))"
    ),
    "isinstance(1, str)": "isinstance(1, str)",
    "rnnlab.checks.check_close(zeros, ones)": (
        "_raises(lambda: rnnlab.checks.check_close('x', torch.zeros(3), torch.ones(3)))"
    ),
    "check_close(zeros, ones) in the notebook": "_raises(lambda: check_close('x', torch.zeros(3), torch.ones(3)))",
    "check_tensor(a list) in the notebook": "_raises(lambda: check_tensor('x', [1.0]))",
}


def probe_answers(scope: dict) -> dict:
    """The probes evaluated in `scope` (a notebook's globals, or a clean one)."""
    import importlib

    names = {"torch": "torch", "math": "math", "numpy": "numpy", "rnnlab": "rnnlab"}
    env = {k: importlib.import_module(v) for k, v in names.items()}
    for module in ("torch.testing", "numpy.testing", "rnnlab.checks"):
        importlib.import_module(module)
    for name in ("check_close", "check_tensor"):
        env[name] = scope.get(name, getattr(env["rnnlab"].checks, name))

    def _raises(call):
        try:
            call()
        except BaseException:  # what a failing check does: raise
            return "raised"
        return "returned"

    env["_raises"] = _raises
    out = {}
    for label, code in PROBES.items():
        try:
            value = eval(code, env)
            out[label] = value if isinstance(value, (bool, str)) else repr(type(value))
        except BaseException as err:
            out[label] = "error: " + type(err).__name__
    return out


def clean_probe_answers() -> dict:
    """What the probes give in the grader's own process, where nothing is patched."""
    return probe_answers({})


def fingerprint_cell(label: str) -> str:
    return (
        FINGERPRINT + "import json as _rj, sys as _rs\n"
        f"_rs.stdout.write('{MARK}:{label}:' + _rj.dumps(_rnnlab_fingerprint()) + '\\n')\n"
        "_rs.stdout.flush()\n"
        "del _rnnlab_fingerprint, _rj, _rs\n"
    )


def kernel_checks_source() -> str:
    """The last cell added: the fingerprint after the student's code, and the probes in the kernel."""
    import inspect

    probes = inspect.getsource(probe_answers)
    return (
        fingerprint_cell("after")
        + f'''
PROBES = {PROBES!r}
{probes}
import json as _rj, sys as _rs
_rs.stdout.write("{MARK}:probes:" + _rj.dumps(probe_answers(globals())) + "\\n")
_rs.stdout.flush()
del probe_answers, PROBES, _rj, _rs
'''
    )


RECHECK_CELLS_BUDGET = 40  # seconds the re-check process may spend on the answer cells


def wait_cell(seconds: int) -> str:
    """A cell that lets the re-check process start (once) and waits for it, at most `seconds`."""
    return f"""
import os as _ro, time as _rt
# a byte, not only the close, which a process the student's code left holding this end would stop
_rg = _ro.environ.pop("RNNLAB_RECHECK_GO", "")
try:
    _ro.set_blocking(int(_rg), False)              # a pipe the student's code filled cannot hold this cell
    _ro.write(int(_rg), b"g")
except (OSError, ValueError):
    pass
try:
    _ro.close(int(_rg))
except (OSError, ValueError):
    pass
_rp, _rend = _ro.environ.get("RNNLAB_RECHECK_PID"), _rt.monotonic() + {seconds}
while _rp and _rt.monotonic() < _rend:             # the re-check process ends before the kernel does
    try:
        if _ro.waitpid(int(_rp), _ro.WNOHANG)[0]:
            _ro.environ.pop("RNNLAB_RECHECK_PID", None)
            break
    except (ChildProcessError, ValueError):
        _ro.environ.pop("RNNLAB_RECHECK_PID", None)
        break
    _rt.sleep(0.05)
del _ro, _rt, _rp, _rend, _rg
"""


def wait_cells(cell_timeout: int) -> list[str]:
    """Enough wait cells, each under the cell limit, to outlast the re-check's budget."""
    from ..sandbox.kernel import RECHECK_WAIT

    per = max(1, cell_timeout - 3)
    return [wait_cell(per) for _ in range(-(-RECHECK_WAIT // per))]
