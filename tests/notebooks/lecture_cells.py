"""The lectures' code cells and their outputs, as the claims tests read them."""

from __future__ import annotations

import configparser
import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


NOTEBOOKS = REPO / "notebooks"


LECTURES = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))


IGNORE = "nbval-ignore-output"


def code_cells(nb):
    return [(i, c) for i, c in enumerate(nb.cells) if c.cell_type == "code" and c.source.strip()]


def machine_dependent(cell) -> bool:
    return IGNORE in cell.metadata.get("tags", [])


def text_outputs(cell) -> str:
    parts = []
    for out in cell.get("outputs", []):
        if out.output_type == "stream" and out.name == "stdout":
            parts.append(out.text)
        elif out.output_type in ("execute_result", "display_data"):
            data = out.get("data", {})
            if "text/plain" in data and not ({"image/png", "application/vnd.jupyter.widget-view+json"} & set(data)):
                parts.append(data["text/plain"])
    return "".join(parts)


def sanitizers():
    cfg = configparser.ConfigParser()
    cfg.read(NOTEBOOKS / "sanitize.cfg")
    return [(re.compile(cfg[s]["regex"]), cfg[s]["replace"]) for s in cfg.sections()]


def sanitize(text: str) -> str:
    for regex, replace in sanitizers():
        text = regex.sub(replace, text)
    return text
