"""The GitHub Actions workflow: valid for GitHub (checked offline), and running the README's tests."""

from __future__ import annotations

import copy
import json
import os
import re
import subprocess
import sys
from importlib.resources import files
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]
WORKFLOW = REPO / ".github" / "workflows" / "test.yml"


def load(path: Path = WORKFLOW) -> dict:
    wf = yaml.safe_load(path.read_text())
    # YAML 1.1 reads the key `on` as True
    if True in wf:
        wf["on"] = wf.pop(True)
    return wf


def runs(job: dict) -> list[str]:
    return [step["run"].strip() for step in job["steps"] if "run" in step]


def validate(paths: list[Path]) -> dict[str, list[str]]:
    """check-jsonschema against its vendored copy of GitHub's workflow schema: errors per file.

    Any attempt to reach the network goes to a closed local port, so a schema that is not
    vendored fails here instead of being downloaded."""
    env = dict(
        os.environ,
        HTTP_PROXY="http://127.0.0.1:9",
        HTTPS_PROXY="http://127.0.0.1:9",
        http_proxy="http://127.0.0.1:9",
        https_proxy="http://127.0.0.1:9",
    )
    # jsonschema compiles rfc3987_syntax's grammar on import (seconds) for the "iri" format;
    # the vendored workflow schema uses no string format, so declaring it absent changes nothing
    schema = files("check_jsonschema.builtin_schemas.vendor") / "github-workflows.json"
    assert '"format"' not in schema.read_text()
    run = "import sys; sys.modules['rfc3987_syntax'] = None; import check_jsonschema as c; c.main()"
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            run,
            "--builtin-schema",
            "vendor.github-workflows",
            "--output-format",
            "json",
            *map(str, paths),
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    report = json.loads(proc.stdout)
    errors: dict[str, list[str]] = {str(p): [] for p in paths}
    for err in report.get("errors", []):
        deepest = err.get("best_deep_match") or err
        errors[err["filename"]].append(f"{deepest['path']}: {deepest['message']}")
    assert proc.returncode == (1 if any(errors.values()) else 0), proc.stderr
    assert not report.get("parse_errors"), report["parse_errors"]
    return errors


def broken_copies() -> dict[str, dict]:
    """The workflow with one mistake each that GitHub would reject."""
    wf = load()
    no_runner = copy.deepcopy(wf)
    no_runner["jobs"]["debian"].pop("runs-on", None)
    uses_and_run = copy.deepcopy(wf)
    uses_and_run["jobs"]["debian"]["steps"][0]["run"] = "git status"
    bad_permission = copy.deepcopy(wf)
    bad_permission["permissions"] = {"contents": "full"}
    bad_trigger = copy.deepcopy(wf)
    bad_trigger["on"] = {"pushed": None}
    return {
        "job-without-runs-on": no_runner,
        "step-with-uses-and-run": uses_and_run,
        "permission-that-is-no-level": bad_permission,
        "unknown-event": bad_trigger,
    }


def test_workflow_is_valid_for_github_and_broken_copies_are_not(tmp_path):
    copies = {}
    for name, wf in broken_copies().items():
        copies[name] = tmp_path / f"{name}.yml"
        copies[name].write_text(yaml.safe_dump(wf, sort_keys=False))
    errors = validate([WORKFLOW, *copies.values()])
    assert errors[str(WORKFLOW)] == [], errors[str(WORKFLOW)]
    # each copy differs from the valid workflow in one place, and fails there
    where = {
        "job-without-runs-on": "$.jobs.debian",
        "step-with-uses-and-run": "$.jobs.debian",
        "permission-that-is-no-level": "$.permissions",
        "unknown-event": "$.on",
    }
    for name, path in copies.items():
        assert errors[str(path)], f"the schema accepted a workflow with a {name}"
        assert all(e.startswith(where[name]) for e in errors[str(path)]), (name, errors[str(path)])


def test_debian_job_runs_the_readmes_test_command_as_root_with_cpu_torch():
    readme = (REPO / "README.md").read_text()
    block = re.search(r"## Start.*?```sh\n(.*?)```", readme, re.S).group(1)
    commands = [line.split("#")[0].strip() for line in block.splitlines()]
    test_command = next(c for c in commands if c.startswith("make test"))
    assert test_command == "make test"

    wf = load()
    assert set(wf["on"]) == {"push", "pull_request"}
    job = wf["jobs"]["debian"]
    assert test_command in runs(job)
    assert "bookworm" in job["container"]["image"]
    assert "--privileged" in job["container"]["options"]
    assert job["env"]["PIP_EXTRA_INDEX_URL"] == "https://download.pytorch.org/whl/cpu"
    before = runs(job)[: runs(job).index(test_command)]
    assert any("make system-deps" in r for r in before), "chromium and bubblewrap come first"
    upload = [s for s in job["steps"] if s.get("uses", "").startswith("actions/upload-artifact@")]
    assert len(upload) == 1 and upload[0]["if"] == "always()"
    assert upload[0]["with"]["path"].rstrip("/") == "test-artifacts"
    # then the sweeps moved out of make test (issue 58), here and in .ci/run, the machines' CI
    assert runs(job)[runs(job).index(test_command) + 1] == "make test-more"
    ci = (REPO / ".ci" / "run").read_text().splitlines()
    assert ci.index(test_command) < ci.index("make test-more"), ci


def test_the_sweeps_run_every_test_make_test_leaves_out():
    """make test-more runs what issue 58 took out of make test (the seeds' module, the cluster's,
    and nbval as another CPU) and the wrong answers issue 77 took out, and make test's own parts no
    longer run them."""
    makefile = (REPO / "Makefile").read_text().replace("\\\n", " ")  # a recipe's continued lines

    def recipe(target):
        return re.search(rf"^{target}:.*?\n((?:\t.*\n|.*\\\n)*)", makefile, re.M).group(1)

    assert "tests/notebooks/test_seeds.py" in recipe("test-lectures-more") and "$(OTHER_CPU)" in recipe(
        "test-lectures-more"
    )
    assert "tests/autograder/grading/test_cluster.py" in recipe("test-cluster")
    assert re.search(r"^test-more: test-lectures-more test-grading-more test-cluster( *##.*)?$", makefile, re.M)
    assert "test_seeds" not in recipe("test-notebooks") and "OTHER_CPU" not in recipe("test-notebooks")
    assert "--ignore=tests/autograder/grading/test_cluster.py" in recipe("test-grading")
    # the tests marked sweep: records trained again under other seeds, another CPU's bits, and
    # the wrong answers graded in make test-more only
    assert '-m "sweep and not grading" tests' in recipe("test-lectures-more") and "not sweep" in recipe("test-unit")
    assert '-m "grading and not sweep"' in recipe("test-grading")
    assert '-m "grading and sweep"' in recipe("test-grading-more")
    marked = [p.name for p in (REPO / "tests").rglob("test_*.py") if "@pytest.mark.sweep" in p.read_text()]
    assert marked, "no test is marked sweep"


def test_macos_job_runs_the_lecture_notebooks_on_arm():
    job = load()["jobs"]["macos"]
    assert job["runs-on"] == "macos-14"
    assert runs(job)[-2:] == ["make test-notebooks", "make test-lectures-more"]


def test_every_make_target_the_workflow_runs_exists():
    makefile = (REPO / "Makefile").read_text().replace("\\\n", " ")  # a recipe's continued lines
    targets = set(re.findall(r"^([A-Za-z0-9_./$()-]+):", makefile, re.M))
    targets.add(".venv/.installed")  # $(STAMP)
    for job in load()["jobs"].values():
        for run in runs(job):
            for target in re.findall(r"\bmake ([A-Za-z0-9_./-]+)", run):
                assert target in targets, f"the workflow runs `make {target}`, which is no target"


def test_test_recipes_write_bytecode_caches_where_the_shell_says_not_to():
    """Each part of make test runs with PYTHONDONTWRITEBYTECODE emptied (issue 58: with it set, each
    collection of the whole suite rewrote every test module's asserts again, 14.5 s of CPU against
    8.6 s). The recipe's Python is replaced by one that prints whether it would write them."""
    probe = f"{sys.executable} -c 'import sys; print(\"writes\", not sys.flags.dont_write_bytecode)' #"
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    for target in (
        "test-unit",
        "test-notebooks",
        "test-grading",
        "test-hub",
        "test-site",
        "test-lab",
        "test-hub-site",
        "test-browser",
    ):
        out = subprocess.run(
            ["make", "--no-print-directory", "-s", target, f"PY={probe}"],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        ).stdout
        said = [line for line in out.splitlines() if line.startswith("writes ")]
        assert said and set(said) == {"writes True"}, (target, out[-2000:])


def test_parallel_parts_keep_each_module_and_class_on_one_worker():
    """Tests that share a module's or a class's fixture (a lecture run in JupyterLab, a graded batch, a
    server) stay on one pytest worker under --dist loadscope. pytest-xdist 3.8's xdist_group marks group
    nothing with pytest 9.2 (they rename node ids, which pytest 9.2 no longer reads:
    pytest-dev/pytest-xdist#1386): no test relies on one."""
    makefile = (REPO / "Makefile").read_text().replace("\\\n", " ")  # a recipe's continued lines
    parallel = [line for line in makefile.splitlines() if "PYTEST" in line.upper() and "-n $(JOBS)" in line]
    assert len(parallel) >= 5, parallel
    assert all("--dist loadscope" in line for line in parallel), parallel
    marked = [p.name for p in (REPO / "tests").rglob("*.py") if p != Path(__file__) and "xdist_group(" in p.read_text()]
    assert not marked, f"xdist_group groups nothing here; share a module or a class instead: {marked}"
