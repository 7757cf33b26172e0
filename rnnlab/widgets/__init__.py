"""Interactive widgets of the course (ipywidgets 8 + matplotlib), fed by real weights."""
from .gate_explorer import GateExplorer
from .gradient_flow import GradientFlow
from .quiz import Flashcards, Quiz
from .sequence_gates import SequenceGates

__all__ = ["GateExplorer", "SequenceGates", "GradientFlow", "Quiz", "Flashcards"]
