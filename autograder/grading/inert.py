"""What a student's notebook shows the instructor is inert, and what their kernel prints is capped.

- `make_inert(nb, release)`, on the repaired submission before nbgrader grades it: markdown the
  release does not have word for word escaped, raw cells without their mime type, attachments gone;
- `InertExecute` (`CappedExecute` keeps every kind of output), nbgrader's Execute: each output
  capped as it arrives, per output, cell and notebook, and only text/plain, PNG and JPEG kept; a
  cell's first error is never dropped (nbgrader grades by it), only shortened.

`BROKEN_CONNECTION` begins the reason of a notebook whose code broke the kernel's connection.
docs/architecture.md ("What the libraries lack") says what nbgrader's and nbclient's versions miss.
"""

from __future__ import annotations

import json

from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_core.utils import ensure_async, run_sync
from nbformat.v4 import new_output
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
    """Escape student markdown and neutralise raw cells and attachments, in place. Markdown cells
    whose source is exactly a markdown cell of `release` are the course's, and left to render."""
    course_md = {c.source for c in (release.cells if release is not None else []) if c.cell_type == "markdown"}
    for cell in nb.cells:
        cell.pop("attachments", None)
        if cell.cell_type == "markdown" and cell.source not in course_md:
            cell.source = escape_markdown(cell.source)
        elif cell.cell_type == "raw":
            for key in ("raw_mimetype", "format"):
                cell.metadata.pop(key, None)
    return nb


def _cut(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    return text[:limit] + f"\n[... {len(text) - limit} more characters cut by the grader]\n"


def _shrink(kind: str, content: dict, limit: int, mimes) -> int:
    """Cap an output message's content in place (only `mimes` kept, when given); return its size."""
    if kind == "stream":
        content["text"] = _cut(str(content.get("text", "")), limit)
        return len(content["text"])
    if kind == "error":
        content["evalue"] = _cut(str(content.get("evalue", "")), limit)
        content["traceback"] = [_cut(str(t), limit) for t in (content.get("traceback") or [])[:50]]
        return len(content["evalue"]) + sum(map(len, content["traceback"]))
    kept = {}
    for mime, value in (content.get("data") or {}).items():
        if (mimes is None or mime in mimes) and isinstance(value, str):  # not JSON payloads (widget views)
            if not mime.startswith("image/"):
                kept[mime] = _cut(value, limit)
            elif len(value) <= limit:  # a cut image is no image
                kept[mime] = value
    content["data"] = kept or {"text/plain": "[an output the grader does not keep]"}
    content["metadata"] = {}  # no file name, link or size of the student's choosing
    return sum(map(len, content["data"].values()))


class NoHeartbeatClient(AsyncKernelClient):
    """A kernel client without the heartbeat's thread, which waits for ever on a dead kernel (nbclient
    asks the kernel manager whether the kernel lives)."""

    def start_channels(self, shell=True, iopub=True, stdin=True, hb=True, control=True):
        super().start_channels(shell=shell, iopub=iopub, stdin=stdin, hb=False, control=control)


class CappedExecute(Execute):
    """nbgrader's Execute (and its settings), with every output capped as it arrives from the kernel:
    messages past a cell's or the notebook's budget are left out, with one note per cell."""

    mimes = None  # InertExecute narrows this

    async def _async_handle_timeout(self, timeout, cell=None):
        """A cell past its limit: nbclient interrupts the kernel. One that ignores the interrupt fails
        after INTERRUPT_GRACE, not iopub_timeout; an interrupt that cannot be sent in that time fails
        the notebook as BROKEN_CONNECTION."""
        from queue import Empty

        import zmq
        from nbclient.exceptions import CellTimeoutError

        # the interrupt is a message on the control connection, which junk written into the
        # kernel's descriptors breaks: a send with no one to take it would wait for ever
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
        # jupyter_client's "immediate" shutdown interrupts first, over a control connection that
        # waits for ever once the student's code broke it: the kernel is killed instead
        if self.km is not None and self.km.has_kernel:
            await ensure_async(self.km._kill_kernel())
        await super()._async_cleanup_kernel()

    _cleanup_kernel = run_sync(_async_cleanup_kernel)  # nbclient's names its own method

    @default("shutdown_kernel")
    def _kill_when_done(self):
        # the last cells waited for the re-check process, and the sandbox's group is emptied after
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
            self._comms += 1
            self._comm_bytes += len(json.dumps(content, default=str))
            if self._comms > MAX_COMMS or self._comm_bytes > MAX_COMM_BYTES:
                return None
        if kind in ("stream", "display_data", "execute_result", "update_display_data", "error"):
            # every output costs its text and its structure, so many small ones count too
            size = _shrink(kind, content, MAX_OUTPUT, self.mimes) + OUTPUT_COST
            used, count = self._cell_used.get(cell_index, 0), self._cell_count.get(cell_index, 0)
            over = (
                used + size > MAX_CELL
                or self._total + size > MAX_NOTEBOOK
                or count >= MAX_OUTPUTS_CELL
                or self._count >= MAX_OUTPUTS
            )
            if over:
                # an error is what nbgrader grades by: the cell's first is kept (short) whatever the budget
                if kind != "error" or any(o.get("output_type") == "error" for o in cell.outputs):
                    self._note_cut(cell, cell_index)
                    return None
                size = _shrink(kind, content, 1024, self.mimes) + OUTPUT_COST
            self._cell_used[cell_index] = used + size
            self._cell_count[cell_index] = count + 1
            self._total += size
            self._count += 1
        return super().process_message(msg, cell, cell_index)

    def _note_cut(self, cell, cell_index: int) -> None:
        if cell_index not in self._noted:
            self._noted.add(cell_index)
            text = (
                f"[output cut by the grader: this cell printed more than {MAX_CELL // 1024**2} MB or "
                f"{MAX_OUTPUTS_CELL} outputs, or the notebook more than {MAX_NOTEBOOK // 1024**2} MB or "
                f"{MAX_OUTPUTS} outputs]\n"
            )
            cell.outputs.append(new_output("stream", name="stdout", text=text))


class InertExecute(CappedExecute):
    """CappedExecute that keeps only text/plain, PNG and JPEG outputs."""

    mimes = SAFE_MIMES
