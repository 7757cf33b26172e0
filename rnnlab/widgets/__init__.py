"""Interactive widgets of the course (ipywidgets 8, and Colab's 7.7.1; matplotlib), fed by real
weights. Core ipywidgets only: Colab draws no others without a widget manager from a CDN."""

from .attention_map import AttentionMap
from .beam_explorer import BeamExplorer
from .gate_explorer import GateExplorer
from .gradient_flow import GradientFlow
from .language import CellViewer, NextCharExplorer
from .lstm_shapes import LSTMShapes
from .quiz import Flashcards, Quiz, Review
from .rnn_unroll import RNNUnroll
from .scan_tree import ScanTree
from .sequence_gates import SequenceGates
from .threshold import ThresholdExplorer

__all__ = [
    "RNNUnroll",
    "GateExplorer",
    "SequenceGates",
    "LSTMShapes",
    "GradientFlow",
    "ThresholdExplorer",
    "NextCharExplorer",
    "CellViewer",
    "AttentionMap",
    "BeamExplorer",
    "ScanTree",
    "Quiz",
    "Flashcards",
    "Review",
]
