"""Interactive widgets of the course (ipywidgets 8 + matplotlib), fed by real weights."""
from .gate_explorer import GateExplorer
from .gradient_flow import GradientFlow
from .language import CellViewer, NextCharExplorer
from .lstm_shapes import LSTMShapes
from .quiz import Flashcards, Quiz, Review
from .rnn_unroll import RNNUnroll
from .sequence_gates import SequenceGates
from .threshold import ThresholdExplorer

__all__ = ["RNNUnroll", "GateExplorer", "SequenceGates", "LSTMShapes", "GradientFlow",
           "ThresholdExplorer", "NextCharExplorer", "CellViewer", "Quiz", "Flashcards", "Review"]
