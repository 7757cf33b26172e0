"""deploy/z2jh-values.yaml: the structure the course needs, and broken copies that must fail.

The chart's schema is not available offline and nothing ran on a cluster: this is what can be
checked here (docs/hub.md says so too)."""

import re
from pathlib import Path

import pytest
import yaml

from autograder.deploying import z2jh

REPO = Path(__file__).resolve().parents[3]
VALUES = REPO / "deploy" / "z2jh-values.yaml"


def text() -> str:
    return VALUES.read_text()


def dumped(values: dict) -> str:
    # keep the header comments (the repo2docker command) and replace the values
    header = "".join(line + "\n" for line in text().splitlines() if line.startswith("#"))
    return header + yaml.safe_dump(values)


def test_the_committed_values_file_passes():
    assert z2jh.problems(text()) == []
    assert z2jh.main([str(VALUES)]) == 0


def test_the_image_is_the_one_repo2docker_builds_from_binder():
    values = yaml.safe_load(text())
    image = f"{values['singleuser']['image']['name']}:{values['singleuser']['image']['tag']}"
    built = re.search(rf"repo2docker .*\n.*--image-name {re.escape(image)} (\S+)", text())
    assert built and built.group(1) != "."
    assert re.search(rf"make student-dist DEST={re.escape(built.group(1))}\n", text())
    # the image's environment is binder/: it must carry jupyterhub (for jupyterhub-singleuser)
    assert re.search(r"^jupyterhub==", (REPO / "binder" / "requirements.txt").read_text(), re.M)


def broken(change) -> list[str]:
    values = yaml.safe_load(text())
    change(values)
    return z2jh.problems(dumped(values))


def test_a_missing_image_fails():
    found = broken(lambda v: v["singleuser"].pop("image"))
    assert any("singleuser.image.name is missing" in p for p in found), found
    found = broken(lambda v: v["singleuser"]["image"].update(tag="latest"))
    assert any("not 'latest'" in p for p in found), found


def test_an_image_other_than_the_one_built_fails():
    found = broken(lambda v: v["singleuser"]["image"].update(name="jupyter/base-notebook"))
    assert any("repo2docker builds" in p for p in found), found


def test_a_wrong_volume_mount_fails():
    def elsewhere(v):
        v["singleuser"]["storage"]["extraVolumeMounts"][0]["mountPath"] = "/srv/exchange"

    found = broken(elsewhere)
    assert any("no extra volume is mounted at the exchange root" in p for p in found), found

    def unnamed(v):
        v["singleuser"]["storage"]["extraVolumeMounts"][0]["name"] = "exchange"

    found = broken(unnamed)
    assert any("names no volume" in p for p in found), found

    def private(v):
        v["singleuser"]["storage"]["extraVolumes"][0] = {"name": "nbgrader-exchange", "emptyDir": {}}

    found = broken(private)
    assert any("is not shared" in p for p in found), found


def test_an_exchange_path_mismatch_fails():
    def other_root(v):
        f = v["singleuser"]["extraFiles"]["nbgrader-config"]
        f["stringData"] = f["stringData"].replace("/srv/nbgrader/exchange", "/srv/nbgrader/exch")

    found = broken(other_root)
    assert any("no extra volume is mounted at the exchange root /srv/nbgrader/exch" in p for p in found), found

    def no_config(v):
        v["singleuser"].pop("extraFiles")

    found = broken(no_config)
    assert any("no nbgrader_config.py" in p for p in found), found

    def unread(v):
        v["singleuser"]["extraFiles"]["nbgrader-config"]["mountPath"] = "/opt/nbgrader_config.py"

    found = broken(unread)
    assert any("where nbgrader does not look" in p for p in found), found


def test_other_course_id_home_and_threads_fail():
    def other_course(v):
        f = v["singleuser"]["extraFiles"]["nbgrader-config"]
        f["stringData"] = f["stringData"].replace("rnn-deep-dive", "rnn-101")

    assert any("course id 'rnn-101'" in p for p in broken(other_course))
    assert any(
        "/home/jovyan" in p for p in broken(lambda v: v["singleuser"]["storage"].update(homeMountPath="/home/student"))
    )
    assert any("OMP_NUM_THREADS" in p for p in broken(lambda v: v["singleuser"].pop("extraEnv")))


def test_an_image_built_from_the_repository_fails():
    """The values before issue 29 (class 7): repo2docker built the repository itself (`.`),
    source/ and .git included."""
    old = (
        text()
        .replace("#   make student-dist DEST=../rnn-course-students\n", "")
        .replace("course:2026-1 ../rnn-course-students", "course:2026-1 .")
    )
    assert "student-dist" not in old.split("hub:")[0].replace("student distribution", "")
    found = z2jh.problems(old)
    assert any("built from the student distribution" in p for p in found), found
    # the student distribution made, but another folder built
    found = z2jh.problems(text().replace("course:2026-1 ../rnn-course-students", "course:2026-1 ."))
    assert any("repo2docker builds ., not the student distribution ../rnn-course-students" in p for p in found), found
    found = z2jh.problems(text().replace("course:2026-1 ../rnn-course-students", "course:2026-1"))
    assert any("names no folder to build" in p for p in found), found


def _course_with(tmp_path, post_build: str, requirements: str | None = None) -> Path:
    """A copy of what the check reads of the course, with another binder/postBuild."""
    course = tmp_path / "course"
    (course / "binder").mkdir(parents=True)
    (course / "nbgrader_config.py").write_text((REPO / "nbgrader_config.py").read_text())
    (course / "binder" / "requirements.txt").write_text(
        requirements if requirements is not None else (REPO / "binder" / "requirements.txt").read_text()
    )
    (course / "binder" / "postBuild").write_text(post_build)
    return course


def test_import_rnnlab_must_survive_the_home_volume(tmp_path):
    post = (REPO / "binder" / "postBuild").read_text()
    assert z2jh.problems(text(), _course_with(tmp_path / "same", post)) == []
    # the postBuild before issue 29 (class 7): an editable install, which reads /home/jovyan
    editable = post.replace("pip install --no-deps .", "pip install --no-deps -e .")
    found = z2jh.problems(text(), _course_with(tmp_path / "editable", editable))
    assert any("installs the course package editable" in p for p in found), found
    for flag in ("--user", "--target /home/jovyan/lib"):
        found = z2jh.problems(
            text(),
            _course_with(
                tmp_path / flag[2:6], post.replace("pip install --no-deps .", f"pip install --no-deps {flag} .")
            ),
        )
        assert any("installs into a folder of its own" in p for p in found), (flag, found)
    found = z2jh.problems(text(), _course_with(tmp_path / "none", post.replace("pip install --no-deps .", "")))
    assert any("does not install the course package" in p for p in found), found
    found = z2jh.problems(text(), _course_with(tmp_path / "reqs", post, "-e .\n"))
    assert any("binder/requirements.txt installs something editable" in p for p in found), found
    found = broken(lambda v: v["singleuser"]["extraEnv"].update(PYTHONPATH="/home/jovyan"))
    assert any("PYTHONPATH has /home/jovyan, inside the home volume" in p for p in found), found
    found = broken(lambda v: v["singleuser"]["storage"].update(homeMountPath="/srv"))
    assert any("mounted over the image's environment" in p for p in found), found


def test_students_servers_get_the_student_jupyter_settings(tmp_path):
    found = broken(lambda v: v["singleuser"]["extraEnv"].pop("JUPYTER_CONFIG_PATH"))
    assert any("JUPYTER_CONFIG_PATH must name" in p for p in found), found
    found = broken(
        lambda v: v["singleuser"]["extraEnv"].update(
            JUPYTER_CONFIG_PATH=f"/home/jovyan/jupyter/student:{z2jh.STUDENT_SETTINGS}"
        )
    )
    assert any("JUPYTER_CONFIG_PATH has /home/jovyan/jupyter/student, inside the home" in p for p in found), found
    post = "\n".join(
        line
        for line in (REPO / "binder" / "postBuild").read_text().splitlines()
        if not line.startswith("cp -r jupyter/student")
    )
    found = z2jh.problems(text(), _course_with(tmp_path, post))
    assert any("does not copy jupyter/student" in p for p in found), found
    # and the settings postBuild copies are the ones that turn the instructor's tools off
    page = (REPO / "jupyter" / "student" / "labconfig" / "page_config.json").read_text()
    assert "@jupyter/nbgrader:create-assignment" in page and "@jupyter/nbgrader:formgrader" in page


def test_bad_input_is_reported_not_raised(tmp_path):
    assert z2jh.problems("singleuser: [unclosed")[0].startswith("not valid YAML")
    assert z2jh.problems("- a list") == ["the file holds no mapping of chart values"]
    bad = tmp_path / "values.yaml"
    bad.write_text("singleuser: {}\n")
    with pytest.raises(z2jh.ValuesError, match="image.name is missing"):
        z2jh.check(bad)
    assert z2jh.main([str(tmp_path / "absent.yaml")]) == 1


# -- ngshare as the exchange: deploy/z2jh-ngshare.yaml on top of the main values ----------------
NGSHARE = REPO / "deploy" / "z2jh-ngshare.yaml"


def ng_broken(change) -> list[str]:
    overlay = yaml.safe_load(NGSHARE.read_text())
    change(overlay)
    return z2jh.problems(text(), REPO, yaml.safe_dump(overlay))


def test_the_ngshare_overlay_passes_and_replaces_the_shared_volume():
    assert z2jh.problems(text(), REPO, NGSHARE.read_text()) == []
    assert z2jh.main([str(VALUES), str(NGSHARE)]) == 0
    values = z2jh.merged(yaml.safe_load(text()), yaml.safe_load(NGSHARE.read_text()))
    assert values["singleuser"]["storage"]["extraVolumeMounts"] == []
    assert values["singleuser"]["image"] == yaml.safe_load(text())["singleuser"]["image"]  # merged, kept
    assert "configureExchange" in values["singleuser"]["extraFiles"]["nbgrader-config"]["stringData"]


def test_ngshare_overlay_with_a_wrong_service_fails():
    def other_port(o):
        o["hub"]["extraConfig"]["ngshare.py"] = o["hub"]["extraConfig"]["ngshare.py"].replace(":8080", ":8081")

    assert any("but nbgrader talks to" in p for p in ng_broken(other_port))
    assert any("registers no such service" in p for p in ng_broken(lambda o: o.pop("hub")))

    def bad_url(o):
        f = o["singleuser"]["extraFiles"]["nbgrader-config"]
        f["stringData"] = f["stringData"].replace("/services/ngshare", "/ngshare")

    assert any("not <service url>/services/<name>" in p for p in ng_broken(bad_url))


def test_ngshare_overlay_without_network_access_or_course_id_fails():
    assert any("privateIPs" in p for p in ng_broken(lambda o: o["singleuser"].pop("networkPolicy")))

    def other_course(o):
        f = o["singleuser"]["extraFiles"]["nbgrader-config"]
        f["stringData"] = f["stringData"].replace("rnn-deep-dive", "rnn-101")

    assert any("course id 'rnn-101'" in p for p in ng_broken(other_course))


def test_ngshare_needs_ngshare_exchange_in_the_image(tmp_path):
    (tmp_path / "binder").mkdir()
    (tmp_path / "binder" / "requirements.txt").write_text("nbgrader==0.9.6\n")
    (tmp_path / "nbgrader_config.py").write_text((REPO / "nbgrader_config.py").read_text())
    found = z2jh.problems(text(), tmp_path, NGSHARE.read_text())
    assert any("no ngshare_exchange" in p for p in found), found


def test_helm_like_merge():
    assert z2jh.merged({"a": {"b": 1, "c": [1]}}, {"a": {"c": [], "d": 2}}) == {"a": {"b": 1, "c": [], "d": 2}}
    assert z2jh.problems(text(), REPO, "- a list") == ["overlay 1: the file holds no mapping of chart values"]
