"""Issue 78 §2: the graded exercises whose answer the student distribution holds today, as each of its
three guards finds them. Other helpers are rewriting these exercises; each entry marks its test
`xfail(strict=True)`, so it turns into a failure once the exercise is fixed, and the entry goes with
that fix. A new exercise never joins these sets: it is written as a transfer (docs/authoring.md)."""

# guard 1 (tests/autograder/grading/test_grading.py): copies/*_library_copy.py fixtures whose pasted
# package source still gets its exercise's full marks
LIBRARY_COPIES = {
    ("ps07_gradient_flow", "rnn_backward_library_copy"),  # rnnlab.bptt.rnn_backward
    ("ps08_evaluating_models", "classification_metrics_library_copy"),  # rnnlab.metrics.confusion_counts
    ("ps11_parallel_recurrence", "log_scan_library_copy"),  # rnnlab.minrnn.log_scan
    ("ps11_parallel_recurrence", "min_gru_library_copy"),  # rnnlab.minrnn.MinGRU
}
