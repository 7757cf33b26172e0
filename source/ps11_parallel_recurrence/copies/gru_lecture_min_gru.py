"""Copy detector, exercise 2: the minGRU layer the lecture imports and runs (section 1, the cell
that brings in rnnlab.minrnn's MinGRU and g), under the exercise's name and signature. The lecture
uses the course's layer; the exercise asks for the layer to be written, and its tests switch the
course's minGRU code off: it must lose."""

COPY = {
    "lecture": "11_parallel_recurrence",
    "find": "from rnnlab.minrnn import MinGRU, MinLSTM, count_parameters, g",
    "imports_only": True,
}
EXPECT = {"lose": ["min_gru"]}
CELLS = {
    "min_gru": """
{lecture}

_LectureMinGRU = MinGRU


class MinGRU(_LectureMinGRU):
    def forward(self, x, h0=None):
        return super().forward(x, h0)
"""
}
