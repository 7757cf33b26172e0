"""The lectures, the start page and the widget state they save."""

from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


LECTURES = sorted(p for p in (REPO / "notebooks").glob("[0-9][0-9]_*.ipynb") if not p.name.startswith("00"))


START = REPO / "notebooks" / "00_start_here.ipynb"


WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
