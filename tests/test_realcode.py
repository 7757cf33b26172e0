"""rnnlab.realcode: the real-code corpus read from the installed torch, checked, and refused with a reason."""
import shutil

import pytest

from rnnlab import realcode as R


def test_the_corpus_is_torch_2_13s_own_files_checked():
    c = R.corpus()
    assert R.fingerprint(c.train) == R.EXPECTED["train"]
    assert R.fingerprint(c.held_out) == R.EXPECTED["held_out"]
    assert "class LSTM(RNNBase):" in c.train and "class Adam(Optimizer):" in c.held_out
    assert not set(R.TRAIN_FILES) & set(R.HELD_OUT_FILES)
    # the vocabulary is printable ASCII and the newline
    assert all(ch == "\n" or " " <= ch <= "~" for ch in set(c.train) | set(c.held_out))


def test_plain_replaces_what_is_outside_printable_ascii():
    assert R.plain("a\u2014b\tc\n") == "a?b?c\n"


def _copy(tmp_path, files):
    root = R.torch_root()
    for name in files:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(root / name, tmp_path / name)
    return tmp_path


def test_another_torchs_files_are_refused_with_what_was_found(tmp_path):
    root = _copy(tmp_path, R.TRAIN_FILES + R.HELD_OUT_FILES)
    assert R.corpus(root).train == R.corpus().train               # the same files: accepted
    (root / "nn/modules/rnn.py").write_text((root / "nn/modules/rnn.py").read_text() + "\n# changed\n")
    with pytest.raises(R.CorpusError, match=r"train part .* not 911,633 .* torch==2\.13\.0"):
        R.corpus(root)
    assert "# changed" in R.corpus(root, check=False).train       # unchecked: read as it is


def test_missing_files_are_named(tmp_path):
    root = _copy(tmp_path, R.TRAIN_FILES)
    with pytest.raises(R.CorpusError, match=r"lacks 21 of the corpus's files \(optim/__init__.py"):
        R.corpus(root)


def test_no_torch_says_what_to_install(monkeypatch):
    monkeypatch.setattr(R.importlib.util, "find_spec", lambda name: None)
    with pytest.raises(R.CorpusError, match=r"torch is not installed .*torch==2\.13\.0"):
        R.torch_root()


def test_found_corpus_reads_another_torchs_selection_and_says_so(tmp_path):
    assert R.found_corpus().exact and R.found_corpus().note == ""
    root = _copy(tmp_path, R.TRAIN_FILES + R.HELD_OUT_FILES[:5])            # an older torch: files missing
    (root / "nn/modules/rnn.py").write_text("# another version\n")
    c = R.found_corpus(root)
    assert not c.exact and c.train.startswith(R.plain((root / "nn/modules/__init__.py").read_text()))
    assert "# another version" in c.train and len(c.held_out) > 1000
    assert "lacks 16 of the corpus's files" in c.note and "will differ" in c.note
    with pytest.raises(R.CorpusError, match="none of the held_out part's files"):
        R.found_corpus(_copy(tmp_path / "bare", R.TRAIN_FILES))
