"""Structural check of the course's Zero to JupyterHub values file (deploy/z2jh-values.yaml).

    python -m autograder.deploying.z2jh deploy/z2jh-values.yaml [deploy/z2jh-ngshare.yaml]
    # exit 1 and the problems if any

The chart's schema is not available offline, so `problems` checks what the course depends on
(docs/hub.md, "Kubernetes"): the image repo2docker builds from the student distribution, the
package installed outside the home volume with the students' Jupyter settings, one CPU thread,
and nbgrader's exchange: a shared volume at the path its config names, or with the ngshare
overlay on top (merged as Helm merges files) the ngshare service the hub registers.
"""

from __future__ import annotations

import functools
import posixpath
import re
import sys
from pathlib import Path

import yaml

from ..course.folder import REPO

IMAGE_HOME = "/home/jovyan"  # where repo2docker puts the repository in the image
# repo2docker's environment for binder/runtime.txt's Python (NB_PYTHON_PREFIX), where
# binder/postBuild's pip install puts the package, and where it copies the students' settings
IMAGE_ENV = "/srv/conda/envs/notebook"
STUDENT_SETTINGS = f"{IMAGE_ENV}/share/rnnlab/jupyter-student"
CONFIG_DIRS = ("/etc/jupyter", "/usr/local/etc/jupyter")  # system config that nbgrader reads


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


def merged(base, over):
    """Values files layered as Helm does (-f a -f b): mappings merge key by key, the rest is replaced."""
    if isinstance(base, dict) and isinstance(over, dict):
        out = dict(base)
        for key, value in over.items():
            out[key] = merged(base.get(key), value) if key in base else value
        return out
    return over


def _ngshare_url(config: str) -> str | None:
    """The url a nbgrader config gives ngshare_exchange.configureExchange, or None."""
    m = re.search(r"^\s*configureExchange\(\s*c\s*,\s*(['\"])(.*?)\1\s*\)\s*$", config, re.M)
    return m.group(2) if m else None


def _hub_services(values: dict) -> dict[str, str]:
    """name -> url of the services that hub.extraConfig appends to c.JupyterHub.services."""
    found = {}
    for text in (_get(values, "hub", "extraConfig", default={}) or {}).values():
        for block in re.findall(r"c\.JupyterHub\.services\.append\(\s*\{(.*?)\}\s*\)", str(text), re.S):
            name = re.search(r"['\"]name['\"]\s*:\s*['\"]([^'\"]+)['\"]", block)
            url = re.search(r"['\"]url['\"]\s*:\s*['\"]([^'\"]+)['\"]", block)
            if name and url:
                found[name.group(1)] = url.group(1)
    return found


def course_id(course: Path = REPO) -> str | None:
    return _assigned((course / "nbgrader_config.py").read_text(), "CourseDirectory.course_id")


def problems(text: str, course: Path = REPO, *overlays: str) -> list[str]:
    """Everything wrong with a values file's text, with `overlays` (texts of further values
    files) merged on top (an empty list if nothing)."""
    layers = []
    for n, t in enumerate([text, *overlays]):
        try:
            layer = yaml.safe_load(t)
        except yaml.YAMLError as err:
            return [f"{'' if n == 0 else f'overlay {n}: '}not valid YAML: {err}"]
        if not isinstance(layer, dict):
            return [f"{'' if n == 0 else f'overlay {n}: '}the file holds no mapping of chart values"]
        layers.append(layer)
    values = functools.reduce(merged, layers)
    found: list[str] = []
    single = _get(values, "singleuser", default={}) or {}

    name, tag = _get(single, "image", "name"), _get(single, "image", "tag")
    if not name or not isinstance(name, str):
        found.append(
            "singleuser.image.name is missing: the servers would run the chart's default "
            "image, without torch or the course"
        )
    if tag in (None, "") or str(tag) == "latest":
        found.append("singleuser.image.tag must name one build (not missing, not 'latest')")
    if name and tag not in (None, ""):
        built = re.search(r"repo2docker\b[^\n]*(?:\n#[^\n]*)*?--image-name\s+(\S+)(?:[ \t]+([^\s#\\]+))?", text)
        if not built:
            found.append(
                "the file does not say how repo2docker builds its image (a comment with "
                "`repo2docker ... --image-name NAME:TAG DIR`)"
            )
        else:
            if built.group(1) != f"{name}:{tag}":
                found.append(f"repo2docker builds {built.group(1)} but the servers run {name}:{tag}")
            found += _build_context_problems(text, built.group(2))
    found += _image_problems(single, course)

    if _get(single, "cmd") != "jupyterhub-singleuser":
        found.append("singleuser.cmd must be jupyterhub-singleuser (the image's start script binder/start runs first)")
    if str(_get(single, "extraEnv", "OMP_NUM_THREADS")) != "1":
        found.append(
            'singleuser.extraEnv.OMP_NUM_THREADS must be "1" (several times faster for the course\'s small models)'
        )

    # nbgrader's configuration and its exchange path
    configs = [
        (key, f)
        for key, f in (_get(single, "extraFiles", default={}) or {}).items()
        if isinstance(f, dict) and str(f.get("mountPath", "")).endswith("nbgrader_config.py")
    ]
    root = ngshare = None
    if not configs:
        found.append("no nbgrader_config.py in singleuser.extraFiles: the servers would not know the exchange")
    for key, f in configs:
        where = posixpath.dirname(f["mountPath"])
        if where not in CONFIG_DIRS:
            found.append(
                f"extraFiles.{key} is mounted in {where}, where nbgrader does not look "
                f"for system config ({', '.join(CONFIG_DIRS)})"
            )
        body = f.get("stringData") or ""
        ngshare = _ngshare_url(body)
        root = None if ngshare else _assigned(body, "Exchange.root")
        if ngshare:
            found += _ngshare_problems(values, key, ngshare, course)
        elif not root:
            found.append(f"extraFiles.{key} sets no c.Exchange.root (nor ngshare's configureExchange)")
        cid = _assigned(body, "CourseDirectory.course_id")
        if cid != course_id(course):
            found.append(f"extraFiles.{key} sets course id {cid!r}; nbgrader_config.py says {course_id(course)!r}")

    volumes = {
        v.get("name"): v for v in (_get(single, "storage", "extraVolumes", default=[]) or []) if isinstance(v, dict)
    }
    mounts = [m for m in (_get(single, "storage", "extraVolumeMounts", default=[]) or []) if isinstance(m, dict)]
    home = _get(single, "storage", "homeMountPath", default=IMAGE_HOME)
    if home != IMAGE_HOME:
        found.append(
            f"the home volume is mounted at {home}, not at {IMAGE_HOME}, the users' home in "
            "the image repo2docker builds"
        )
    if home and _under(IMAGE_ENV, home):
        found.append(
            f"the home volume at {home} is mounted over the image's environment {IMAGE_ENV}: "
            "every server would lose torch, nbgrader and rnnlab"
        )
    if root:
        holding = [m for m in mounts if m.get("mountPath") and _under(root, m["mountPath"])]
        if not holding:
            found.append(
                f"no extra volume is mounted at the exchange root {root}: each server would "
                "have a private exchange in its own container"
            )
        for m in holding:
            if m.get("readOnly"):
                found.append(f"the exchange volume {m.get('name')} is mounted read-only")
            vol = volumes.get(m.get("name"))
            if vol is None:
                found.append(
                    f"the mount {m.get('name')!r} at {m['mountPath']} names no volume in "
                    "singleuser.storage.extraVolumes"
                )
            elif not ({"persistentVolumeClaim", "nfs"} & set(vol)):
                found.append(
                    f"the exchange volume {m.get('name')!r} is not shared (use a "
                    "ReadWriteMany persistentVolumeClaim or nfs, not "
                    f"{', '.join(k for k in vol if k != 'name') or 'nothing'})"
                )
        if home and _under(root, home):
            found.append(f"the exchange root {root} is inside each user's own home volume")
    return found


def _under(path: str, folder: str) -> bool:
    folder = folder.rstrip("/") or "/"
    return path == folder or path.startswith(folder.rstrip("/") + "/")


def _build_context_problems(text: str, context: str | None) -> list[str]:
    """The image must be built from the student distribution: the folder repo2docker builds is
    the DEST of a `make student-dist DEST=...` the file gives, never the repository itself."""
    made = re.search(r"make\s+student-dist\b[^\n]*?\bDEST=(\S+)", text)
    if not made:
        return [
            "the file does not say that the image is built from the student distribution (a "
            "comment with `make student-dist DEST=DIR`, then `repo2docker ... DIR`): built from "
            "this repository, the image carries source/ and .git (every solution and hidden test)"
        ]
    if context is None:
        return [
            f"the repo2docker command names no folder to build; it must build {made.group(1)}, the student distribution"
        ]
    if posixpath.normpath(context) != posixpath.normpath(made.group(1)):
        return [
            f"repo2docker builds {context}, not the student distribution {made.group(1)} (`make "
            "student-dist DEST=...`): built from the repository, the image carries source/ and .git"
        ]
    return []


def _image_problems(single: dict, course: Path) -> list[str]:
    """What the image does with the course package and the students' settings (binder/, which
    the student distribution ships unchanged), against the home volume's mount."""
    found = []
    home = _get(single, "storage", "homeMountPath", default=IMAGE_HOME) or IMAGE_HOME
    post = course / "binder" / "postBuild"
    lines = [line.split("#")[0].strip() for line in (post.read_text() if post.exists() else "").splitlines()]
    installs = [line for line in lines if re.match(r"(python3?\s+-m\s+)?pip3?\s+install\b", line)]
    editable = [line for line in installs if re.search(r"(^|\s)(-e|--editable)(\s|=|$)", line)]
    elsewhere = [line for line in installs if re.search(r"(^|\s)(--user|--target|--prefix|-t)(\s|=|$)", line)]
    package = [line for line in installs if re.search(r"\s\.$", line) and line not in editable + elsewhere]
    if editable:
        found.append(
            f"binder/postBuild installs the course package editable ({editable[0]!r}): it would "
            f"import rnnlab from {IMAGE_HOME}, which the home volume hides on every server"
        )
    if elsewhere:
        found.append(
            f"binder/postBuild installs into a folder of its own ({elsewhere[0]!r}); install into "
            f"the image's environment ({IMAGE_ENV}), outside the home volume"
        )
    if not package and not editable:
        found.append("binder/postBuild does not install the course package (`pip install --no-deps .`)")
    reqs = course / "binder" / "requirements.txt"
    if reqs.exists() and re.search(r"^\s*(-e|--editable)\b", reqs.read_text(), re.M):
        found.append(
            "binder/requirements.txt installs something editable: it would import from the home folder the volume hides"
        )
    env = _get(single, "extraEnv", default={}) or {}
    for entry in str(env.get("PYTHONPATH", "") or "").split(":"):
        if entry and _under(entry, home):
            found.append(f"singleuser.extraEnv.PYTHONPATH has {entry}, inside the home volume")
    config = [p for p in str(env.get("JUPYTER_CONFIG_PATH", "") or "").split(":") if p]
    if STUDENT_SETTINGS not in config:
        found.append(
            f"singleuser.extraEnv.JUPYTER_CONFIG_PATH must name {STUDENT_SETTINGS} (the students' "
            "Jupyter settings: no formgrader, course list or Create Assignment)"
        )
    if not re.search(rf"jupyter/student\S*\s+\S*{re.escape('/share/rnnlab/jupyter-student')}", "\n".join(lines)):
        found.append(
            f"binder/postBuild does not copy jupyter/student to {STUDENT_SETTINGS} "
            "(${NB_PYTHON_PREFIX}/share/rnnlab/jupyter-student), outside the home volume"
        )
    for p in config:
        if _under(p, home):
            found.append(f"singleuser.extraEnv.JUPYTER_CONFIG_PATH has {p}, inside the home volume")
    return found


def _ngshare_problems(values: dict, key: str, url: str, course: Path) -> list[str]:
    found = []
    m = re.fullmatch(r"(https?://[^/]+)/services/([^/]+)/?", url)
    if not m:
        return [f"extraFiles.{key} gives ngshare_exchange {url!r}, not <service url>/services/<name>"]
    base, name = m.groups()
    services = _hub_services(values)
    if name not in services:
        found.append(
            f"nbgrader talks to the ngshare service {name!r}, but hub.extraConfig registers "
            f"no such service (c.JupyterHub.services.append({{'name': {name!r}, 'url': ...}}))"
        )
    elif services[name].rstrip("/") != base:
        found.append(f"the hub's service {name!r} is at {services[name]} but nbgrader talks to {base}")
    image_pins = course / "binder" / "requirements.txt"
    if not re.search(r"^ngshare[-_]exchange==", image_pins.read_text() if image_pins.exists() else "", re.M | re.I):
        found.append("the image has no ngshare_exchange (pin it in binder/requirements.txt)")
    if _get(values, "singleuser", "networkPolicy", "egressAllowRules", "privateIPs") is not True:
        found.append(
            "singleuser.networkPolicy.egressAllowRules.privateIPs must be true: the servers "
            "reach ngshare's service at a private address of the cluster"
        )
    return found


def check(path: Path, course: Path = REPO, *overlays: Path) -> None:
    """Raise ValuesError listing every problem of the values file at `path` (with `overlays`)."""
    found = problems(Path(path).read_text(), course, *(Path(o).read_text() for o in overlays))
    if found:
        names = " + ".join(str(p) for p in (path, *overlays))
        raise ValuesError(f"{names}:\n  - " + "\n  - ".join(found))


def main(argv=None) -> int:
    args = sys.argv[1:] if argv is None else argv
    paths = [Path(a) for a in args] or [REPO / "deploy" / "z2jh-values.yaml"]
    try:
        check(paths[0], REPO, *paths[1:])
    except (ValuesError, OSError) as err:
        print(err, file=sys.stderr)
        return 1
    print(
        f"{' + '.join(map(str, paths))}: the structure the course needs is there (not checked "
        "against the chart's schema)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
