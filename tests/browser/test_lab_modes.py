"""make lab gives students nbgrader's assignment tools without the instructor's; make
lab-instructor gives everything. Checked on a real JupyterLab server for each."""

import os
import subprocess

import pytest

from lab_servers import INSTRUCTOR_ONLY, REPO, disabled_extensions, lab_command, running_lab, status

# a student's own JupyterLab has no exchange: the assignment list would say "Error fetching courses!"
EXCHANGE_ONLY = ["@jupyter/nbgrader:assignment-list", "@jupyter/nbgrader:menu"]


@pytest.fixture(scope="module", params=["lab", "lab-instructor"])
def server(request, tmp_path_factory):
    env_extra, args = lab_command(request.param)
    with running_lab(env_extra, args, tmp_path_factory.mktemp(request.param)) as (base, page):
        yield request.param, base, page


def test_students_lack_the_instructor_tools_and_instructors_have_them(server):
    target, base, page = server
    formgrader = status(f"{base}/formgrader?token=t")
    assignments = status(f"{base}/assignments?token=t")
    if target == "lab":
        assert formgrader == 404 and assignments == 404
        for plugin in INSTRUCTOR_ONLY + EXCHANGE_ONLY:
            assert f'"{plugin}"' in disabled_extensions(page)
    else:
        assert formgrader in (200, 302) and assignments not in (0, 404)
        assert '"disabledExtensions": []' in page
    # Validate stays for everyone: its button and the version check it asks first
    assert "@jupyter/nbgrader:validate-assignment" not in disabled_extensions(page)
    assert status(f"{base}/nbgrader_version?version=0&token=t") == 200


@pytest.mark.parametrize("target", ["lab", "lab-instructor"])
def test_lab_trusts_the_course_notebooks_before_it_starts(target, tmp_path):
    """JupyterLab draws saved widgets only in trusted notebooks: without this step a fresh clone
    shows every widget as VBox(children=...) text until it is run."""
    import nbformat
    from nbformat.sign import NotebookNotary

    lines = (
        subprocess.run(["make", "-n", "-s", target], cwd=REPO, capture_output=True, text=True, check=True)
        .stdout.strip()
        .splitlines()
    )
    trust = [line for line in lines[:-1] if "rnnlab.tools trust" in line]
    assert trust, f"make {target} starts JupyterLab without trusting the lectures"
    env = dict(os.environ, JUPYTER_DATA_DIR=str(tmp_path))  # a private notary, not this user's
    lectures = sorted((REPO / "notebooks").glob("*.ipynb"))
    notary = NotebookNotary(data_dir=str(tmp_path))
    assert not any(notary.check_signature(nbformat.read(p, 4)) for p in lectures)
    subprocess.run(trust[0], shell=True, cwd=REPO, env=env, check=True, capture_output=True)
    notary = NotebookNotary(data_dir=str(tmp_path))
    assert all(notary.check_signature(nbformat.read(p, 4)) for p in lectures)
