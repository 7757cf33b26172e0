"""Structural check of the course's Zero to JupyterHub values file (deploy/z2jh-values.yaml).

The chart's own schema is not available offline, so this checks what the course depends on:

- the single-user image is named and tagged (not `latest`), and the file says how repo2docker
  builds exactly that image from the repository (binder/ is its environment);
- the servers run `jupyterhub-singleuser` with one CPU thread per kernel;
- nbgrader's exchange is a shared volume: an extra volume backed by a claim (or NFS), mounted
  at the very path that the nbgrader config shipped in `singleuser.extraFiles` names as
  `c.Exchange.root`, outside the users' home volume, with the course id of nbgrader_config.py;
- the home volume is mounted over the image's copy of the repository (/home/jovyan), which
  holds source/.

    python -m autograder.z2jh deploy/z2jh-values.yaml      # exit 1 and the problems if any
"""
from __future__ import annotations

import posixpath
import re
import sys
from pathlib import Path

import yaml

from .course import REPO

IMAGE_HOME = "/home/jovyan"          # where repo2docker puts the repository in the image
CONFIG_DIRS = ("/etc/jupyter", "/usr/local/etc/jupyter")   # system config that nbgrader reads


class ValuesError(ValueError):
    pass


def _get(tree, *keys, default=None):
    for key in keys:
        if not isinstance(tree, dict) or key not in tree:
            return default
        tree = tree[key]
    return tree


def _assigned(source: str, name: str) -> str | None:
    """The string assigned to `c.<name>` in a config file's text, or None."""
    m = re.search(rf"^\s*c\.{re.escape(name)}\s*=\s*(['\"])(.*?)\1\s*$", source, re.M)
    return m.group(2) if m else None


def course_id(course: Path = REPO) -> str | None:
    return _assigned((course / "nbgrader_config.py").read_text(), "CourseDirectory.course_id")


def problems(text: str, course: Path = REPO) -> list[str]:
    """Everything wrong with a values file's text (an empty list if nothing)."""
    try:
        values = yaml.safe_load(text)
    except yaml.YAMLError as err:
        return [f"not valid YAML: {err}"]
    if not isinstance(values, dict):
        return ["the file holds no mapping of chart values"]
    found: list[str] = []
    single = _get(values, "singleuser", default={}) or {}

    name, tag = _get(single, "image", "name"), _get(single, "image", "tag")
    if not name or not isinstance(name, str):
        found.append("singleuser.image.name is missing: the servers would run the chart's default "
                     "image, without torch or the course")
    if tag in (None, "") or str(tag) == "latest":
        found.append("singleuser.image.tag must name one build (not missing, not 'latest')")
    if name and tag not in (None, ""):
        built = re.search(r"repo2docker\b[^\n]*(?:\n#[^\n]*)*?--image-name\s+(\S+)", text)
        if not built:
            found.append("the file does not say how repo2docker builds its image (a comment with "
                         "`repo2docker ... --image-name NAME:TAG .`)")
        elif built.group(1) != f"{name}:{tag}":
            found.append(f"repo2docker builds {built.group(1)} but the servers run {name}:{tag}")

    if _get(single, "cmd") != "jupyterhub-singleuser":
        found.append("singleuser.cmd must be jupyterhub-singleuser (the image's start script "
                     "binder/start runs first)")
    if str(_get(single, "extraEnv", "OMP_NUM_THREADS")) != "1":
        found.append("singleuser.extraEnv.OMP_NUM_THREADS must be \"1\" (several times faster for "
                     "the course's small models)")

    # nbgrader's configuration and its exchange path
    configs = [(key, f) for key, f in (_get(single, "extraFiles", default={}) or {}).items()
               if isinstance(f, dict) and str(f.get("mountPath", "")).endswith("nbgrader_config.py")]
    root = None
    if not configs:
        found.append("no nbgrader_config.py in singleuser.extraFiles: the servers would not know "
                     "the exchange")
    for key, f in configs:
        where = posixpath.dirname(f["mountPath"])
        if where not in CONFIG_DIRS:
            found.append(f"extraFiles.{key} is mounted in {where}, where nbgrader does not look "
                         f"for system config ({', '.join(CONFIG_DIRS)})")
        body = f.get("stringData") or ""
        root = _assigned(body, "Exchange.root")
        if not root:
            found.append(f"extraFiles.{key} sets no c.Exchange.root")
        cid = _assigned(body, "CourseDirectory.course_id")
        if cid != course_id(course):
            found.append(f"extraFiles.{key} sets course id {cid!r}; nbgrader_config.py says "
                         f"{course_id(course)!r}")

    volumes = {v.get("name"): v for v in (_get(single, "storage", "extraVolumes", default=[]) or [])
               if isinstance(v, dict)}
    mounts = [m for m in (_get(single, "storage", "extraVolumeMounts", default=[]) or [])
              if isinstance(m, dict)]
    home = _get(single, "storage", "homeMountPath", default=IMAGE_HOME)
    if home != IMAGE_HOME:
        found.append(f"the home volume is mounted at {home}, not over {IMAGE_HOME}: the image's copy "
                     "of the repository (with source/) would be visible to students")
    if root:
        holding = [m for m in mounts if m.get("mountPath") and
                   (root == m["mountPath"] or root.startswith(m["mountPath"].rstrip("/") + "/"))]
        if not holding:
            found.append(f"no extra volume is mounted at the exchange root {root}: each server would "
                         "have a private exchange in its own container")
        for m in holding:
            if m.get("readOnly"):
                found.append(f"the exchange volume {m.get('name')} is mounted read-only")
            vol = volumes.get(m.get("name"))
            if vol is None:
                found.append(f"the mount {m.get('name')!r} at {m['mountPath']} names no volume in "
                             "singleuser.storage.extraVolumes")
            elif not ({"persistentVolumeClaim", "nfs"} & set(vol)):
                found.append(f"the exchange volume {m.get('name')!r} is not shared (use a "
                             "ReadWriteMany persistentVolumeClaim or nfs, not "
                             f"{', '.join(k for k in vol if k != 'name') or 'nothing'})")
        if home and (root == home or root.startswith(home.rstrip("/") + "/")):
            found.append(f"the exchange root {root} is inside each user's own home volume")
    return found


def check(path: Path, course: Path = REPO) -> None:
    """Raise ValuesError listing every problem of the values file at `path`."""
    found = problems(Path(path).read_text(), course)
    if found:
        raise ValuesError(f"{path}:\n  - " + "\n  - ".join(found))


def main(argv=None) -> int:
    args = sys.argv[1:] if argv is None else argv
    path = Path(args[0]) if args else REPO / "deploy" / "z2jh-values.yaml"
    try:
        check(path)
    except (ValuesError, OSError) as err:
        print(err, file=sys.stderr)
        return 1
    print(f"{path}: the structure the course needs is there (not checked against the chart's schema)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
