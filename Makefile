# Recurrent networks in PyTorch, a deep dive.
# Every target creates the virtual environment first if it is missing.
.DEFAULT_GOAL := help
# the virtual environment, `make lab` and `make progress`, shared with the students' Makefile:
# `make student-dist` ships autograder/publishing/student/course.mk beside it (students install
# requirements-student.txt, shipped as their requirements.txt; this course installs requirements.txt)
include autograder/publishing/student/course.mk

ASSIGNMENT  ?=
SUBMISSIONS ?=
# (not nproc: it honours OMP_NUM_THREADS, which is 1 here on purpose)
JOBS        ?= $(shell getconf _NPROCESSORS_ONLN 2>/dev/null || echo 2)

.PHONY: help lab lab-instructor progress test test-unit test-notebooks test-grading test-browser test-hub \
        test-site test-lab test-hub-site \
        test-more test-lectures-more test-cluster \
        hub hub-deps ngshare-deps colab-deps mathjax-deps code-lm hand-grade assignments student-dist roster autograde regrade due grades-lms demo-class export feedback similarity questions gradebook-move try-cluster bench execute-notebooks clean distclean system-deps site

help:
	@echo "Students:    make lab        # install everything (first time) and open JupyterLab"
	@echo "             make progress   # which visible tests of your problem sets pass"
	@echo "Everyone:    make test       # run the tests (unit, notebooks, grading, browser, hub)"
	@echo "             make test-more  # and the sweeps CI runs too: other seeds, another CPU, a Dask cluster"
	@echo "             make site [STUDENT_REPO=owner/name] [FRESH=1]  # the course as a website in site/, widgets baked"
	@echo "Instructors: make lab-instructor                                # JupyterLab with nbgrader's formgrader"
	@echo "             make assignments [ASSIGNMENT=ps03]               # regenerate release/ (and what students get of each set) from source/"
	@echo "             make remove-assignment ASSIGNMENT=ps99 [FORCE=1] # take a set out: source/, release/, what students get, its gradebook rows"
	@echo "             make demo-class ASSIGNMENT=ps03                   # a sample class to try grading on, in a course of its own"
	@echo "             make roster FILE=class-list.csv [ASSIGNMENT=ps03] # the class, from the LMS's export (Moodle: per set)"
	@echo "             make autograde ASSIGNMENT=ps03 SUBMISSIONS=path   # grade a folder or an LMS zip"
	@echo "             make due ASSIGNMENT=ps03 WHEN=\"2026-12-01 23:59 UTC\"   # due date (STUDENT=alice DAYS=2: extension)"
	@echo "             make regrade ASSIGNMENT=ps03                      # after a test fix: hand grades kept"
	@echo "             make hand-grade ASSIGNMENT=ps03                   # explain answers by question, beside the model answer"
	@echo "             make feedback ASSIGNMENT=ps03                     # feedback HTML after hand grading"
	@echo "             make similarity ASSIGNMENT=ps03                   # pairs of unusually alike answers, side by side"
	@echo "             make questions ASSIGNMENT=ps03                    # question statistics: reports/<set>/questions.html"
	@echo "             make grades-lms ASSIGNMENT=ps03 LMS=canvas|moodle  # grades file + feedback zip to upload"
	@echo "             make gradebook-move                               # the term's gradebook.db into PostgreSQL (RNNLAB_GRADEBOOK_URL), for CLUSTER="
	@echo "             make try-cluster [WORKERS=2]                      # a throwaway PostgreSQL and Dask cluster here, to try CLUSTER="
	@echo "             make export     # final grades of every assignment: reports/gradebook.csv"
	@echo "             make bench      # measure times and memory into bench/REPORT.md"
	@echo "             make code-lm    # train chapter 09's LSTM on real code again (about 45 minutes): rnnlab/data/code_lm.pt"
	@echo "             make student-dist DEST=dir [STUDENT_REPO=owner/name] [COMMIT=1] [FROM=ref] [ALLOW_DIRTY=1]  # the students' repository, from a commit"
	@echo "             make hub        # a JupyterHub with nbgrader's exchange on this machine (root; docs/hub.md)"
	@echo "             make badges     # point the README's badges at your copy (origin remote)"

system-deps:
	@./scripts/system-deps.sh

# JupyterHub's proxy (configurable-http-proxy) from the npm registry, pinned with its lockfile.
PROXY := deploy/hub/node_modules/.bin/configurable-http-proxy
hub-deps: $(PROXY)
$(PROXY): deploy/hub/package.json deploy/hub/package-lock.json
	npm ci --prefix deploy/hub --no-audit --no-fund --loglevel=error
	@touch $@

# MathJax for the hand-grading pages (make hand-grade), served from this machine, never a CDN;
# from the npm registry, pinned with its lockfile.
MATHJAX := deploy/mathjax/node_modules/.rnnlab-installed
mathjax-deps: $(MATHJAX)
$(MATHJAX): deploy/mathjax/package.json deploy/mathjax/package-lock.json
	npm ci --prefix deploy/mathjax --no-audit --no-fund --loglevel=error
	@touch $@

# A virtual environment of its own, every package pinned in one file (installed with --no-deps):
# $(call pinned-venv,folder,requirements file), in the recipe of folder/.installed.
define pinned-venv
	rm -rf $(1)
	$(PY) -m venv $(1)
	$(1)/bin/python -m pip install --quiet --no-deps -r $(2)
	@touch $(1)/.installed
endef

# ngshare, the exchange service for hubs whose servers share one uid (Kubernetes), in its own
# environment (it needs SQLAlchemy 1.4; the course has 2): tests/test_ngshare.py, docs/hub.md.
NGSHARE_VENV := .hub/ngshare-venv
ngshare-deps: $(NGSHARE_VENV)/.installed
$(NGSHARE_VENV)/.installed: deploy/ngshare/requirements.txt | $(STAMP)
	$(call pinned-venv,$(NGSHARE_VENV),$<)

# A Colab-like environment for tests/test_colab.py, which installs the course package beside it
# into a fresh environment the way a lecture's first cell does on Colab (docs/colab.md): Colab's
# ipywidgets 7.7.1 and its other packages at Colab's versions, and another torch than the
# course's. About 5.7 GB (torch's CUDA libraries), installed once in about a minute.
COLAB_VENV := .colab/venv
colab-deps: $(COLAB_VENV)/.installed
$(COLAB_VENV)/.installed: deploy/colab/requirements.txt | $(STAMP)
	$(call pinned-venv,$(COLAB_VENV),$<)

# Point the README's Binder and tests badges at your copy: OWNER/REPO from `git remote get-url origin`.
.PHONY: badges
badges: $(STAMP)
	$(PY) -m autograder.publishing.badges README.md

# `make lab` and `make progress` (the students' commands) are in autograder/publishing/student/course.mk.
# Instructors: JupyterLab with every nbgrader tool, the formgrader among them.
lab-instructor: $(STAMP)
	@$(PY) -m rnnlab.tools trust notebooks/*.ipynb
	@echo "The formgrader shows each score before any late penalty (nbgrader has no place for one there);"
	@echo "the final scores are in reports/<set>/grades.csv and report.md, make hand-grade's pages and make export."
	$(LAB)

# The tests, in five parts (the sweeps are test-more's): unit (package, widgets, assignment
# integrity), notebooks (strict nbval), grading (nbgrader end to end, attack corpus, sandboxed),
# browser (JupyterLab + Chromium), hub (a term on a real JupyterHub with local users and
# nbgrader's exchange). Every part but the hub keeps both cores busy (83-92% measured); the hub's
# keeps one (0.83 of a core: its hubs and servers start one after another), so it runs beside the
# grading part, the longest and the one with most room (1.67 cores; they share no uid, test-hub says why),
# and the website's tests follow it there (test-hub-site, test-browser says why);
# each part's output printed whole when it ends. Measured 2026-11-28 in one quiet run each: notebooks
# 94 s alone, grading 461 s alone, hub 131 s alone, grading and hub side by side 505 s; the last
# fresh clone's notebooks and hub side by side took 204 s, 110 s more than the notebooks alone.
# The tests write Python's bytecode caches (__pycache__/, ignored by git) even where the shell
# says not to (PYTHONDONTWRITEBYTECODE, set on the machines the course is developed on): pytest then
# rewrites each test module's asserts once, not in every one of the run's seven collections of the
# whole suite (collecting took 14.5 s of CPU each without the caches, 8.6 s with them).
test test-unit test-notebooks test-grading test-browser test-hub test-site test-lab test-hub-site test-more \
  test-lectures-more test-cluster: export PYTHONDONTWRITEBYTECODE =
test: $(STAMP) system-deps hub-deps ngshare-deps colab-deps mathjax-deps
	@start=$$(date +%s); \
	$(MAKE) --no-print-directory test-unit \
	  && $(MAKE) --no-print-directory test-notebooks \
	  && $(MAKE) --no-print-directory -j2 --output-sync=target test-grading test-hub-site \
	  && $(MAKE) --no-print-directory test-lab \
	  && echo "make test: all parts passed in $$(( $$(date +%s) - start )) s"

# Two workers, each module's tests in one of them (module-scoped fixtures are made once). MathJax:
# the hand-grading pages load it (tests/test_handgrade.py), so the part runs alone too.
test-unit: $(STAMP) mathjax-deps
	$(VENV)/bin/ruff format --check --quiet . && $(VENV)/bin/ruff check --quiet .
	$(PY) -m pytest -q -p no:cacheprovider -n $(JOBS) --dist loadscope \
	  -m "not grading and not browser and not hub and not lectures and not sweep" --durations=15 tests

# Strict nbval on the lectures, the claims they assert (tests/test_claims.py: each fails for an
# untrained model), lecture 03 as Colab runs it (tests/test_colab.py: its first cell installs the
# course package into a fresh environment with Colab's ipywidgets and another torch, .colab/venv's).
# (a throwaway review file: a student's saved quiz answers must not change what nbval compares)
NBVAL := -m pytest -q -p no:cacheprovider -n $(JOBS) --dist loadscope --nbval notebooks \
         --nbval-sanitize-with notebooks/sanitize.cfg
OTHER_CPU = $(shell $(PY) -m rnnlab.tools other-cpu)
REVIEW_FILE := $(CURDIR)/test-artifacts/.rnnlab-review.json
test-notebooks test-lectures-more: export RNNLAB_REVIEW_FILE = $(REVIEW_FILE)
test-notebooks: $(STAMP) colab-deps
	@mkdir -p test-artifacts; rm -f $(REVIEW_FILE)
	$(PY) $(NBVAL) tests/test_claims.py tests/test_colab.py

# The sweeps, which CI runs after `make test` (.ci/run; issue 58 moved them out of it): the lectures'
# claims under other training seeds (tests/test_seeds.py: RNNLAB_SEED=1 and 2), the unit tests marked
# `sweep` (records trained again from their seeds and others: chapters 06 and 07's; the catalogues'
# fingerprints and the CPU probe as another CPU), strict nbval again
# as another CPU would compute (`python -m rnnlab.tools other-cpu` steps ATen's vector kernels,
# MKL's and oneDNN's matrix products, nn.LSTM's kernel among them, down from this machine's own to
# the nearest step that computes other bits here: AVX-512 -> AVX2 or older, AVX2 -> older, measured
# by a probe), and grading on a Dask cluster with its faults (tests/test_grading_cluster.py).
# Run it too before a change to a lecture, a problem set or the grading's distribution lands.
test-more: test-lectures-more test-cluster
test-lectures-more: $(STAMP)
	@mkdir -p test-artifacts; rm -f $(REVIEW_FILE)
	$(PY) -m pytest -q -p no:cacheprovider -n $(JOBS) --dist loadscope tests/test_seeds.py
	$(PY) -m pytest -q -p no:cacheprovider -n $(JOBS) --dist loadscope -m sweep tests
	@other="$(OTHER_CPU)"; if [ -z "$$other" ]; then \
	    echo "test-lectures-more: this CPU already runs PyTorch's default kernels; no second capability to try"; \
	else echo "test-lectures-more: again as another CPU, with $$other (native: $$($(PY) -c 'import torch; print(torch.backends.cpu.get_cpu_capability())'))"; \
	    env $$other $(PY) $(NBVAL); fi
test-cluster: $(STAMP) system-deps
	$(PY) -m pytest -q -p no:cacheprovider -m grading tests/test_grading_cluster.py

# Two pytest workers, one problem set's batch each at a time, one kernel each (tests/conftest.py).
test-grading: $(STAMP) system-deps
	$(PY) -m pytest -q -p no:cacheprovider -m grading -n $(JOBS) --dist loadscope --durations=30 \
	  --ignore=tests/test_grading_cluster.py tests

# Two workers, each with its own JupyterLab and Chromium (the session's `lab` fixture); bench/run.py
# measures widget latency in a run of its own, one worker, so this run's load does not reach it.
# Tests that share a fixture share a module or a class, which --dist loadscope keeps on one worker
# (pytest-xdist's xdist_group marks group nothing with pytest 9.2: pytest-dev/pytest-xdist#1386).
# test-browser is both browser parts, the website's first: test-site (the site built as `make site`
# builds it, then driven in Chromium) and test-lab (JupyterLab). Run beside the JupyterLab tests, the
# site's build slowed them by more than it took (319 s in all against 85 + 177 s); `make test` runs
# it after the hub's tests, beside the grading part (test-hub-site), where a core is free once the
# hub is done. Measured 2026-11-29, two alternating pairs on a slow afternoon: grading beside the
# hub, then the website, 684 and 677 s; the website after the hub beside grading, 588 and 628 s.
test-browser: $(STAMP) system-deps mathjax-deps
	$(MAKE) --no-print-directory test-site
	$(MAKE) --no-print-directory test-lab
test-site: $(STAMP) system-deps mathjax-deps
	$(PY) -m pytest -q -p no:cacheprovider -m browser tests/test_site.py --durations=10
test-lab: $(STAMP) system-deps mathjax-deps
	$(PY) -m pytest -q -p no:cacheprovider -m browser -n $(JOBS) --dist loadscope --ignore=tests/test_site.py --durations=15 tests
test-hub-site: $(STAMP) system-deps hub-deps ngshare-deps mathjax-deps
	$(MAKE) --no-print-directory test-hub
	$(MAKE) --no-print-directory test-site

# Creates local users (as root; skipped otherwise, never under CI=true): tests/test_hub.py.
# Its instructor grades as a user who is not root, on that user's own uid, never on the sandbox
# uids from 60001 that the grading part, beside it in `make test`, gives its workers.
test-hub: $(STAMP) system-deps hub-deps ngshare-deps
	$(PY) -m pytest -q -p no:cacheprovider -m hub tests

# JupyterHub on 127.0.0.1:8000 with an instructor and three students (root): docs/hub.md.
# HUB_ARGS="--port N --state DIR --prefix P" (tests/test_make_hub.py runs it so).
hub: $(STAMP) system-deps hub-deps
	$(PY) -m autograder.deploying.hub $(HUB_ARGS)

# The course as a static website in site/ (autograder/publishing/site): the executed lectures, the cheat sheet and
# the problem sets' release versions, each lecture's widgets baked so they answer without a kernel,
# Colab and Binder buttons pointing at STUDENT_REPO; tests/test_site.py drives it in Chromium.
# Only the lectures whose inputs changed run again (jupyter-cache keeps their runs in .site-cache/;
# FRESH=1 runs them all): docs/site.md.
site: $(STAMP) mathjax-deps
	$(PY) -m autograder.publishing.site $(if $(STUDENT_REPO),--student-repo $(STUDENT_REPO)) $(if $(FRESH),--fresh)

# Regenerate the student versions in release/ from source/ (nbgrader generate_assignment), the
# probes and catalogues of mistakes students' visible tests use (rnnlab/probes/, rnnlab/data/diagnoses/)
# and the start page's table of chapters; ASSIGNMENT=ps03 for one problem set (docs/authoring.md).
assignments: $(STAMP)
	$(PY) -m autograder release $(or $(ASSIGNMENT),--all)

# Take a problem set out of the course (docs/authoring.md); refused while students are graded in it, unless FORCE=1.
.PHONY: remove-assignment
remove-assignment: $(STAMP)
	$(PY) -m autograder remove $(ASSIGNMENT) $(if $(filter 1,$(FORCE)),--force,)

# The students' repository: lectures, release/, the package, Binder and Jupyter settings, a README
# and Makefile for students; no source/ (solutions, fixtures, re-checks), instructor/, tests or instructor docs.
# It is scanned for every solution, hidden-test and graded-key line before it is written.
student-dist: $(STAMP)
	@test -n "$(DEST)" || { echo "usage: make student-dist DEST=dir [STUDENT_REPO=owner/name] [COMMIT=1] [FROM=ref] [ALLOW_DIRTY=1]"; exit 2; }
	$(PY) -m autograder.publishing.dist "$(DEST)" $(if $(STUDENT_REPO),--student-repo "$(STUDENT_REPO)",) $(if $(COMMIT),--commit,) \
	  $(if $(FROM),--from "$(FROM)",) $(if $(ALLOW_DIRTY),--allow-dirty,)

# The class list, from the LMS's export (Canvas gradebook, Moodle grading worksheet, Blackboard
# Grade Center, or a plain CSV with a student column): roster.csv, one row per student in every report.
# Moodle numbers participants per assignment: read each assignment's worksheet with ASSIGNMENT=ps03.
roster: $(STAMP)
	@test -n "$(FILE)" || { echo "usage: make roster FILE=class-list.csv"; exit 2; }
	$(PY) -m autograder roster "$(FILE)" $(if $(ASSIGNMENT),--assignment $(ASSIGNMENT),)

# Grade a class: make autograde ASSIGNMENT=ps03 SUBMISSIONS=path/to/folder-or.zip
# (no system-deps here: grading needs bubblewrap alone, and without it the run refuses and says how to
# install it; installing packages is not a grading command's business, and it ran apt as root each time)
# On a Dask cluster, one task per student (docs/grading.md): CLUSTER=tcp://scheduler:8786
autograde: $(STAMP)
	@test -n "$(ASSIGNMENT)" -a -n "$(SUBMISSIONS)" || { echo "usage: make autograde ASSIGNMENT=ps03 SUBMISSIONS=path [CLUSTER=tcp://scheduler:8786]"; exit 2; }
	$(PY) -m autograder grade $(ASSIGNMENT) "$(SUBMISSIONS)" --jobs $(JOBS) $(if $(UNSANDBOXED),--unsandboxed,) $(if $(CLUSTER),--cluster "$(CLUSTER)",)

# Grading on a cluster in the middle of a term (docs/grading.md): the term's gradebook.db copied into an
# empty PostgreSQL database and checked row by row; then RNNLAB_GRADEBOOK_URL in the environment.
# TO= or, keeping the password out of the shell's history, RNNLAB_GRADEBOOK_URL exported first;
# the command is not echoed, since the URL carries the password.
gradebook-move: $(STAMP)
	@test -n "$(TO)$(RNNLAB_GRADEBOOK_URL)" || { echo "usage: export RNNLAB_GRADEBOOK_URL=postgresql+psycopg://grader:PASSWORD@host/database; make gradebook-move (or TO=<URL>)"; exit 2; }
	@$(PY) -m autograder gradebook-move $(if $(TO),--to "$(TO)",)

# Cluster grading tried on this machine: a throwaway PostgreSQL gradebook (the course's gradebook.db copied
# into it) and a Dask scheduler with WORKERS one-thread workers, until Ctrl-C; it prints the two lines to use them.
try-cluster: $(STAMP)
	$(PY) -m autograder try-cluster --workers $(or $(WORKERS),$(JOBS))

# After a fix to a test or a quiz key: regenerate the set and grade again the submissions of every
# run so far (each download must still be where it was graded from); hand grades of unchanged
# answers stay, and the report says whose score the fix changed.
regrade: $(STAMP)
	@test -n "$(ASSIGNMENT)" || { echo "usage: make regrade ASSIGNMENT=ps03"; exit 2; }
	$(PY) -m autograder regrade $(ASSIGNMENT) --jobs $(JOBS) $(if $(UNSANDBOXED),--unsandboxed,) $(if $(CLUSTER),--cluster "$(CLUSTER)",)

# A due date, or one student's extension (docs/instructor.md):
#   make due ASSIGNMENT=ps03 WHEN="2026-12-01 23:59 Europe/Berlin"
#   make due ASSIGNMENT=ps03 STUDENT=alice DAYS=2
due: $(STAMP)
	@test -n "$(ASSIGNMENT)" -a -n "$(WHEN)$(STUDENT)" || { echo 'usage: make due ASSIGNMENT=ps03 WHEN="2026-12-01 23:59 Europe/Berlin" | STUDENT=alice DAYS=2 [HOURS=h]'; exit 2; }
	$(PY) -m autograder due $(ASSIGNMENT) $(if $(STUDENT),--student "$(STUDENT)" --days $(or $(DAYS),0) --hours $(or $(HOURS),0),"$(WHEN)")

# Sample submissions to try grading on: make demo-class ASSIGNMENT=ps03
demo-class: $(STAMP)
	@test -n "$(ASSIGNMENT)" || { echo "usage: make demo-class ASSIGNMENT=ps03"; exit 2; }
	$(PY) -m autograder demo $(ASSIGNMENT) demo-class

# One problem set's grades in the LMS's import format, and its feedback zipped for the LMS's bulk upload.
grades-lms: $(STAMP)
	@test -n "$(ASSIGNMENT)" -a -n "$(LMS)" || { echo "usage: make grades-lms ASSIGNMENT=ps03 LMS=canvas|moodle [TITLE=...] [PER_EXERCISE=1]"; exit 2; }
	$(PY) -m autograder grades-lms $(ASSIGNMENT) --lms $(LMS) $(if $(TITLE),--title "$(TITLE)",) $(if $(PER_EXERCISE),--per-exercise,)

# Final grades (automatic and hand-graded, late penalty derived now) of every assignment, from the
# gradebook: nbgrader_config.py routes nbgrader export to autograder/term/export.py.
export: $(STAMP)
	@mkdir -p reports
	$(VENV)/bin/nbgrader export --to reports/gradebook.csv
	@echo "grades of all assignments: reports/gradebook.csv"

# The explain answers graded question by question: each student's answer under the model answer,
# formulas rendered, scores and comments into the gradebook (autograder/term/handgrade.py). Serves on
# 127.0.0.1 and prints the address with its token; PORT=n to choose the port.
hand-grade: $(STAMP) mathjax-deps
	@test -n "$(ASSIGNMENT)" || { echo "usage: make hand-grade ASSIGNMENT=ps03 [PORT=8765]"; exit 2; }
	$(PY) -m autograder handgrade $(ASSIGNMENT) $(if $(PORT),--port $(PORT),)

feedback: $(STAMP)
	@test -n "$(ASSIGNMENT)" || { echo "usage: make feedback ASSIGNMENT=ps03"; exit 2; }
	$(PY) -m autograder feedback $(ASSIGNMENT)

# After grading: pairs of students whose answers are unusually alike, per exercise and over the
# notebook, side by side in reports/<set>/similarity.html and listed in report.md (autograder/term/similarity.py).
similarity: $(STAMP)
	@test -n "$(ASSIGNMENT)" || { echo "usage: make similarity ASSIGNMENT=ps03"; exit 2; }
	$(PY) -m autograder similarity $(ASSIGNMENT)

# Question statistics of a graded set, from the gradebook now: each graded item's share right,
# mean, discrimination, most common wrong answer or mistake and flags, in report.md and
# reports/<set>/questions.html with a plot (autograder/term/questions.py).
questions: $(STAMP)
	@test -n "$(ASSIGNMENT)" || { echo "usage: make questions ASSIGNMENT=ps03"; exit 2; }
	$(PY) -m autograder questions $(ASSIGNMENT)

# Chapter 09's LSTM on real code (torch 2.13.0's own source, rnnlab.realcode), trained once from its
# seeds on one core: rnnlab/data/code_lm.pt (3.6 MB) and code_lm.json (its training loss and time).
# 2,915 s here (beside other work); the lecture reads the shipped weights, and tests/test_codelm.py retrains its first steps.
code-lm: $(STAMP)
	$(PY) -m rnnlab.codelm make-weights

# Re-execute the lecture notebooks in place (after editing one), so the committed outputs are fresh.
execute-notebooks: $(STAMP)
	$(PY) -m rnnlab.tools execute notebooks/*.ipynb

# Time and memory of everything budgeted (about half an hour): bench/REPORT.md and bench/report.json.
bench: $(STAMP) system-deps
	$(PY) -m bench.run $(if $(PARTS),--parts $(PARTS),) $(if $(REPEATS),--repeats $(REPEATS),) \
	  $(if $(MAKE_TEST_LOG),--make-test-log $(MAKE_TEST_LOG),)

clean:
	rm -rf submitted staged autograded feedback reports demo-class gradebook.db .pytest_cache .hypothesis test-artifacts grading-runs .site-cache
	find . -name __pycache__ -not -path "./$(VENV)/*" -prune -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV) .hub .colab deploy/hub/node_modules deploy/mathjax/node_modules
