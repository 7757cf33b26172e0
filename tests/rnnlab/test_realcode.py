"""rnnlab.realcode: the real-code corpus read from the installed torch (code only), checked, and
refused with a reason."""

import ast
import os
import shutil

import pytest

from rnnlab import realcode as R
from support import cache_of_its_own


def test_the_corpus_is_torch_2_13s_own_files_checked():
    c = R.corpus()
    assert R.fingerprint(c.train) == R.EXPECTED["train"]
    assert R.fingerprint(c.held_out) == R.EXPECTED["held_out"]
    files = R.train_files()
    assert len(files) == 926 and files == tuple(sorted(files)) and "nn/modules/rnn.py" in files
    assert {name.split("/")[0] for name in files} == set(R.TRAIN_DIRS)
    assert "class LSTM(RNNBase):" in c.train and "class Adam(Optimizer):" in c.held_out
    assert not set(files) & set(R.HELD_OUT_FILES)
    # the vocabulary is printable ASCII and the newline
    assert all(ch == "\n" or " " <= ch <= "~" for ch in set(c.train) | set(c.held_out))


def test_plain_replaces_what_is_outside_printable_ascii():
    assert R.plain("a\u2014b\tc\n") == "a?b?c\n"


SOURCE = '''"""The module's docstring,
two lines."""
import os  # a comment after code

# a comment line
def f(x="# not a comment"):
    """f's docstring."""
    return x + '"""'


class Empty:
    """A docstring that is the whole body stays."""


def g():
    "one line"
    s = """a string of the code,
    # not a comment"""
    return s
'''


def test_code_only_cuts_docstrings_and_comments_and_keeps_the_codes_strings():
    code = R.code_only(SOURCE)
    assert code == (
        'import os\n\ndef f(x="# not a comment"):\n    return x + \'"""\'\n\n\nclass Empty:\n'
        '    """A docstring that is the whole body stays."""\n\n\ndef g():\n'
        '    s = """a string of the code,\n    # not a comment"""\n    return s\n'
    )
    ast.parse(code)  # still Python
    with pytest.raises(SyntaxError):
        R.code_only("def (:\n")


def test_every_file_of_the_corpus_is_still_python_after_the_cut():
    root = R.torch_root()
    for name in R.train_files()[::37] + R.HELD_OUT_FILES:
        ast.parse(R.code_only((root / name).read_text(encoding="utf-8")))


@pytest.fixture(autouse=True)
def own_cache(tmp_path_factory, monkeypatch):
    """Each test keeps what it cuts in a cache of its own, so that the texts it makes (changed files,
    smaller selections) never push the real corpus out of the user's (KEEP), which would make the
    next run of lecture 09 cut it again; the user's entries are linked in, so nothing is cut twice."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache_of_its_own(tmp_path_factory.mktemp("cache"))))


def _copy(tmp_path, files):
    root = R.torch_root()
    for name in files:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(root / name, tmp_path / name)
    return tmp_path


def test_another_torchs_files_are_refused_with_what_was_found(tmp_path, monkeypatch):
    # one small folder for the training part, its fingerprint the expected one: the refusal is the same
    # code for the whole selection, whose own fingerprint test_the_corpus_is_torch_2_13s_own_files_checked
    # checks (cutting all 926 files, changed, took 10 s here)
    monkeypatch.setattr(R, "TRAIN_DIRS", ("profiler",))
    real = R.corpus(check=False)
    monkeypatch.setitem(R.EXPECTED, "train", R.fingerprint(real.train))
    assert R.corpus().train == real.train and len(R.train_files()) > 5
    root = _copy(tmp_path, R.train_files() + R.HELD_OUT_FILES)
    assert R.corpus(root).train == real.train  # the same files: accepted
    assert R.corpus(str(root)).train == real.train and R.found_corpus(str(root)).train == real.train  # a str too
    changed = R.train_files()[0]
    (root / changed).write_text((root / changed).read_text() + "\nchanged = 1\n")
    with pytest.raises(R.CorpusError, match=rf"train part .* not {len(real.train):,} .* torch==2\.13\.0"):
        R.corpus(root)
    assert "changed = 1" in R.corpus(root, check=False).train  # unchecked: read as it is
    (root / "profiler/extra.py").write_text("added = 2\n")  # a file more in a folder: refused too
    (root / changed).write_text(R.torch_root().joinpath(changed).read_text())
    grown = len(real.train) + len(R.SEPARATOR + R.plain(R.code_only("added = 2\n")))
    with pytest.raises(R.CorpusError, match=rf"train part .* is {grown:,} characters"):
        R.corpus(root)


def test_missing_files_and_folders_are_named(tmp_path):
    root = _copy(tmp_path, R.train_files())
    with pytest.raises(R.CorpusError, match=r"lacks 21 of the corpus's files \(optim/__init__.py"):
        R.corpus(root)
    shutil.rmtree(root / "jit")
    with pytest.raises(R.CorpusError, match=r"lacks 1 of the corpus's folders \(jit\)"):
        R.corpus(root)


def test_no_torch_says_what_to_install(monkeypatch):
    monkeypatch.setattr(R.importlib.util, "find_spec", lambda name: None)
    with pytest.raises(R.CorpusError, match=r"torch is not installed .*torch==2\.13\.0"):
        R.torch_root()


def test_found_corpus_reads_another_torchs_selection_and_says_so(tmp_path, monkeypatch):
    assert R.found_corpus().exact and R.found_corpus().note == ""
    monkeypatch.setattr(R, "TRAIN_DIRS", ("nn",))  # one folder is enough here, and cuts faster
    root = _copy(tmp_path, R.train_files() + R.HELD_OUT_FILES[:5])  # an older torch: files missing
    (root / "nn/modules/rnn.py").write_text("another_version = 1\n")
    (root / "nn/newer.py").write_text("match x:\n    case (:\n")  # Python this one cannot read
    c = R.found_corpus(root)
    assert not c.exact and "another_version = 1" in c.train and len(c.held_out) > 1000
    assert "lacks 16 of the corpus's files" in c.note and "will differ" in c.note
    assert "1 of this torch's files could not be read as Python here (nn/newer.py)" in c.note
    with pytest.raises(R.CorpusError, match="none of the held_out part's files"):
        R.found_corpus(_copy(tmp_path / "bare", R.train_files()))


def test_another_torchs_files_are_decoded_as_python_decodes_them(tmp_path, monkeypatch):
    """A file with a byte-order mark, with Windows' or old Mac's line ends, or in Latin-1 under a
    coding declaration is Python that Python reads: its code is the same as the plain UTF-8 file's
    (the mark was a syntax error, Latin-1 a decoding error, both left out; each CR became a '?')."""
    monkeypatch.setattr(R, "_READ", {})
    name = next(n for n in R.HELD_OUT_FILES if (R.torch_root() / n).read_bytes().isascii())
    raw = (R.torch_root() / name).read_bytes() + "\nname = 'caf\u00e9'\n".encode("utf-8")
    variants = {
        "plain.py": raw,
        "bom.py": b"\xef\xbb\xbf" + raw,
        "crlf.py": raw.replace(b"\n", b"\r\n"),
        "cr.py": raw.replace(b"\n", b"\r"),
        "latin1.py": b"# -*- coding: latin-1 -*-\n" + raw.decode("utf-8").encode("latin-1"),
    }
    for file, data in variants.items():
        (tmp_path / file).write_bytes(data)
    code = {file: R._code_of(tmp_path / file) for file in variants}
    assert "name = 'caf?'\n" in code["plain.py"] and "\r" not in code["plain.py"]
    assert {file: text == code["plain.py"] for file, text in code.items()} == dict.fromkeys(variants, True)
    assert R.read_part(tuple(variants), tmp_path) == R.SEPARATOR.join([code["plain.py"]] * len(variants))
    # a coding Python refuses is refused as Python refuses it; a Latin-1 byte 0x85 (U+0085, a line
    # break to str.splitlines, not to Python) and a form feed stay inside their lines
    (tmp_path / "rot13.py").write_bytes(b"# coding: rot13\nx = 1\n")
    with pytest.raises(R.CorpusError, match="rot13.py cannot be read as Python here"):
        R.read_part(("rot13.py",), tmp_path)
    (tmp_path / "breaks.py").write_bytes(
        b'# -*- coding: latin-1 -*-\ndef f():\n    """doc\x0c"""\n    return 1  # odd \x85 here\nx = 1\n'
    )
    assert R._code_of(tmp_path / "breaks.py") == "def f():\n    return 1\nx = 1\n"


def test_a_parts_code_is_kept_between_runs_and_checked(tmp_path, monkeypatch):
    """The cut text of a part is kept in the cache folder, read back without cutting again, and
    refused (cut again) when the kept file is damaged; a cache that cannot be written changes nothing."""
    expected = R.corpus().held_out
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr(R, "_READ", {})
    first = R.read_part(R.HELD_OUT_FILES)
    kept = list(R.cache_dir().glob("*.txt"))
    assert first == expected and len(kept) == 1
    monkeypatch.setattr(R, "_READ", {})
    monkeypatch.setattr(R, "_code_of", lambda path: pytest.fail("cut again although kept"))
    assert R.read_part(R.HELD_OUT_FILES) == expected  # read back, not cut
    kept[0].write_text(kept[0].read_text()[:-10] + "x = 1\n")  # damaged: its first line no longer matches
    with pytest.raises(pytest.fail.Exception, match="cut again"):
        R.read_part(R.HELD_OUT_FILES)
    monkeypatch.undo()
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the cache folder would go")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))
    assert R.read_part(R.HELD_OUT_FILES) == expected


def test_the_cache_key_follows_the_files_bytes(tmp_path):
    root = _copy(tmp_path, R.HELD_OUT_FILES[:2])
    before = R._part_key(R.HELD_OUT_FILES[:2], root)
    (root / R.HELD_OUT_FILES[1]).write_text((root / R.HELD_OUT_FILES[1]).read_text() + "\nx = 1\n")
    assert R._part_key(R.HELD_OUT_FILES[:2], root) != before
    assert R._part_key(R.HELD_OUT_FILES[:1], root) != R._part_key(R.HELD_OUT_FILES[:2], root)


def test_the_install_reads_the_corpus_once_and_keeps_it(tmp_path, monkeypatch, capsys):
    """`python -m rnnlab.realcode` (run by the course's install) leaves the cut code in the cache,
    and says what it cannot read without failing the install."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setattr(R, "_READ", {})
    monkeypatch.setattr(R, "TRAIN_DIRS", ("nn",))  # one folder: cutting all 926 files takes 10 s
    assert R.main() == 0
    out = capsys.readouterr().out
    assert "characters to train on and 363,638 held out" in out and "cannot be read" not in out
    assert len(list(R.cache_dir().glob("*.txt"))) == 2
    monkeypatch.setattr(R.importlib.util, "find_spec", lambda name: None)
    assert R.main() == 0 and "torch is not installed" in capsys.readouterr().out


def test_the_cache_keeps_only_the_newest_texts(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    for k in range(R.KEEP + 3):
        R.keep(f"key{k}", f"text {k}".encode())
        path = R.cache_dir() / f"key{k}.txt"
        os.utime(path, (1000 + k, 1000 + k))  # written in this order, a second apart
    assert sorted(p.stem for p in R.cache_dir().glob("*.txt")) == [f"key{k}" for k in range(3, R.KEEP + 3)]
    assert R.kept(f"key{R.KEEP + 2}") == f"text {R.KEEP + 2}".encode() and R.kept("key0") is None
