"""HTML and JavaScript meant for the instructor's browser: an explain answer with `<img onerror>`,
`<script>`, `<svg onload>`, a `javascript:` link and a remote markdown image, and outputs of type
text/html, application/javascript and image/svg+xml, all running one payload that marks the page
and writes a file into the course folder through the contents API. Student markdown is escaped,
only plain outputs are kept, and the student's own outputs and widget state are dropped: the
graded notebook, the formgrader and the feedback are inert (tests/autograder/grading/test_formgrader.py).

The answer cell of exercise 1 also starts a thread, which the re-check does not allow: its points
are held back, and the grader's comment quotes the cell's first line, HTML that tries to break out
of the quote's backticks. A cell's own error and the student's own outputs say HTML too
(tests/autograder/course/test_student_text.py opens the feedback, the formgrader, the hand-grading page and
report.md)."""

PAYLOAD = (
    "window.__rnnlab_pwned = (window.__rnnlab_pwned || 0) + 1;"
    "fetch('/api/contents/PWNED-formgrader.txt', {method: 'PUT', headers: {'Content-Type': "
    "'application/json', 'X-XSRFToken': (document.cookie.match(/_xsrf=([^;]+)/) || [])[1] || ''}, "
    "body: JSON.stringify({type: 'file', format: 'text', content: 'pwned'})});"
)
IMG = f'<img src="nope.png" onerror="{PAYLOAD}">'
SCRIPT = f"<script>{PAYLOAD}</script>"
SVG_DOC = f'<svg xmlns="http://www.w3.org/2000/svg"><script>{PAYLOAD}</script></svg>'
# the first line the grader's comment quotes: at most 50 characters are quoted
FIRST_LINE = "#`<img src=x onerror=document.title='pwned'>`"
RAISED = "<img src=x onerror=document.title='pwned'> [a](javascript:alert(1))"
EXPECT = {
    "lose": ["lstm_step_backward"],
    "flag": "could not be run again",
    "output_lacks": ["text/html", "application/javascript", "image/svg+xml"],
}
CELLS = {
    "explain_forget": (
        f"The forget gate decides what to keep.\n\n{IMG}\n\n{SCRIPT}\n\n"
        f'<svg onload="{PAYLOAD}"></svg> [more](javascript:alert(1)) '
        "![pixel](http://127.0.0.1:9/pixel.png)\n"
    ),
}
EDITS = {
    "lstm_step_backward": [
        (
            "def lstm_step_backward(",
            f"""{FIRST_LINE}
import threading
_helper = threading.Thread(target=len, args=((),))
_helper.start()
_helper.join()
from IPython.display import HTML, Javascript, SVG, display
display(HTML({IMG!r}))
display(Javascript({PAYLOAD!r}))
display(SVG({SVG_DOC!r}))

def lstm_step_backward(""",
        )
    ]
}


def mutate(nb):
    """What the student's own run showed (the feedback shows it, as text) says HTML, with widget state
    saved beside it, and a cell at the end raises an error whose message is HTML (the graded notebook
    keeps it for the formgrader)."""
    from nbformat.v4 import new_code_cell, new_output

    step = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "lstm_step_backward")
    step.outputs = [
        new_output("stream", name="stdout", text=f"{IMG}\n{FIRST_LINE}\n"),
        new_output("error", ename="ValueError", evalue=RAISED, traceback=[f"ValueError: {RAISED}"]),
        new_output(
            "display_data",
            data={
                "text/plain": "<IPython.core.display.HTML object>",
                "text/html": IMG,
                "application/javascript": PAYLOAD,
            },
        ),
    ]
    # widget state: a page of the notebook would load a widget manager, and the modules it names
    nb.metadata["widgets"] = {
        "application/vnd.jupyter.widget-state+json": {"state": {}, "version_major": 2, "version_minor": 0}
    }
    raising = new_code_cell(f"raise ValueError({RAISED!r})")
    raising.id = "hostile-html-raises"  # the same in every build: two gradings compare equal
    nb.cells.append(raising)
