"""`make questions ASSIGNMENT=ps03` (`write_page`): reports/<set>/questions.html, the problem set's question
statistics (autograder.gradebook.questions, from the gradebook now) as a table under a plot of each item's
share right against its discrimination, in one file that needs nothing else and runs no script."""

from __future__ import annotations

import base64
import html
import io
import json
import time
from pathlib import Path

from ..gradebook.questions import EVERYBODY, NEGATIVE, NOBODY, question_stats
from ..gradebook.report import common_error, one_writer, write_whole
from ..gradebook.scores import existing_gradebook

PAGE = "questions.html"
CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"
COLOURS = {"quiz": "tab:blue", "visible test": "tab:green", "hidden test": "tab:purple", "hand-graded": "tab:orange"}


class NotGraded(Exception):
    """The problem set has no grading run's record in this course."""


def stats_of(course: Path, assignment: str) -> dict:
    """The question statistics of `assignment` now, over the students its grading runs graded."""
    path = Path(course) / "reports" / assignment / "report.json"
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
        rows = record.get("students", []) + record.get("earlier_students", [])
    except (OSError, ValueError, AttributeError, TypeError):
        raise NotGraded(f"{assignment} has not been graded in {course} yet (no {path}): make autograde first") from None
    with existing_gradebook(course) as gb:
        if gb is None:
            raise NotGraded(f"{course} has no gradebook yet: make autograde first")
        return question_stats(course, assignment, rows, gb)


def plotted(items: list[dict]) -> list[dict]:
    """The items the plot shows: those with a share of the class (none while nobody is graded on it)."""
    return [i for i in items if i.get("share_right") is not None]


def draw(items: list[dict], title: str):
    """The plot on the Agg canvas: share right (x) against discrimination (y), one labelled point per item;
    filled where there is a discrimination, open on the zero line where there is none."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(8, 5.5), dpi=100, layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.subplots()
    ax.axhspan(-1.05, 0, color="tab:red", alpha=0.07, lw=0)
    ax.axhline(0, color="0.6", lw=0.8)
    shown = plotted(items)
    for kind, colour in COLOURS.items():
        mine = [i for i in shown if i["kind"] == kind]
        with_r = [i for i in mine if i.get("discrimination") is not None]
        without = [i for i in mine if i.get("discrimination") is None]
        if with_r:
            x, y = [i["share_right"] for i in with_r], [i["discrimination"] for i in with_r]
            ax.scatter(x, y, s=45, color=colour, label=kind, zorder=3)
        if without:
            x, label = [i["share_right"] for i in without], f"{kind}, no discrimination"
            ax.scatter(x, [0.0] * len(x), s=45, facecolors="none", edgecolors=colour, label=label, zorder=3)
    taken: dict[tuple, int] = {}  # items at one spot: their labels stacked, not overprinted
    for i in shown:
        y = i["discrimination"] if i.get("discrimination") is not None else 0.0
        spot = (round(i["share_right"], 2), round(y, 2))
        below = taken[spot] = taken.get(spot, -1) + 1
        name = i["name"].replace("$", r"\$")
        ax.annotate(name, (i["share_right"], y), xytext=(4, 4 - 10 * below), textcoords="offset points", fontsize=8)
    ax.set(xlim=(-0.05, 1.1), ylim=(-1.05, 1.05), title=title.replace("$", r"\$"))
    ax.set(xlabel="share of the class with full points", ylabel="discrimination (point-biserial r)")
    ax.xaxis.set_major_formatter("{x:.0%}")
    if shown:
        ax.legend(loc="lower left", fontsize=8)
    return fig


def png(fig) -> bytes:
    out = io.BytesIO()
    fig.savefig(out, format="png")
    return out.getvalue()


def _e(value) -> str:
    return html.escape(str(value), quote=True)


def _share(value) -> str:
    return "&ndash;" if value is None else f"{100 * value:.0f}%"


def page(assignment: str, stats: dict, image: bytes) -> str:
    """The HTML page: the plot, then a table with every item's figures."""
    items = [i for i in stats.get("items", []) if isinstance(i, dict)]
    rows = []
    for i in items:
        r = (
            "&ndash;" + (f" ({_e(i['no_discrimination'])})" if i.get("no_discrimination") else "")
            if i.get("discrimination") is None
            else f"{i['discrimination']:+.2f}"
        )
        counted = f"{i['students']}" + (f" ({i['pending']} to grade)" if i.get("pending") else "")
        flags = ", ".join(f'<strong class="flag">{_e(f)}</strong>' for f in i.get("flags", [])) or "&ndash;"
        rows.append(
            f"<tr><td>{_e(i['name'])}</td><td>{_e(i['kind'])}</td><td>{i['points']:g}</td>"
            f"<td>{counted}</td><td>{_share(i.get('share_right'))}</td><td>{_share(i.get('mean_share'))}"
            f"</td><td>{r}</td><td>{_e(common_error(i)) or '&ndash;'}</td><td>{flags}</td></tr>"
        )
    left_out = [i["name"] for i in items if i.get("share_right") is None]
    notes = f"<p>Not plotted (nobody graded on it yet): {_e(', '.join(left_out))}.</p>" if left_out else ""
    if unreadable := stats.get("unreadable"):
        why = "no <code>quiz</code> cell, or no dict written out in it"
        notes += f"<p>Quiz answers that could not be read ({why}): {_e(', '.join(unreadable))}.</p>"
    title = f"Question statistics: {assignment}"
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{CSP}">
<title>{_e(title)}</title>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 72rem; margin: 2rem auto; padding: 0 1rem; }}
table {{ border-collapse: collapse; }} td, th {{ border: 1px solid #ccc; padding: 0.2rem 0.5rem; text-align: left; }}
.flag {{ color: #a00; }} img {{ max-width: 100%; }}
</style></head><body>
<h1>{_e(title)}</h1>
<p>From the gradebook at {_e(time.strftime("%Y-%m-%d %H:%M"))}, over {stats.get("students", 0)} graded student(s);
an answer still to be graded by hand is left out of its item. <em>Right</em>: the share with full points;
<em>mean</em>: the mean share of the points; <em>discrimination</em>: the point-biserial correlation between
getting the item and the rest of the score (the total less that item), from &minus;1 to 1, none with fewer
than {_e(stats.get("min_students", "?"))} students or without variance. Flags: {_e(NOBODY)}, {_e(EVERYBODY)},
{_e(NEGATIVE)}; docs/instructor.md, <em>Question statistics</em>, says when one deserves a look.</p>
<figure><img alt="share of the class with full points against discrimination, one point per item"
src="data:image/png;base64,{base64.b64encode(image).decode("ascii")}">
<figcaption>Filled: items with a discrimination; open, on the zero line: items without one (see the table).
The shaded half is negative discrimination.</figcaption></figure>
{notes}
<table><thead><tr><th>item</th><th>kind</th><th>points</th><th>students</th><th>right</th><th>mean</th>
<th>discrimination</th><th>most common wrong answer or mistake</th><th>flags</th></tr></thead>
<tbody>
{chr(10).join(rows)}
</tbody></table>
</body></html>
"""


def write_page(course: Path, assignment: str) -> tuple[Path, dict]:
    """reports/<assignment>/questions.html from the gradebook now; (its path, the statistics)."""
    course = Path(course)
    stats = stats_of(course, assignment)
    image = png(draw(plotted(stats["items"]), f"{assignment}: {stats['students']} graded student(s)"))
    out = course / "reports" / assignment
    with one_writer(out):
        write_whole(out / PAGE, page(assignment, stats, image))
    return out / PAGE, stats
