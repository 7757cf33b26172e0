##@ Students
# The course's virtual environment, `make lab` and `make progress`, which the Makefile includes.
# Every target creates the virtual environment first if it is missing.
SHELL := /bin/bash

VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
# nbgrader runs `alembic` from PATH, and kernels started by any tool inherit this environment:
# one CPU thread is several times faster than two for the course's small models.
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)
export OMP_NUM_THREADS := 1
export PYDEVD_DISABLE_FILE_VALIDATION := 1
ROOTFLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)

# The install also reads chapter 09's real code (torch's own files) once, so the lecture finds
# it cut and kept (rnnlab.realcode: about 10 s here, once).
$(STAMP): requirements.txt constraints.txt pyproject.toml
	@test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet -r requirements.txt -c constraints.txt
	$(PY) -m rnnlab.realcode
	@touch $(STAMP)

# A student's progress: the visible tests of every problem set in release/; ONLY=ps03 for one of
# them. It ends with its own count: tests that do not pass yet are where a student stands, not a
# failure of make (python -m rnnlab.progress exits 1 for them, to gate a script); a real error
# (no problem sets, say) still fails.
progress: $(STAMP) ## which visible tests of your problem sets pass [ONLY=ps03]
	@$(PY) -m rnnlab.progress release $(if $(ONLY),--only $(ONLY),); status=$$?; [ $$status -le 1 ] || exit $$status

# Students: nbgrader's Validate, without the instructor's formgrader, course list and Create
# Assignment toolbar (jupyter/student), nor the assignment list, which needs a JupyterHub's
# exchange and says "Error fetching courses!" on this machine (jupyter/local, read first).
LAB := $(VENV)/bin/jupyter lab --ServerApp.root_dir=$(CURDIR) --ip=127.0.0.1 $(ROOTFLAG) \
       --LabApp.default_url=/lab/tree/notebooks/00_start_here.ipynb
# The course's own notebooks are trusted first: JupyterLab shows saved widgets only in a trusted notebook.
lab: $(STAMP) ## install everything (the first time) and open JupyterLab at the start page
	@$(PY) -m rnnlab.tools trust notebooks/*.ipynb
	JUPYTER_CONFIG_PATH=$(CURDIR)/jupyter/local:$(CURDIR)/jupyter/student $(LAB)
