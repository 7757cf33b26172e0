"""Every lecture links the start page and its neighbours at the top and the bottom, links the
first mention of each PyTorch API it teaches to its documentation, and links the papers it
cites; every relative link resolves."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import nbformat
import pytest

REPO = Path(__file__).resolve().parents[2]
NOTEBOOKS = REPO / "notebooks"
LECTURES = sorted(p for p in NOTEBOOKS.glob("[0-9][0-9]_*.ipynb") if not p.name.startswith("00"))
START = "00_start_here.ipynb"

DOCS = "https://docs.pytorch.org/docs/stable/"
API = {  # the name as a lecture writes it -> its page in PyTorch's documentation
    "nn.RNN": DOCS + "generated/torch.nn.RNN.html",
    "nn.LSTM": DOCS + "generated/torch.nn.LSTM.html",
    "nn.GRU": DOCS + "generated/torch.nn.GRU.html",
    "nn.RNNCell": DOCS + "generated/torch.nn.RNNCell.html",
    "nn.LSTMCell": DOCS + "generated/torch.nn.LSTMCell.html",
    "nn.Linear": DOCS + "generated/torch.nn.Linear.html",
    "nn.Embedding": DOCS + "generated/torch.nn.Embedding.html",
    "nn.Dropout": DOCS + "generated/torch.nn.Dropout.html",
    "nn.Parameter": DOCS + "generated/torch.nn.parameter.Parameter.html",
    "nn.MultiheadAttention": DOCS + "generated/torch.nn.MultiheadAttention.html",
    "pad_sequence": DOCS + "generated/torch.nn.utils.rnn.pad_sequence.html",
    "pack_padded_sequence": DOCS + "generated/torch.nn.utils.rnn.pack_padded_sequence.html",
    "pad_packed_sequence": DOCS + "generated/torch.nn.utils.rnn.pad_packed_sequence.html",
    "pack_sequence": DOCS + "generated/torch.nn.utils.rnn.pack_sequence.html",
    "PackedSequence": DOCS + "generated/torch.nn.utils.rnn.PackedSequence.html",
    "DataLoader": DOCS + "data.html#torch.utils.data.DataLoader",
    "cross_entropy": DOCS + "generated/torch.nn.functional.cross_entropy.html",
    "clip_grad_norm_": DOCS + "generated/torch.nn.utils.clip_grad_norm_.html",
    "torch.nn.utils.clip_grad_norm_": DOCS + "generated/torch.nn.utils.clip_grad_norm_.html",
    "clip_grad_value_": DOCS + "generated/torch.nn.utils.clip_grad_value_.html",
    "torch.nn.utils.clip_grad_value_": DOCS + "generated/torch.nn.utils.clip_grad_value_.html",
    "torch.load": DOCS + "generated/torch.load.html",
    "torch.set_flush_denormal": DOCS + "generated/torch.set_flush_denormal.html",
    "torch.autograd.gradcheck": DOCS + "generated/torch.autograd.gradcheck.gradcheck.html",
    "torch.autograd.Function": DOCS + "autograd.html#torch.autograd.Function",
    "torch.cumsum": DOCS + "generated/torch.cumsum.html",
    "torch.cumprod": DOCS + "generated/torch.cumprod.html",
    "torch.logcumsumexp": DOCS + "generated/torch.logcumsumexp.html",
    "torch.utils.benchmark.Timer": DOCS + "benchmark_utils.html#torch.utils.benchmark.Timer",
}
PAPERS = {  # how a lecture cites it -> where to read it
    "Hochreiter and Schmidhuber (1997)": "https://doi.org/10.1162/neco.1997.9.8.1735",
    "Karpathy, Johnson and Fei-Fei (2015)": "https://arxiv.org/abs/1506.02078",
    "Arjovsky, Shah and Bengio (2016)": "https://arxiv.org/abs/1511.06464",
    "Sutskever, Vinyals and Le (2014)": "https://arxiv.org/abs/1409.3215",
    "Cho et al. (2014)": "https://arxiv.org/abs/1406.1078",
    "Bahdanau, Cho and Bengio (2015)": "https://arxiv.org/abs/1409.0473",
    "Luong, Pham and Manning (2015)": "https://arxiv.org/abs/1508.04025",
    "Vaswani et al. (2017)": "https://arxiv.org/abs/1706.03762",
    "Press and Wolf 2017": "https://arxiv.org/abs/1608.05859",
    "Inan et al. 2017": "https://arxiv.org/abs/1611.01462",
    "Cho et al. 2014": "https://arxiv.org/abs/1406.1078",
    "He et al. (2021)": "https://arxiv.org/abs/1905.10617",
    "Feng, Tung, Ahmed, Bengio and Hajimirsadeghi (2024)": "https://arxiv.org/abs/2410.01201",
    "Heinsen (2023)": "https://arxiv.org/abs/2311.06281",
    "Blelloch (1990)": "https://www.cs.cmu.edu/afs/cs.cmu.edu/project/scandal/public/papers/CMU-CS-90-190.html",
    "Hillis and Steele (1986)": "https://doi.org/10.1145/7902.7903",
}

_FENCE = re.compile(r"```.*?```", re.S)
_LINK = re.compile(r"\[([^\]]*)\]\(([^)\s]+)\)")


def markdown(nb) -> list[tuple[int, str]]:
    return [(i, c.source) for i, c in enumerate(nb.cells) if c.cell_type == "markdown"]


def first_mention(nb, name: str) -> tuple[int, str, str | None] | None:
    """(cell, the code span, the URL it links to or None) of the first mention of `name` in
    backticks outside headings and code blocks; None if the lecture never mentions it."""
    span = re.compile(r"(\[)?`(" + re.escape(name) + r"(?![\w.])[^`]*)`(?(1)\]\(([^)\s]+)\))")
    for i, text in markdown(nb):
        for line in _FENCE.sub("", text).splitlines():
            if line.lstrip().startswith("#"):
                continue
            m = span.search(line)
            if m:
                return i, m.group(2), m.group(3)
    return None


def nav_links(text: str) -> list[str]:
    return [target for _, target in _LINK.findall(text) if target.endswith(".ipynb")]


def expected_nav(path: Path) -> list[str]:
    k = LECTURES.index(path)
    links = [START]
    if k > 0:
        links.append(LECTURES[k - 1].name)
    links.append(LECTURES[k + 1].name if k + 1 < len(LECTURES) else "cheatsheet.ipynb")
    return links


@pytest.mark.parametrize("path", LECTURES, ids=[p.stem for p in LECTURES])
def test_navigation_at_the_top_and_the_bottom(path):
    nb = nbformat.read(path, 4)
    expected = expected_nav(path)
    first, last = nb.cells[0].source.splitlines()[0], nb.cells[-1].source
    assert nav_links(first) == expected, f"{path.name}: the first line should link {expected}"
    assert nb.cells[-1].cell_type == "markdown" and nav_links(last) == expected, (
        f"{path.name}: the last cell should link {expected}"
    )


def test_the_cheat_sheet_has_navigation_at_the_top_and_the_bottom():
    """The cheat sheet follows the last lecture: it links the start page and that lecture."""
    nb = nbformat.read(NOTEBOOKS / "cheatsheet.ipynb", 4)
    expected = [START, LECTURES[-1].name]
    assert nav_links(nb.cells[0].source.splitlines()[0]) == expected, f"the first line should link {expected}"
    assert nb.cells[-1].cell_type == "markdown" and nav_links(nb.cells[-1].source) == expected, (
        f"the last cell should link {expected}"
    )


# ------------------------------------------------------------------------ one name per chapter
# A chapter's name is its lecture's title, the first heading "# NN Name" (SYLLABUS.md's names).
# The start page, the README, every navigation link, the quiz and the problem set say exactly that.
QUIZZES = REPO / "rnnlab" / "data"
SOURCE = REPO / "source"


def lecture_title(path: Path) -> str:
    """'NN Name' from the first heading of the lecture's first cell."""
    for line in nbformat.read(path, 4).cells[0].source.splitlines():
        if line.startswith("# "):
            return line[2:].strip()
    raise AssertionError(f"{path.name}: its first cell has no '# NN Name' heading")


def _table_names(text: str, pattern: str) -> dict[str, str]:
    """{file name: first column} of the markdown table rows whose second column matches `pattern`,
    a regex with one group, the lecture's file name."""
    names = {}
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) > 1:
            m = re.fullmatch(pattern, cells[1])
            if m:
                names[m.group(1)] = cells[0]
    return names


def chapter_name_problems(
    notebooks: Path = NOTEBOOKS, readme: Path = REPO / "README.md", quizzes: Path = QUIZZES, source: Path = SOURCE
) -> list[str]:
    lectures = sorted(p for p in notebooks.glob("[0-9][0-9]_*.ipynb") if not p.name.startswith("00"))
    titles = {p.name: lecture_title(p) for p in lectures}
    problems = []
    for path in lectures + [notebooks / "cheatsheet.ipynb"]:
        nb = nbformat.read(path, 4)
        for where, text in (("first line", nb.cells[0].source.splitlines()[0]), ("last cell", nb.cells[-1].source)):
            for label, target in _LINK.findall(text):
                name = label.strip("←→ ")
                if target in titles and name != titles[target]:
                    problems.append(f"{path.name}, {where}: [{label}]({target}) should name {titles[target]!r}")
    start = "\n".join(text for _, text in markdown(nbformat.read(notebooks / START, 4)))
    tables = {
        START: _table_names(start, r"\[lecture\]\(([^)]+\.ipynb)\)"),
        "README.md": _table_names(readme.read_text(), r"`notebooks/([^`]+\.ipynb)`"),
    }
    for where, names in tables.items():
        for lecture, title in titles.items():
            if names.get(lecture) != title:
                problems.append(f"{where}: the row of {lecture} names {names.get(lecture)!r}, not {title!r}")
    for lecture, title in titles.items():
        number, name = title.split(" ", 1)
        quiz = quizzes / f"quiz_{number}.json"
        if quiz.exists() and json.loads(quiz.read_text())["title"] != name:
            problems.append(f"{quiz.name}: title {json.loads(quiz.read_text())['title']!r}, not {name!r}")
        for ps in source.glob(f"ps{number}_*/ps{number}_*.ipynb"):
            heading = nbformat.read(ps, 4).cells[0].source.splitlines()[0]
            if heading != f"# Problem set {number} · {name}":
                problems.append(f"{ps.name}: {heading!r}, not '# Problem set {number} · {name}'")
    return problems


def test_every_chapter_has_one_name_everywhere():
    problems = chapter_name_problems()
    assert not problems, "\n".join(problems)


def test_the_name_check_can_fail(tmp_path):
    def lecture(name, title, links):
        nb = nbformat.v4.new_notebook(
            cells=[nbformat.v4.new_markdown_cell(f"{links}\n\n# {title}\n\ntext"), nbformat.v4.new_markdown_cell(links)]
        )
        nbformat.write(nb, tmp_path / name)

    lecture("01_a.ipynb", "01 Sequence data", f"[Start page]({START}) · [02 Padding →](02_b.ipynb)")
    lecture("02_b.ipynb", "02 Padding and packing", f"[Start page]({START}) · [← 01 Sequence data](01_a.ipynb)")
    lecture("cheatsheet.ipynb", "Cheat sheet", f"[Start page]({START}) · [← 02 Padding and packing](02_b.ipynb)")
    nbformat.write(
        nbformat.v4.new_notebook(
            cells=[
                nbformat.v4.new_markdown_cell(
                    "| chapter | lecture |\n|---|---|\n| 01 Sequence data | [lecture](01_a.ipynb) |\n"
                    "| 02 Padding | [lecture](02_b.ipynb) |"
                )
            ]
        ),
        tmp_path / START,
    )
    (tmp_path / "README.md").write_text(
        "| chapter | lecture |\n|---|---|\n| 01 Sequence data | `notebooks/01_a.ipynb` |\n"
    )
    (tmp_path / "quiz_01.json").write_text(json.dumps({"title": "Sequence data"}))
    (tmp_path / "quiz_02.json").write_text(json.dumps({"title": "Padding"}))
    for number, heading in (("01", "Problem set 01 · Sequence data"), ("02", "Problem set 02: padding")):
        (tmp_path / f"ps{number}_x").mkdir()
        nbformat.write(
            nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(f"# {heading}\n\ntext")]),
            tmp_path / f"ps{number}_x" / f"ps{number}_x.ipynb",
        )
    problems = chapter_name_problems(tmp_path, tmp_path / "README.md", tmp_path, tmp_path)
    assert problems == [
        "01_a.ipynb, first line: [02 Padding →](02_b.ipynb) should name '02 Padding and packing'",
        "01_a.ipynb, last cell: [02 Padding →](02_b.ipynb) should name '02 Padding and packing'",
        f"{START}: the row of 02_b.ipynb names '02 Padding', not '02 Padding and packing'",
        "README.md: the row of 02_b.ipynb names None, not '02 Padding and packing'",
        "quiz_02.json: title 'Padding', not 'Padding and packing'",
        "ps02_x.ipynb: '# Problem set 02: padding', not '# Problem set 02 · Padding and packing'",
    ], problems


_HEADING = re.compile(r"^(#{1,6})\s+(.*)")


def empty_sections(nb) -> list[str]:
    """Headings with nothing under them: the next thing after the heading (text or a code cell)
    is a heading of the same or a higher level, or the end of the notebook."""
    items = []  # (cell, heading level or None for content, heading text)
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            items.append((i, None, ""))
            continue
        for line in _FENCE.sub("code", cell.source).splitlines():
            m = _HEADING.match(line)
            if m:
                items.append((i, len(m.group(1)), m.group(2).strip()))
            elif line.strip():
                items.append((i, None, ""))
    empty = []
    for (i, level, text), after in zip(items, items[1:] + [(None, 1, "")]):
        if level is not None and after[1] is not None and after[1] <= level:
            empty.append(f"cell {i}: {text!r}")
    return empty


@pytest.mark.parametrize(
    "path",
    LECTURES + [NOTEBOOKS / START, NOTEBOOKS / "cheatsheet.ipynb"],
    ids=[p.stem for p in LECTURES] + ["start", "cheatsheet"],
)
def test_no_heading_is_left_empty(path):
    empty = empty_sections(nbformat.read(path, 4))
    assert not empty, f"{path.name}: headings with nothing under them: {empty}"


@pytest.mark.parametrize(
    "path",
    LECTURES + [NOTEBOOKS / START, NOTEBOOKS / "cheatsheet.ipynb"],
    ids=[p.stem for p in LECTURES] + ["start", "cheatsheet"],
)
def test_every_relative_link_resolves(path):
    nb = nbformat.read(path, 4)
    for _, text in markdown(nb):
        for _, target in _LINK.findall(text):
            if re.match(r"[a-z]+:", target) or target.startswith("#"):
                continue
            assert (path.parent / target.split("#")[0]).resolve().exists(), f"{path.name}: broken link {target}"


@pytest.mark.parametrize("path", LECTURES, ids=[p.stem for p in LECTURES])
def test_first_mention_of_each_api_links_its_documentation(path):
    nb = nbformat.read(path, 4)
    problems = []
    for name, url in API.items():
        found = first_mention(nb, name)
        if found and found[2] != url:
            problems.append(f"cell {found[0]}: first mention `{found[1]}` should link {url}, links {found[2]}")
    assert not problems, f"{path.name}:\n" + "\n".join(problems)


@pytest.mark.parametrize("path", LECTURES, ids=[p.stem for p in LECTURES])
def test_cited_papers_are_linked(path):
    nb = nbformat.read(path, 4)
    for _, text in markdown(nb):
        for citation, url in PAPERS.items():
            if citation in text:
                assert f"[{citation}]({url})" in text, f"{path.name}: cite {citation} as a link to {url}"


def test_the_checks_can_fail():
    nb = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_markdown_cell(
                "# Title with `nn.LSTM`\n\nFirst `nn.LSTM(10, 20)` plain, then [`nn.LSTM`](x).\n\n"
                "```python\nnn.GRU(1, 2)\n```\nA [`nn.GRU`](" + API["nn.GRU"] + ") link."
            )
        ]
    )
    assert first_mention(nb, "nn.LSTM") == (0, "nn.LSTM(10, 20)", None)
    assert first_mention(nb, "nn.GRU") == (0, "nn.GRU", API["nn.GRU"])
    assert first_mention(nb, "nn.RNN") is None
    assert first_mention(nb, "nn.LSTMCell") is None  # nn.LSTM is not nn.LSTMCell
    assert nav_links("[a](00_start_here.ipynb) · [b](https://x.org/y.ipynb)") == [
        "00_start_here.ipynb",
        "https://x.org/y.ipynb",
    ]
    sections = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_markdown_cell("# Title\n\n## One\n\ntext\n\n## Empty"),
            nbformat.v4.new_markdown_cell("## Two\n\n### Sub"),
            nbformat.v4.new_code_cell("x = 1"),
            nbformat.v4.new_markdown_cell("## Last"),
        ]
    )
    assert empty_sections(sections) == ["cell 0: 'Empty'", "cell 3: 'Last'"]


def test_the_notebooks_links_are_what_the_course_map_and_the_lectures_make():
    """One list of chapters (README.md's course map): `make assignments` writes the start page's
    table and every lecture's links to its neighbours from it and from the lectures on disk, so
    they cannot say different things, and a new chapter names itself nowhere else."""
    from autograder.authoring.navigation import START_PAGE, write_navigation, write_start_page

    assert not write_start_page(check=True), f"{START_PAGE}'s table of chapters is stale: run make assignments"
    assert write_navigation(check=True) == [], "a lecture's links are stale: run make assignments"


def test_a_new_chapter_is_linked_from_its_neighbours_and_the_start_page(tmp_path):
    from autograder.authoring.navigation import navigation_line, write_navigation, write_start_page
    from autograder.course.chapters import spelled

    shutil.copytree(NOTEBOOKS, tmp_path / "notebooks")
    shutil.copytree(REPO / "release", tmp_path / "release")
    last = LECTURES[-1]
    number = int(last.name[:2]) + 1
    new = tmp_path / "notebooks" / f"{number:02d}_next_topic.ipynb"
    nb = nbformat.read(last, 4)
    nb.cells[0].source = f"[Start page](00_start_here.ipynb)\n\n# {number:02d} The next topic"
    nbformat.write(nb, new)
    readme = (REPO / "README.md").read_text()
    row = f"| {number:02d} The next topic | `notebooks/{new.name}` | none | do the next thing |"
    (tmp_path / "README.md").write_text(
        re.sub(r"(\| `notebooks/" + re.escape(last.name) + r"` [^\n]*\n)", r"\1" + row + "\n", readme, count=1)
    )
    assert write_start_page(tmp_path) and write_navigation(tmp_path) == [last.name, new.name, "cheatsheet.ipynb"]
    assert not write_start_page(tmp_path, check=True) and write_navigation(tmp_path, check=True) == []
    start = nbformat.read(tmp_path / "notebooks" / START, 4)
    said = f"{spelled(len(LECTURES) + 1).capitalize()} chapters on "
    assert any(said in c.source for c in start.cells), f"the start page does not say {said!r}"
    assert any(
        f"| {number:02d} The next topic | [lecture]({new.name}) | none | do the next thing |" in c.source
        for c in start.cells
    )
    for name in (last.name, new.name, "cheatsheet.ipynb"):
        nb = nbformat.read(tmp_path / "notebooks" / name, 4)
        line = navigation_line(tmp_path, name)
        assert nb.cells[0].source.splitlines()[0] == line and nb.cells[-1].source == line
    assert "[The next topic" not in line and f"[← {number:02d} The next topic]({new.name})" in line


# what the course's totals may be counted against without being its totals: "<phrase>" in <file>
SUBSET_COUNTS = {("docs/site.md", "two lectures")}  # lectures run two at a time


def read_texts(course: Path) -> dict[str, str]:
    """What students and instructors read: every Markdown file in git (README.md, docs/, the students'
    README), and the markdown of the lectures, the start page, the cheat sheet and the released sets
    (the website's pages)."""
    import subprocess

    names = subprocess.run(
        ["git", "ls-files", "*.md", "notebooks/*.ipynb", "release/*.ipynb"],
        cwd=course,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    texts = {}
    for name in names:
        path = course / name
        if path.suffix == ".ipynb":
            texts[name] = "\n".join(c.source for c in nbformat.read(path, 4).cells if c.cell_type == "markdown")
        else:
            texts[name] = path.read_text()
    return texts


def wrong_counts(texts: dict[str, str], course: Path = REPO) -> list[str]:
    from autograder.course.chapters import count_claims, course_counts

    counts = course_counts(course)
    return [
        f"{name}: {phrase!r}, the course map has {counts[what]} {what}"
        for name, text in texts.items()
        for said, what, phrase in count_claims(text)
        if said != counts[what] and (name, phrase.lower()) not in SUBSET_COUNTS
    ]


def test_counts_of_chapters_lectures_and_problem_sets_are_the_course_maps():
    """A count written in prose ("ten problem sets", "Ten chapters") goes stale when a chapter is
    added: every one must be the course map's, or say a subset (SUBSET_COUNTS)."""
    assert wrong_counts(read_texts(REPO)) == []


def test_the_count_check_can_fail():
    from autograder.course.chapters import count_claims

    assert [
        c[:2] for c in count_claims("Ten chapters, all 10 problem sets, an eleven-lecture course, one chapter")
    ] == [
        (10, "chapters"),
        (10, "problem sets"),
        (11, "lectures"),
    ]
    assert len(wrong_counts({"x.md": "The ten problem sets and the 11 chapters."})) == 1
    assert wrong_counts({"docs/site.md": "two lectures at a time"}) == []
