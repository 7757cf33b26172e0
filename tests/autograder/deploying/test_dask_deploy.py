"""deploy/dask-grading.yaml: the grading workers' DaskCluster has what the course needs, and
broken copies fail. Nothing ran on a Kubernetes cluster: this is what can be checked here."""

import copy

import pytest
import yaml

from autograder.course.folder import REPO
from autograder.deploying import daskdeploy

FILE = REPO / "deploy" / "dask-grading.yaml"
VALUES = yaml.safe_load(FILE.read_text())


def test_the_committed_file_passes():
    assert daskdeploy.problems(FILE.read_text()) == []
    assert daskdeploy.main([str(FILE)]) == 0


def worker(v):
    return v["spec"]["worker"]["spec"]["containers"][0]


def scheduler(v):
    return v["spec"]["scheduler"]["spec"]["containers"][0]


def _threads(v):
    worker(v)["args"][worker(v)["args"].index("--nthreads") + 1] = "4"


def _private_course(v):
    v["spec"]["worker"]["spec"]["volumes"][0] = {"name": "course", "emptyDir": {}}


def _elsewhere(v):
    worker(v)["volumeMounts"][0]["mountPath"] = "/srv/course"


def _literal_url(v):
    worker(v)["env"][1] = {"name": "RNNLAB_GRADEBOOK_URL", "value": "postgresql+psycopg://grader:secret@db/course"}


def _system_python(v):
    worker(v)["args"][0] = "/usr/bin/python3"


def _small(v):
    worker(v)["resources"]["limits"]["memory"] = "2Gi"


def _default_seccomp(v):
    worker(v)["securityContext"].pop("seccompProfile")


def _masked_proc(v):
    v["spec"]["worker"]["spec"].pop("hostUsers")


def _privileged(v):
    worker(v)["securityContext"]["privileged"] = True


def _saturated(v):
    scheduler(v)["env"] = []


def _no_port(v):
    v["spec"]["scheduler"]["service"]["ports"][0]["port"] = 8787


BROKEN = {
    _threads: "--nthreads 1 is missing",
    _private_course: "not shared",
    _elsewhere: "no volume is mounted",
    _literal_url: "from a Secret",
    _system_python: ".venv/bin/python",
    _small: "memory limit",
    _default_seccomp: "seccomp",
    _masked_proc: "procMount Unmasked",
    _privileged: "privileged",
    _saturated: "WORKER_SATURATION",
    _no_port: "port 8786",
}


@pytest.mark.parametrize("change", BROKEN, ids=[f.__name__.strip("_") for f in BROKEN])
def test_a_broken_copy_fails(change):
    values = copy.deepcopy(VALUES)
    change(values)
    found = daskdeploy.problems(yaml.safe_dump(values))
    assert any(BROKEN[change] in p for p in found), found


def test_a_password_written_in_the_file_fails():
    text = FILE.read_text().replace("key: url", "key: url\n# postgresql://grader:secret@db/course is in the Secret")
    assert daskdeploy.problems(text) == []  # a comment is not configuration
    text = FILE.read_text() + "\nextra: postgresql://grader:secret@db/course\n"
    assert any("password" in p for p in daskdeploy.problems(text))


def test_a_worker_that_cannot_see_the_course_says_so(tmp_path):
    from autograder.grading.cluster import worker_problem

    assert worker_problem(str(REPO), sandboxed=False) is None
    assert "does not see the course folder" in worker_problem(str(tmp_path / "course"), sandboxed=False)
