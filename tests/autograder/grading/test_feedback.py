"""Feedback pages render offline: the course's formulas become MathML (which browsers draw with no
script), and nbgrader's MathJax script from a CDN is dropped; a student's own text is not made
into markup (autograder.grading.feedback.CourseMathAsMathML, without_mathjax)."""

import nbformat
from nbformat.v4 import new_markdown_cell, new_notebook

from autograder.grading.feedback import CourseMathAsMathML, math_as_mathml, without_mathjax

A = "ps99"


def test_formulas_become_mathml_and_code_spans_stay():
    html = math_as_mathml("The step $h_t = \\tanh(x_t W^T)$, and `cost = $5` in code, then $$c = f \\odot c$$.")
    assert html.count("<math ") == 2 and 'display="block"' in html and "<mi>tanh</mi>" in html
    assert "`cost = $5`" in html  # a code span is left alone
    assert math_as_mathml("It costs \\$5 and \\$6.") == "It costs \\$5 and \\$6."  # escaped dollars are text


def test_only_the_course_s_own_cells_are_converted(tmp_path, monkeypatch):
    course_text = "Compute $c_t = f_t \\odot c_{t-1}$ for each step."
    model_answer = "Because $f_t$ is near 1."  # a solution cell: never the student's
    source = new_notebook(
        cells=[
            new_markdown_cell(course_text),
            new_markdown_cell(model_answer, metadata={"nbgrader": {"solution": True}}),
        ]
    )
    (tmp_path / "source" / A).mkdir(parents=True)
    nbformat.write(source, tmp_path / "source" / A / f"{A}.ipynb")
    student = "My answer: $\\alpha$ <b>bold</b>"
    graded = new_notebook(
        cells=[new_markdown_cell(course_text), new_markdown_cell(student), new_markdown_cell(model_answer)]
    )
    monkeypatch.chdir(tmp_path)
    done, _ = CourseMathAsMathML().preprocess(graded, {"nbgrader": {"assignment": A, "notebook": A}})
    assert "<math " in done.cells[0].source
    assert done.cells[1].source == student and done.cells[2].source == model_answer


def test_the_page_loads_no_script_of_mathjax():
    head = (
        '<!-- Loading mathjax macro -->\n<script src="https://cdnjs.cloudflare.com/ajax/libs/mathjax/2.7.7/'
        'latest.js?config=TeX-AMS_CHTML-full,Safe"> </script>\n<script type="text/x-mathjax-config">\n'
        "init_mathjax = function() {};\n</script>\n<style>p {}</style>"
    )
    assert without_mathjax(head).strip() == "<style>p {}</style>"
