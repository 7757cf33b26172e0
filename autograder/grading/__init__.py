"""Grading a class: one run of one problem set over a folder or an LMS zip of submissions, each in a
sandboxed kernel, in parallel or on a Dask cluster. autograder.grading.pipeline lists the stages
in order and the module of each; the grading worker, the sandbox, the re-check and the guards on
nbgrader's own paths to a grade (paths) are here too."""
