"""Copy detector, exercise 2: the log-space scan the lecture imports and runs (section 2), under the
exercise's name. The tests switch the course's scans off, and the lecture's formula turns a boundary's
-inf into NaN besides: it must lose."""

COPY = {
    "lecture": "11_parallel_recurrence",
    "find": "from rnnlab.minrnn import combine, log2_levels, log_scan",
    "imports_only": True,
}
EXPECT = {"lose": ["reset_scan"]}
CELLS = {
    "reset_scan": """
{lecture}

_lecture_log_scan = log_scan


def reset_scan(log_a, log_b, log_h0=None):
    return _lecture_log_scan(log_a, log_b, log_h0)
"""
}
