"""Copy detector, exercise 1: the lecture's combine (section 2, the cell that imports the course's scans),
under the exercise's name. It joins stretches in linear space, (A2 A1, A2 B1 + B2); given logarithms it
multiplies and adds them as if they were A and B: it must lose."""

COPY = {
    "lecture": "11_parallel_recurrence",
    "find": "from rnnlab.minrnn import combine, log2_levels, log_scan",
    "imports_only": True,
}
EXPECT = {"lose": ["log_join"]}
CELLS = {
    "log_join": """
{lecture}


def log_join(earlier, later):
    return combine(earlier, later)
"""
}
