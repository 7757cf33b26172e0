"""deploy/z2jh-values.yaml: the structure the course needs, and broken copies that must fail.

The chart's schema is not available offline and nothing ran on a cluster: this is what can be
checked here (docs/hub.md says so too)."""
import re
from pathlib import Path

import pytest
import yaml

from autograder import z2jh

REPO = Path(__file__).resolve().parent.parent
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
    assert re.search(rf"repo2docker .*\n.*--image-name {re.escape(image)} \.", text())
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
    assert any("/home/jovyan" in p for p in
               broken(lambda v: v["singleuser"]["storage"].update(homeMountPath="/home/student")))
    assert any("OMP_NUM_THREADS" in p for p in broken(lambda v: v["singleuser"].pop("extraEnv")))


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
    assert values["singleuser"]["image"] == yaml.safe_load(text())["singleuser"]["image"]   # merged, kept
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
