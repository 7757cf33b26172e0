"""The browser tests' helpers, without a browser: what widget_in_cell does when JupyterLab is slow
to draw a widget, or draws it again while it is being scrolled to."""

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from lab_pages import widget_in_cell
from support import stop_server


class _Widget:
    def __init__(self, failures):
        self.failures, self.calls = list(failures), 0

    @property
    def first(self):
        return self

    def scroll_into_view_if_needed(self, timeout):
        self.calls += 1
        if self.failures:
            raise self.failures.pop(0)


class _Page:
    def __init__(self, widget):
        self.widget, self.looked_up = widget, 0

    def evaluate(self, script, text):
        return True

    def locator(self, selector):
        self.looked_up += 1
        return self.widget


@pytest.mark.parametrize(
    "failure",
    [
        PlaywrightTimeout("Timeout 15000ms exceeded."),
        PlaywrightError("Locator.scroll_into_view_if_needed: Element is not attached to the DOM"),
    ],
)
def test_a_widget_slow_to_draw_or_drawn_again_is_looked_up_again(failure):
    page = _Page(_Widget([failure]))
    assert widget_in_cell(page, "Quiz(", "rnnlab-quiz") is page.widget
    assert page.widget.calls == 2 and page.looked_up == 2


def test_other_errors_and_the_last_attempt_are_not_hidden():
    page = _Page(_Widget([PlaywrightError("Target page, context or browser has been closed")]))
    with pytest.raises(PlaywrightError, match="has been closed"):
        widget_in_cell(page, "Quiz(", "rnnlab-quiz")
    detached = PlaywrightError("Element is not attached to the DOM")
    page = _Page(_Widget([detached, detached, detached]))
    with pytest.raises(PlaywrightError, match="not attached"):
        widget_in_cell(page, "Quiz(", "rnnlab-quiz", attempts=3)
    assert page.widget.calls == 3


def test_a_server_that_ignores_sigterm_is_killed_and_the_stop_does_not_fail():
    """stop_server: a server slow to stop (a Jupyter server shutting kernels down on a loaded
    machine took over 20 s) is killed after the wait, and the test that started it goes on."""
    proc = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import signal, sys, time\n"
            "signal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
            "print('ready', flush=True)\ntime.sleep(60)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout.readline() == "ready\n"
    started = time.monotonic()
    stop_server(proc, seconds=1)
    assert proc.returncode == -signal.SIGKILL
    assert time.monotonic() - started < 10
    proc.stdout.close()
    stop_server(proc, seconds=1)  # one already stopped: nothing to do


def test_every_test_stops_its_servers_through_stop_server():
    """A bare terminate() and wait(timeout) raised TimeoutExpired when a server was slow to stop
    (CI, test_jupyter_servers): the tests stop what they start in one place."""
    here = Path(__file__).resolve().parents[1]
    bare = [
        f"{p.name}:{n}"
        for p in sorted(here.rglob("*.py"))
        if p.name != "support.py"
        for n, line in enumerate(p.read_text().splitlines(), 1)
        if ".terminate()" in line and "bare = " not in line and '".terminate()"' not in line
    ]
    assert bare == [], bare
