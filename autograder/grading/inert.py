"""Make what a student's kernel produced safe to open in the instructor's browser, and small.

The autograded notebook is what the formgrader shows the instructor (with their rights: the
contents API, terminals), the gradebook's source and the feedback's origin. Everything in it
that a student controls is made inert:

- markdown the release does not have word for word (answers, added cells): every `<` and `&`
  escaped, so no tag survives rendering (nbconvert's sanitiser alone let `<img onerror>`
  through), `javascript:`/`data:`/`vbscript:` links made `unsafe-...:` (no browser runs
  those), markdown images shown as text (no address of a student's is fetched), attachments
  removed;
- raw cells: their mime type removed, so no exporter copies them into HTML;
- outputs, as they arrive from the kernel (`InertExecute`): only text/plain, image/png and
  image/jpeg kept (no HTML, JavaScript, SVG, markdown, LaTeX or widget views); widget state
  in the notebook's metadata removed;
- and every output capped before it is stored (`CappedExecute`): per output, per cell and per
  notebook, in characters and in number (each output also costs its JSON structure), so eight
  20 MB outputs no longer make a 200 MB notebook, nor 30,000 small ones a 32 MB one. A cell's
  first error is never dropped (nbgrader grades by it), only shortened. Widget (comm) messages,
  whose state nbclient keeps in the grader's memory, are capped in number and size.

The course's own locked cells are restored from the gradebook by nbgrader, and markdown equal
to the release's is left as it is, so the course's hints and tables still render.
"""

from __future__ import annotations

import base64
import binascii
import copy
import json

from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_core.utils import ensure_async, run_sync
from nbgrader.preprocessors import Execute
from traitlets import default

from ..course.student_text import escape_markdown

SAFE_MIMES = ("text/plain", "image/png", "image/jpeg")
MAX_OUTPUT = 256 * 1024  # characters of one output's text or one image's base64
MAX_CELL = 1024 * 1024  # of all outputs of one cell
MAX_NOTEBOOK = 4 * 1024 * 1024  # of all outputs of the notebook
OUTPUT_COST = 256  # what one output costs beside its text: its JSON structure
MAX_OUTPUTS_CELL = 200  # outputs of one cell
MAX_OUTPUTS = 2000  # of the notebook
MAX_COMMS = 200  # widget (comm) messages kept for the whole notebook
MAX_COMM_BYTES = 1024 * 1024  # and their content
BROKEN_CONNECTION = "the kernel's connection to the grader was broken"
INTERRUPT_GRACE = 15  # seconds a kernel has to answer the interrupt of a cell past its limit


def make_inert(nb, release=None):
    """Escape student markdown, neutralise raw cells, drop outputs and widget state, in place.
    Markdown cells whose source is exactly a markdown cell of `release` are the course's."""
    course_md = {c.source for c in (release.cells if release is not None else []) if c.cell_type == "markdown"}
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.pop("attachments", None)
            if cell.source not in course_md:
                cell.source = escape_markdown(cell.source)
        elif cell.cell_type == "raw":
            for key in ("raw_mimetype", "format"):
                cell.metadata.pop(key, None)
            cell.pop("attachments", None)
        elif cell.cell_type == "code":
            cell.outputs = [o for o in (safe_output(o) for o in cell.get("outputs", [])) if o is not None]
    nb.metadata.pop("widgets", None)
    return nb


def _size(n: int) -> str:
    """1048576 -> '1 MB', 262144 -> '256 KB'."""
    return f"{n // 1024**2} MB" if n % 1024**2 == 0 else f"{n // 1024} KB"


def _cut(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    return text[:limit] + f"\n[... {len(text) - limit} more characters cut by the grader]\n"


def safe_data(data: dict, limit: int = MAX_OUTPUT, mimes=SAFE_MIMES) -> dict:
    """The displayable parts of an output's data bundle that are safe and within `limit`."""
    kept = {}
    for mime, value in data.items():
        if mimes is not None and mime not in mimes:
            continue
        text = "".join(value) if isinstance(value, list) else value
        if not isinstance(text, str):
            continue  # JSON payloads (widget views, ...)
        if mime.startswith("image/"):
            if len(text) > limit or not _is_base64(text):
                continue  # a cut image is no image
            kept[mime] = text
        else:
            kept[mime] = _cut(text, limit)
    return kept


def _is_base64(text: str) -> bool:
    try:
        base64.b64decode("".join(text.split()), validate=True)
        return True
    except (binascii.Error, ValueError):
        return False


def safe_output(out, limit: int = MAX_OUTPUT, mimes=SAFE_MIMES):
    """A copy of one stored output with only safe, capped content (None: nothing left)."""
    out = copy.deepcopy(out)
    kind = out.get("output_type")
    if kind == "stream":
        out["text"] = _cut(
            "".join(out.get("text", "")) if isinstance(out.get("text"), list) else out.get("text", ""), limit
        )
    elif kind == "error":
        out["evalue"] = _cut(str(out.get("evalue", "")), limit)
        out["traceback"] = [_cut(str(line), limit) for line in out.get("traceback", [])[:50]]
    elif kind in ("display_data", "execute_result"):
        out["data"] = safe_data(out.get("data", {}), limit, mimes)
        out["metadata"] = {}
        if not out["data"]:
            return None
    else:
        return None
    return out


class NoHeartbeatClient(AsyncKernelClient):
    """A kernel client without the heartbeat's thread. That thread pings the kernel; once the
    kernel is gone (or its code broke the connection) it makes a new socket, whose ping waits for
    ever, and stop_channels() then waits for the thread for ever. nbclient asks the kernel
    manager, not the heartbeat, whether the kernel lives, so nothing needs it."""

    def start_channels(self, shell=True, iopub=True, stdin=True, hb=True, control=True):
        super().start_channels(shell=shell, iopub=iopub, stdin=stdin, hb=False, control=control)


class CappedExecute(Execute):
    """nbgrader's Execute, with every output capped as it arrives from the kernel.

    Takes nbgrader's `Execute` settings (timeout, kernel, extra arguments). Messages that
    would take a cell or the notebook over its budget are left out, with one note per cell;
    error outputs and stderr are kept, shortened, since nbgrader grades by them."""

    mimes = None  # InertExecute narrows this

    async def _async_handle_timeout(self, timeout, cell=None):
        """A cell past its limit: nbclient interrupts the kernel and gives the cell nbgrader's
        timeout error. A kernel that obeys replies at once; one that ignores the interrupt (a loop
        that catches SIGINT) would hold the notebook iopub_timeout more (60 s) before nbgrader
        failed it anyway: it fails after INTERRUPT_GRACE, with the same reason. An interrupt that
        cannot be sent in that time fails the notebook as BROKEN_CONNECTION."""
        from queue import Empty

        import zmq
        from nbclient.exceptions import CellTimeoutError

        # the interrupt is a message on the control connection (the sandbox's kernels take no
        # signal from the grader); code that wrote junk into the kernel's descriptors breaks
        # that connection, and a send with no one to take it waits for ever: give it the grace
        self.km._connect_control_socket()
        self.km._control_socket.setsockopt(zmq.SNDTIMEO, INTERRUPT_GRACE * 1000)
        try:
            reply = await super()._async_handle_timeout(timeout, cell)
        except zmq.Again:
            raise CellTimeoutError.error_from_timeout_and_cell(
                f"{BROKEN_CONNECTION}: the interrupt of a cell past its limit found no kernel to "
                f"take it for {INTERRUPT_GRACE} s",
                timeout,
                cell,
            ) from None
        try:
            await ensure_async(self.kc.shell_channel.get_msg(timeout=INTERRUPT_GRACE))
        except Empty:
            raise CellTimeoutError.error_from_timeout_and_cell(
                f"Timeout waiting for execute reply: the kernel ignored the interrupt for {INTERRUPT_GRACE} s",
                timeout,
                cell,
            ) from None
        return reply

    def create_kernel_manager(self):
        km = super().create_kernel_manager()
        km.client_class = f"{__name__}.NoHeartbeatClient"
        return km

    async def _async_cleanup_kernel(self):
        # jupyter_client's "immediate" shutdown still sends an interrupt first, a message on the
        # control connection, which waits for ever once the student's code has broken that
        # connection (junk written into the kernel's descriptors): the kernel is killed instead
        if self.km is not None and self.km.has_kernel:
            await ensure_async(self.km._kill_kernel())
        await super()._async_cleanup_kernel()

    _cleanup_kernel = run_sync(_async_cleanup_kernel)  # nbclient's names its own method

    @default("shutdown_kernel")
    def _kill_when_done(self):
        # the notebook's last cells waited for the re-check process, so nothing is left to do:
        # a graceful shutdown only spends 0.7 s of each submission on ipykernel's exit, and the
        # sandbox's group is emptied and removed afterwards either way (Run.limits_of)
        return "immediate"

    def preprocess(self, nb, resources, *args, **kwargs):
        self._cell_used: dict[int, int] = {}
        self._cell_count: dict[int, int] = {}
        self._noted: set[int] = set()
        self._total = self._count = self._comms = self._comm_bytes = 0
        return super().preprocess(nb, resources, *args, **kwargs)

    def process_message(self, msg, cell, cell_index):
        kind = msg.get("msg_type")
        content = msg.get("content") or {}
        if kind.startswith("comm_"):
            # widget messages: nbclient keeps each widget's state in the grader's memory
            size = len(json.dumps(content, default=str))
            self._comms += 1
            self._comm_bytes += size
            if self._comms > MAX_COMMS or self._comm_bytes > MAX_COMM_BYTES:
                return None
        if kind in ("stream", "display_data", "execute_result", "update_display_data", "error"):
            # every output costs its text and its structure, so many small ones count too
            size = self._shrink(kind, content) + OUTPUT_COST
            used, count = self._cell_used.get(cell_index, 0), self._cell_count.get(cell_index, 0)
            # an error is what nbgrader grades by: the cell's first is kept (short) whatever the budget
            keep_anyway = kind == "error" and not any(o.get("output_type") == "error" for o in cell.outputs)
            over = (
                used + size > MAX_CELL
                or self._total + size > MAX_NOTEBOOK
                or count >= MAX_OUTPUTS_CELL
                or self._count >= MAX_OUTPUTS
            )
            if over and not keep_anyway:
                if cell_index not in self._noted:
                    self._noted.add(cell_index)
                    cell.outputs.append(
                        _note(
                            f"[output cut by the grader: this cell printed more than "
                            f"{_size(MAX_CELL)} or {MAX_OUTPUTS_CELL} outputs, or the "
                            f"notebook more than {MAX_NOTEBOOK // 1024**2} MB or "
                            f"{MAX_OUTPUTS} outputs]\n"
                        )
                    )
                return None
            if keep_anyway and over:
                self._shrink(kind, content, limit=1024)  # stays an error, but short
                size = 1024 + OUTPUT_COST
            self._cell_used[cell_index] = used + size
            self._cell_count[cell_index] = count + 1
            self._total += size
            self._count += 1
        return super().process_message(msg, cell, cell_index)

    def _shrink(self, kind, content, limit: int = MAX_OUTPUT) -> int:
        """Cap the message's content in place; return its size."""
        if kind == "stream":
            content["text"] = _cut(str(content.get("text", "")), limit)
            return len(content["text"])
        if kind == "error":
            content["evalue"] = _cut(str(content.get("evalue", "")), limit)
            content["traceback"] = [_cut(str(t), limit) for t in (content.get("traceback") or [])[:50]]
            return len(content["evalue"]) + sum(map(len, content["traceback"]))
        content["data"] = safe_data(content.get("data") or {}, limit, self.mimes)
        content["metadata"] = {}
        if not content["data"]:
            content["data"] = {"text/plain": "[an output the grader does not keep]"}
        return sum(len(v) for v in content["data"].values() if isinstance(v, str))


class InertExecute(CappedExecute):
    """CappedExecute that keeps only text/plain, PNG and JPEG outputs."""

    mimes = SAFE_MIMES

    def preprocess(self, nb, resources, *args, **kwargs):
        nb, resources = super().preprocess(nb, resources, *args, **kwargs)
        nb.metadata.pop("widgets", None)
        return nb, resources


def _note(text: str):
    from nbformat.v4 import new_output

    return new_output("stream", name="stdout", text=text)
