"""nbgrader settings for the course. The course root is the folder of this file.

Instructors run nbgrader through the Makefile (make assignments, make autograde, make feedback),
which adds the sandbox and the safety checks of the instructor package (autograder/) around these settings.
"""

import importlib.util
import os

c = get_config()  # noqa: F821 (provided by nbgrader when it loads this file)

c.CourseDirectory.course_id = "rnn-deep-dive"
c.CourseDirectory.root = os.path.dirname(os.path.abspath(__file__))
c.CourseDirectory.ignore = [
    ".ipynb_checkpoints",
    "*.pyc",
    "__pycache__",
    "*.py[co]",
    # what a problem set's folder holds for the instructor alone, never
    # released (autograder/course/problemsets.py, INSTRUCTOR_ONLY)
    "catalogue.toml",
    "exercises.toml",
    "recheck.py",
    "mutants",
    "alternatives",
    "copies",
    "attacks",
    "heldout",
]
# The gradebook: gradebook.db in this folder (SQLite, one machine), or the PostgreSQL server that
# the workers of a Dask cluster share (make autograde CLUSTER=..., docs/grading.md), named in the
# environment so that no password is written into the repository.
if os.environ.get("RNNLAB_GRADEBOOK_URL"):
    c.CourseDirectory.db_url = os.environ["RNNLAB_GRADEBOOK_URL"]

c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"

# Every path to a grade is the pipeline's (autograder/grading/nbgrader_guard.py; docs/grading.md, "Every path to a
# grade"). Stock nbgrader runs a student's code with the rights of whoever asks: the formgrader's
# Autograde button, `nbgrader autograde`, nbgrader's Python API. Its Autograde builds this exporter
# before it touches anything, and it refuses outside the pipeline's grading worker (a grant in that
# process's memory, which no setting can give); without the course's package it cannot be built,
# and autograde fails closed. Feedback written outside the pipeline and `make feedback` (the
# formgrader's buttons, `nbgrader generate_feedback`) is checked page by page as they check it:
# withheld feedback stays withheld.
c.Autograde.exporter_class = "autograder.grading.nbgrader_guard.PipelineOnlyExporter"
c.GenerateFeedback.exporter_class = "autograder.grading.nbgrader_guard.ScannedFeedbackExporter"
if importlib.util.find_spec("autograder") is not None:
    # the second line, once a kernel is up and before any cell: no autograde kernel outside the
    # pipeline, and no `validate` of a notebook in submitted/, autograded/ and the like
    def _no_student_code_outside_the_pipeline(course=c.CourseDirectory.root, **kwargs):
        from autograder.grading.nbgrader_guard import refuse_student_code

        refuse_student_code(course, **kwargs)

    c.Execute.on_notebook_start = _no_student_code_outside_the_pipeline

# Grading kernels: a cell that runs longer than this is interrupted and counts as an error.
c.Execute.timeout = 60
# After a cell's reply, nbgrader waits this long for the outputs still on their way, then fails
# the whole notebook (raise_on_iopub_timeout, which stays on: a late error output must never be
# dropped and its test counted as passed). nbclient's 4 s was too short for a cell that displayed
# thousands of small outputs on a loaded machine: grading failed for the student, now and then.
c.Execute.iopub_timeout = 60
# Tracebacks show only the exception and its message, never the lines of hidden tests around it.
c.Execute.extra_arguments = ["--InteractiveShell.xmode=Minimal"]
# The graded notebook keeps no notebook metadata but its kernel's: no widget state (the student's, or
# what their widgets left), whose page would load a widget manager and the modules it names from the
# network. nbconvert's ClearMetadataPreprocessor is in nbgrader's autograde list but off by default.
c.ClearMetadataPreprocessor.enabled = True
c.ClearMetadataPreprocessor.clear_cell_metadata = False
c.ClearMetadataPreprocessor.preserve_nb_metadata_mask = {"kernelspec", "language_info"}
# A warning on stderr (torch prints some) must not zero a correct answer.
c.IgnorePattern.enabled = True
c.IgnorePattern.pattern = r"\w+Warning: "

# Feedback shows test cells without their hidden tests (stock nbgrader shows them). The course's
# version reads only test cells, so marker text in a student's answer cannot break feedback.
# Hidden-test cells show only passed or failed and their points; other outputs plain text, capped,
# without the grading machine's folders (autograder/grading/feedback.py). An answer still to be graded by
# hand says "not graded yet" (stock nbgrader: "Score: 0.0 / 3.0"), and the total how many points
# are not graded yet: GetGradesOrPending marks them, the course's template (which extends
# nbgrader's feedback template) shows them.
c.GenerateFeedback.preprocessors = [
    "autograder.grading.feedback.GetGradesOrPending",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
    "autograder.grading.feedback.PlainFeedback",
    "autograder.grading.feedback.ClearHiddenTestsInTestCells",
    "autograder.grading.feedback.CourseMathAsMathML",
]
# (for the exporter of generate_feedback only: the formgrader's own pages keep their template; the
# instructor package is absent where only students' tools read this file)
_instructor = importlib.util.find_spec("autograder")
if _instructor is not None:
    c.GenerateFeedback.HTMLExporter.template_file = os.path.join(
        os.path.dirname(_instructor.origin), "grading", "templates", "feedback.html.j2"
    )
    # the template renders comments, which quote a student's code, with every tag escaped
    c.GenerateFeedback.HTMLExporter.filters = {
        "untrusted_markdown": "autograder.course.student_text.markdown_html",
        "without_mathjax": "autograder.grading.feedback.without_mathjax",
    }

# `nbgrader export` (make export) writes the final scores as every other output derives them (the
# late penalty on the score as it is now, hand grades included: autograder/gradebook/scores.py), not the
# penalty nbgrader stored when it graded, and cells no spreadsheet runs.
if _instructor is not None:
    c.ExportApp.plugin_class = "autograder.term.export.FinalExport"

# nbgrader collect (on a JupyterHub with the exchange) refuses a submission folder that is not
# owned by the student it names; stock nbgrader only warns (autograder/deploying/exchange.py, docs/hub.md).
c.ExchangeFactory.collect = "autograder.deploying.exchange.OwnerCheckedCollect"
