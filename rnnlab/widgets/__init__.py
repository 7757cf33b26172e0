"""Interactive widgets of the course (ipywidgets 8 + matplotlib), fed by real weights."""
from .gate_explorer import GateExplorer
from .lstm_shapes import LSTMShapes
from .quiz import Flashcards, Quiz
from .sequence_gates import SequenceGates
from .threshold import ThresholdExplorer

__all__ = ["GateExplorer", "SequenceGates", "LSTMShapes", "ThresholdExplorer", "Quiz", "Flashcards"]
