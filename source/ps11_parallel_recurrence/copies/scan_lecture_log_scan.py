"""Copy detector, exercise 1: the log-space scan the lecture imports and runs (section 2, the cell
that brings in rnnlab.minrnn's scans), under the exercise's name. The lecture shows its formula and
calls it; the exercise asks for the scan to be written, and its tests switch the course's scans
off: it must lose."""

COPY = {
    "lecture": "11_parallel_recurrence",
    "find": "from rnnlab.minrnn import combine, log2_levels, log_scan",
    "imports_only": True,
}
EXPECT = {"lose": ["log_scan"]}
CELLS = {
    "log_scan": """
{lecture}

_lecture_log_scan = log_scan


def log_scan(log_a, log_b, log_h0=None):
    return _lecture_log_scan(log_a, log_b, log_h0)
"""
}
