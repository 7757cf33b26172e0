"""Interactive widgets of the course (ipywidgets 8 + matplotlib), fed by real weights."""
from .gate_explorer import GateExplorer
from .gradient_flow import GradientFlow
from .quiz import Flashcards, Quiz
from .rnn_unroll import RNNUnroll
from .sequence_gates import SequenceGates

__all__ = ["GateExplorer", "SequenceGates", "RNNUnroll", "GradientFlow", "Quiz", "Flashcards"]
