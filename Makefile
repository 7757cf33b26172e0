# Recurrent networks in PyTorch, a deep dive. `make help` lists the commands, one line each; every
# command makes the virtual environment first if it is missing. Why the tests run as they do, with
# the figures: bench/REPORT.md ("make test"); each instructor command at length: docs/instructor.md.
.DEFAULT_GOAL := help
# the virtual environment, `make lab` and `make progress`: shared with the students' Makefile
include autograder/publishing/student/course.mk

ASSIGNMENT  ?=
SUBMISSIONS ?=
# (not nproc: it honours OMP_NUM_THREADS, which is 1 here on purpose)
JOBS        ?= $(shell getconf _NPROCESSORS_ONLN 2>/dev/null || echo 2)
need = @test -n "$(1)" || { echo 'usage: make $(2)'; exit 2; }
PYTEST := -m pytest -q -p no:cacheprovider
NBVAL  := $(PYTEST) -n $(JOBS) --dist loadscope --nbval notebooks --nbval-sanitize-with notebooks/sanitize.cfg
OTHER_CPU = $(shell $(PY) -m rnnlab.tools other-cpu)
REVIEW_FILE := $(CURDIR)/test-artifacts/.rnnlab-review.json
GRADE_OPTS = --jobs $(JOBS) $(if $(UNSANDBOXED),--unsandboxed,) $(if $(CLUSTER),--cluster "$(CLUSTER)",)

.PHONY: help lab lab-instructor progress test test-unit test-notebooks test-grading test-browser test-hub test-site \
        test-lab test-hub-site test-more test-lectures-more test-grading-more test-cluster hub hub-deps ngshare-deps colab-deps \
        mathjax-deps system-deps code-lm hand-grade assignments remove-assignment student-dist roster autograde \
        regrade due grades-lms demo-class export feedback similarity questions gradebook-move try-cluster bench \
        execute-notebooks site badges clean distclean

help:
	@awk -F':[^#]*## ' '/^##@/ {print substr($$0, 5)} /^[a-z-]+:.*## / {printf "  make %-19s %s\n", $$1, $$2}' autograder/publishing/student/course.mk Makefile

##@ Everyone
# Five parts; grading runs beside the hub's tests and then the website's; each pytest part writes
# bytecode caches whatever the shell says (bench/REPORT.md, "make test", says why and how long).
test test-unit test-notebooks test-grading test-browser test-hub test-site test-lab test-hub-site test-more \
  test-lectures-more test-grading-more test-cluster: export PYTHONDONTWRITEBYTECODE =
test-notebooks test-lectures-more: export RNNLAB_REVIEW_FILE = $(REVIEW_FILE)
test: $(STAMP) system-deps hub-deps ngshare-deps colab-deps mathjax-deps ## run the tests: unit, notebooks, grading, hub, website, JupyterLab
	@start=$$(date +%s); \
	$(MAKE) --no-print-directory test-unit \
	  && $(MAKE) --no-print-directory test-notebooks \
	  && $(MAKE) --no-print-directory -j2 --output-sync=target test-grading test-hub-site \
	  && $(MAKE) --no-print-directory test-lab \
	  && echo "make test: all parts passed in $$(( $$(date +%s) - start )) s"
test-unit: $(STAMP) mathjax-deps ## ruff, then the package, widgets and assignments' tests
	$(VENV)/bin/ruff format --check --quiet . && $(VENV)/bin/ruff check --quiet .
	$(PY) $(PYTEST) -n $(JOBS) --dist loadscope --durations=15 tests \
	  -m "not grading and not browser and not hub and not lectures and not sweep"
test-notebooks: $(STAMP) colab-deps ## strict nbval on every lecture, the claims they assert, lecture 03 as Colab runs it
	@mkdir -p test-artifacts; rm -f $(REVIEW_FILE)
	$(PY) $(NBVAL) tests/notebooks/test_claims.py tests/notebooks/test_colab.py
test-grading: $(STAMP) system-deps ## every problem set graded end to end in the sandbox (one wrong answer per exercise), attacks included
	$(PY) $(PYTEST) -m "grading and not sweep" -n $(JOBS) --dist loadscope --durations=30 --ignore=tests/autograder/grading/test_cluster.py tests
test-browser: $(STAMP) system-deps mathjax-deps ## the website's tests, then JupyterLab's, in Chromium
	$(MAKE) --no-print-directory test-site
	$(MAKE) --no-print-directory test-lab
test-site: $(STAMP) system-deps mathjax-deps ## the website built as make site builds it, driven in Chromium
	$(PY) $(PYTEST) -m browser tests/autograder/publishing/test_site.py --durations=10
test-lab: $(STAMP) system-deps mathjax-deps ## lectures and problem sets in JupyterLab and Chromium
	$(PY) $(PYTEST) -m browser -n $(JOBS) --dist loadscope --ignore=tests/autograder/publishing/test_site.py --durations=15 tests
test-hub-site: $(STAMP) system-deps hub-deps ngshare-deps mathjax-deps
	$(MAKE) --no-print-directory test-hub
	$(MAKE) --no-print-directory test-site
test-hub: $(STAMP) system-deps hub-deps ngshare-deps ## a term on a real JupyterHub with local users (root; never under CI=true)
	$(PY) $(PYTEST) -m hub tests
test-more: test-lectures-more test-grading-more test-cluster ## the sweeps CI runs after make test: other seeds, another CPU, the other wrong answers, a Dask cluster
test-lectures-more: $(STAMP) ## the lectures' claims under seeds 1 and 2, the unit tests marked sweep, strict nbval as another CPU
	@mkdir -p test-artifacts; rm -f $(REVIEW_FILE)
	$(PY) $(PYTEST) -n $(JOBS) --dist loadscope tests/notebooks/test_seeds.py
	$(PY) $(PYTEST) -n $(JOBS) --dist loadscope -m "sweep and not grading" tests
	@other="$(OTHER_CPU)"; if [ -z "$$other" ]; then \
	    echo "test-lectures-more: this CPU already runs PyTorch's default kernels; no second capability to try"; \
	else echo "test-lectures-more: again as another CPU, with $$other (native: $$($(PY) -c 'import torch; print(torch.backends.cpu.get_cpu_capability())'))"; \
	    env $$other $(PY) $(NBVAL); fi
test-grading-more: $(STAMP) system-deps ## the wrong answers make test leaves out (it grades one per exercise)
	$(PY) $(PYTEST) -m "grading and sweep" -n $(JOBS) --dist loadscope --durations=10 tests
test-cluster: $(STAMP) system-deps ## grading on a Dask cluster, with its faults
	$(PY) $(PYTEST) -m grading tests/autograder/grading/test_cluster.py
site: $(STAMP) mathjax-deps ## the course as a website in site/, widgets baked [STUDENT_REPO=owner/name] [FRESH=1]
	$(PY) -m autograder.publishing.site $(if $(STUDENT_REPO),--student-repo $(STUDENT_REPO)) $(if $(FRESH),--fresh)
execute-notebooks: $(STAMP) ## run the lectures again in place, so their saved outputs are fresh
	$(PY) -m rnnlab.tools execute notebooks/*.ipynb
bench: $(STAMP) system-deps ## time and memory of everything budgeted: bench/REPORT.md [PARTS=] [REPEATS=] [MAKE_TEST_LOG=]
	$(PY) -m bench.run $(if $(PARTS),--parts $(PARTS),) $(if $(REPEATS),--repeats $(REPEATS),) \
	  $(if $(MAKE_TEST_LOG),--make-test-log $(MAKE_TEST_LOG),)
code-lm: $(STAMP) ## train chapter 09's LSTM on real code again (about 45 minutes): rnnlab/data/code_lm.pt
	$(PY) -m rnnlab.codelm make-weights

##@ Instructors (docs/instructor.md)
lab-instructor: $(STAMP) ## JupyterLab with nbgrader's formgrader
	@$(PY) -m rnnlab.tools trust notebooks/*.ipynb
	@echo "The formgrader shows each score before any late penalty (nbgrader has no place for one there);"
	@echo "the final scores are in reports/<set>/grades.csv and report.md, make hand-grade's pages and make export."
	$(LAB)
assignments: $(STAMP) ## release/, the catalogues of mistakes and the start page from source/ [ASSIGNMENT=ps03]
	$(PY) -m autograder release $(or $(ASSIGNMENT),--all)
remove-assignment: $(STAMP) ## take a set out: source/, release/, its probes, its gradebook rows ASSIGNMENT=ps99 [FORCE=1]
	$(PY) -m autograder remove $(ASSIGNMENT) $(if $(filter 1,$(FORCE)),--force,)
student-dist: $(STAMP) ## the students' repository, from a commit DEST=dir [STUDENT_REPO=owner/name] [COMMIT=1] [FROM=ref] [ALLOW_DIRTY=1]
	$(call need,$(DEST),student-dist DEST=dir [STUDENT_REPO=owner/name] [COMMIT=1] [FROM=ref] [ALLOW_DIRTY=1])
	$(PY) -m autograder.publishing.dist "$(DEST)" $(if $(STUDENT_REPO),--student-repo "$(STUDENT_REPO)",) \
	  $(if $(COMMIT),--commit,) $(if $(FROM),--from "$(FROM)",) $(if $(ALLOW_DIRTY),--allow-dirty,)
roster: $(STAMP) ## the class, from the LMS's export FILE=class-list.csv [ASSIGNMENT=ps03 for Moodle]
	$(call need,$(FILE),roster FILE=class-list.csv)
	$(PY) -m autograder roster "$(FILE)" $(if $(ASSIGNMENT),--assignment $(ASSIGNMENT),)
demo-class: $(STAMP) ## a sample class to try grading on, in a course of its own ASSIGNMENT=ps03
	$(call need,$(ASSIGNMENT),demo-class ASSIGNMENT=ps03)
	$(PY) -m autograder demo $(ASSIGNMENT) demo-class
autograde: $(STAMP) ## grade a folder or an LMS zip ASSIGNMENT=ps03 SUBMISSIONS=path [CLUSTER=tcp://host:8786]
	$(call need,$(and $(ASSIGNMENT),$(SUBMISSIONS)),autograde ASSIGNMENT=ps03 SUBMISSIONS=path [CLUSTER=tcp://scheduler:8786])
	$(PY) -m autograder grade $(ASSIGNMENT) "$(SUBMISSIONS)" $(GRADE_OPTS)
regrade: $(STAMP) ## grade every run's submissions again after a test fix, hand grades kept ASSIGNMENT=ps03
	$(call need,$(ASSIGNMENT),regrade ASSIGNMENT=ps03)
	$(PY) -m autograder regrade $(ASSIGNMENT) $(GRADE_OPTS)
due: $(STAMP) ## a due date ASSIGNMENT=ps03 WHEN="2026-12-01 23:59 UTC", or an extension STUDENT=alice DAYS=2 [HOURS=h]
	$(call need,$(and $(ASSIGNMENT),$(WHEN)$(STUDENT)),due ASSIGNMENT=ps03 WHEN="2026-12-01 23:59 Europe/Berlin" | STUDENT=alice DAYS=2 [HOURS=h])
	$(PY) -m autograder due $(ASSIGNMENT) $(if $(STUDENT),--student "$(STUDENT)" --days $(or $(DAYS),0) --hours $(or $(HOURS),0),"$(WHEN)")
hand-grade: $(STAMP) mathjax-deps ## the explain answers by question, beside the model answer ASSIGNMENT=ps03 [PORT=8765]
	$(call need,$(ASSIGNMENT),hand-grade ASSIGNMENT=ps03 [PORT=8765])
	$(PY) -m autograder handgrade $(ASSIGNMENT) $(if $(PORT),--port $(PORT),)
feedback: $(STAMP) ## feedback HTML after hand grading ASSIGNMENT=ps03
	$(call need,$(ASSIGNMENT),feedback ASSIGNMENT=ps03)
	$(PY) -m autograder feedback $(ASSIGNMENT)
similarity: $(STAMP) ## pairs of unusually alike answers, side by side ASSIGNMENT=ps03
	$(call need,$(ASSIGNMENT),similarity ASSIGNMENT=ps03)
	$(PY) -m autograder similarity $(ASSIGNMENT)
questions: $(STAMP) ## question statistics: reports/<set>/questions.html ASSIGNMENT=ps03
	$(call need,$(ASSIGNMENT),questions ASSIGNMENT=ps03)
	$(PY) -m autograder questions $(ASSIGNMENT)
grades-lms: $(STAMP) ## grades file and feedback zip to upload ASSIGNMENT=ps03 LMS=canvas|moodle [TITLE=] [PER_EXERCISE=1]
	$(call need,$(and $(ASSIGNMENT),$(LMS)),grades-lms ASSIGNMENT=ps03 LMS=canvas|moodle [TITLE=...] [PER_EXERCISE=1])
	$(PY) -m autograder grades-lms $(ASSIGNMENT) --lms $(LMS) $(if $(TITLE),--title "$(TITLE)",) $(if $(PER_EXERCISE),--per-exercise,)
export: $(STAMP) ## final grades of every assignment: reports/gradebook.csv
	@mkdir -p reports
	$(VENV)/bin/nbgrader export --to reports/gradebook.csv
	@echo "grades of all assignments: reports/gradebook.csv"
gradebook-move: $(STAMP) ## the term's gradebook.db into PostgreSQL, for CLUSTER= [TO=url, or RNNLAB_GRADEBOOK_URL]
	$(call need,$(TO)$(RNNLAB_GRADEBOOK_URL),gradebook-move after export RNNLAB_GRADEBOOK_URL=postgresql+psycopg://grader:PASSWORD@host/database (or TO=<URL>))
	@$(PY) -m autograder gradebook-move $(if $(TO),--to "$(TO)",)
try-cluster: $(STAMP) ## a throwaway PostgreSQL and Dask cluster here, to try CLUSTER= [WORKERS=2]
	$(PY) -m autograder try-cluster --workers $(or $(WORKERS),$(JOBS))
hub: $(STAMP) system-deps hub-deps ## a JupyterHub with nbgrader's exchange on this machine (root; docs/hub.md) [HUB_ARGS=]
	$(PY) -m autograder.deploying.hub $(HUB_ARGS)
badges: $(STAMP) ## point the README's badges at your copy (the origin remote)
	$(PY) -m autograder.publishing.badges README.md
clean: ## remove what grading and the tests wrote
	rm -rf submitted staged autograded feedback reports demo-class gradebook.db .pytest_cache .hypothesis test-artifacts grading-runs .site-cache
	find . -name __pycache__ -not -path "./$(VENV)/*" -prune -exec rm -rf {} +
distclean: clean ## and the virtual environments and tools installed
	rm -rf $(VENV) .hub .colab deploy/hub/node_modules deploy/mathjax/node_modules

# The tools the tests and some commands need, pinned: scripts/system-deps.sh (bubblewrap, Chromium,
# PostgreSQL), npm lockfiles (JupyterHub's proxy; MathJax for the hand-grading pages, never a CDN),
# and virtual environments of their own, every package pinned in one file (installed with --no-deps):
# ngshare's (it needs SQLAlchemy 1.4) and a Colab-like one (Colab's ipywidgets, another torch; 5.7 GB).
system-deps:
	@./scripts/system-deps.sh
PROXY := deploy/hub/node_modules/.bin/configurable-http-proxy
hub-deps: $(PROXY)
$(PROXY): deploy/hub/package.json deploy/hub/package-lock.json
	npm ci --prefix deploy/hub --no-audit --no-fund --loglevel=error
	@touch $@
MATHJAX := deploy/mathjax/node_modules/.rnnlab-installed
mathjax-deps: $(MATHJAX)
$(MATHJAX): deploy/mathjax/package.json deploy/mathjax/package-lock.json
	npm ci --prefix deploy/mathjax --no-audit --no-fund --loglevel=error
	@touch $@
define pinned-venv
	rm -rf $(1)
	$(PY) -m venv $(1)
	$(1)/bin/python -m pip install --quiet --no-deps -r $(2)
	@touch $(1)/.installed
endef
NGSHARE_VENV := .hub/ngshare-venv
ngshare-deps: $(NGSHARE_VENV)/.installed
$(NGSHARE_VENV)/.installed: deploy/ngshare/requirements.txt | $(STAMP)
	$(call pinned-venv,$(NGSHARE_VENV),$<)
COLAB_VENV := .colab/venv
colab-deps: $(COLAB_VENV)/.installed
$(COLAB_VENV)/.installed: deploy/colab/requirements.txt | $(STAMP)
	$(call pinned-venv,$(COLAB_VENV),$<)
