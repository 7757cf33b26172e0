"""Stage 1 of a grading run: the sandbox checked, the grading workers started, the assignment
regenerated from source/ into the run's own release folder (the committed release/ is not
touched), the re-check's cases loaded and the notebooks read."""

from __future__ import annotations

import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat

from ..course.folder import gradebook_url, is_file_gradebook, venv_env
from ..gradebook import roster as roster_mod
from . import sandbox as sb
from .options import NotGradeable, SandboxUnavailable
from .workerclient import Worker


class Preparation:
    """Run's first stage (autograder.grading.pipeline.Run)."""

    def check_sandbox(self) -> None:
        if self.opt.sandboxed:
            reason = sb.check()
            if reason:
                raise SandboxUnavailable(
                    f"THE GRADING SANDBOX IS NOT AVAILABLE: {reason}.\nRefusing to run student code "
                    "with your rights. Install bubblewrap (sudo apt-get install bubblewrap; or sudo make system-deps, "
                    "which also installs the test suite's tools), or rerun "
                    "with --unsandboxed (make autograde ... UNSANDBOXED=1) if you trust every submission."
                )

    def prepare(self) -> None:
        """Check the sandbox, start the workers, and bring the gradebook up to date with source/.

        The workers import nbgrader (about 3 s) while the rest is set up, and the first one
        regenerates the assignment into a private release folder, so the committed release/ is
        not touched."""
        self.check_sandbox()
        if self.opt.cluster and is_file_gradebook(gradebook_url(self.course)):
            raise NotGradeable(cluster_needs_postgres(self.course, self.opt.cluster))
        # this machine's workers import nbgrader while this process checks the assignment and the
        # roster (their logs are in the run's folder, which `run` removes if a check refuses); a
        # cluster is reached only once the run is known to be gradeable
        self.made_runs_folder = not self.work.parent.exists()
        self.work.mkdir(parents=True)
        if not self.on_cluster:
            self.start_workers()
        from ..gradebook.cells import changed_after_grading
        from .worker import stamp_gradebooks_in_process

        stamp_gradebooks_in_process()  # an empty PostgreSQL gradebook is set up here: 2.5 s less
        why = changed_after_grading(self.course, self.assignment)
        if why:
            raise NotGradeable(f"{self.assignment} cannot be graded as source/ now stands: {why}")
        try:
            self.roster = roster_mod.load(self.course, self.assignment)
        except roster_mod.RosterError as err:
            raise NotGradeable(str(err))
        if self.roster is not None:  # names for the formgrader; also the students who hand in nothing
            roster_mod.into_gradebook(self.course, self.roster.entries)
        if self.on_cluster:
            self.start_workers()
        # the re-check's cases (their module imports torch here) are loaded while the first
        # worker regenerates the assignment
        with ThreadPoolExecutor(max_workers=1) as pool:
            generated = pool.submit(self.workers[0].generate, self.assignment, self.work / "release")
            self.load_checks(write=True)
            generated.result()
        self.read_notebooks()

    def start_workers(self) -> None:
        """One grading worker per parallel slot, each importing nbgrader while the rest is set up
        (a cluster's run starts its workers there: autograder.grading.cluster)."""
        for slot in range(max(1, self.opt.jobs)):
            self.workers[slot] = Worker(self.course, self.work / f"worker-{slot}.log")

    def load_checks(self, write: bool) -> None:
        """The re-check's cases and program, and the sandbox's kernelspec and font cache; `write`
        puts the files every worker reads into the run's folder (a cluster's workers only read them)."""
        from .recheck import kernel_checks_source, load_cases, runner_source

        self.cases = load_cases(self.assignment, self.course) if self.opt.recheck else []
        if self.cases:
            self.runner = runner_source(self.cases)
        if write and self.cases:
            (self.work / "recheck").mkdir()
            (self.work / "harness.py").write_text(kernel_checks_source())
        if write and (self.opt.sandboxed or self.cases):
            sb.write_kernelspec(self.work / "jupyter")
        if self.opt.sandboxed:
            self.mpl_cache = self.font_cache()

    def read_notebooks(self) -> None:
        self.release_nb = nbformat.read(self.work / "release" / self.assignment / f"{self.assignment}.ipynb", 4)
        self.source_nb = nbformat.read(self.course / "source" / self.assignment / f"{self.assignment}.ipynb", 4)

    def font_cache(self) -> Path:
        """matplotlib's font list, built once per user and matplotlib version (about 1 s) and
        shown read-only to kernels."""
        import matplotlib

        home = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
        cache = home / "rnnlab" / f"mplcache-{matplotlib.__version__}"
        if not any(cache.glob("fontlist-*.json")):
            cache.mkdir(parents=True, exist_ok=True)
            subprocess.run(
                [sys.executable, "-c", "import matplotlib.font_manager"],
                env=venv_env({"MPLCONFIGDIR": str(cache)}),
                check=True,
                capture_output=True,
            )
        return cache


def cluster_needs_postgres(course: Path, cluster: str) -> str:
    """Why a cluster run refuses the course's SQLite gradebook, and what to do (docs/grading.md,
    "Moving a term to the cluster")."""
    held = (course / "gradebook.db").is_file()
    return (
        f"grading on the cluster {cluster} needs a gradebook that many machines can write at once; "
        f"{course}'s is a SQLite file{' (gradebook.db)' if held else ''}. Put a PostgreSQL URL in the environment "
        "variable RNNLAB_GRADEBOOK_URL, here and on every worker (export RNNLAB_GRADEBOOK_URL='postgresql+psycopg:"
        "//grader:PASSWORD@db.example.org/rnn_course'), never in nbgrader_config.py, where its password would "
        "reach the repository"
        + (
            ". Bring this term's grades along first, into the empty database: make gradebook-move (it reads that "
            "variable)"
            if held
            else "; an empty database is enough, the run fills it"
        )
        + ". Or grade without CLUSTER (docs/grading.md; make try-cluster tries the cluster path on this machine)"
    )
