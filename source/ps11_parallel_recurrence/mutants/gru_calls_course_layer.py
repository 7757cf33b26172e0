"""Exercise 2 answered with the course's own layer (rnnlab.minrnn.MinGRU, which the lecture uses) run on
the student's weights: right values, but the exercise asks for the layer to be written, and the
tests fail a layer that calls the course's minGRU code."""

EXPECT = {"lose": ["min_gru"]}
CELLS = {
    "min_gru": """
from rnnlab.minrnn import MinGRU as _CourseMinGRU

class MinGRU(_CourseMinGRU):
    def forward(self, x, h0=None):
        return super().forward(x, h0)
"""
}
