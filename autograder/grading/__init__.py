"""Grading a class: one run of one problem set over a folder or an LMS zip of submissions, each in a
sandboxed kernel, in parallel or on a Dask cluster. grading.run lists its steps in order; the
grading worker, the sandbox, the re-check and the guard on nbgrader's own paths to a grade
(nbgrader_guard) are here too."""
