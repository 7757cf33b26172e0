"""Check a DaskCluster file for grading workers (deploy/dask-grading.yaml) for what the course needs.

    python -m autograder.deploying.daskdeploy deploy/dask-grading.yaml

Structure only (the operator's schema is not available offline): what grading relies on, as
docs/grading.md ("A large class") says.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import yaml

KERNEL_MEMORY_GI = 4  # a 3 GB kernel, its re-check process and the worker


def _container(spec: dict) -> dict:
    containers = ((spec or {}).get("spec") or {}).get("containers") or []
    return containers[0] if containers else {}


def _gibibytes(text) -> float:
    match = re.fullmatch(r"(\d+(?:\.\d+)?)(Gi|G|Mi|M)?", str(text or "0"))
    if not match:
        return 0.0
    scale = {"Gi": 1.0, "G": 1e9 / 2**30, "Mi": 1 / 1024, "M": 1e6 / 2**30, None: 1 / 2**30}
    return float(match.group(1)) * scale[match.group(2)]


def _mounted_at(pod: dict, container: dict, path: str) -> dict | None:
    """The volume mounted at a folder that holds `path`, or None."""
    volumes = {v.get("name"): v for v in pod.get("volumes") or []}
    for mount in container.get("volumeMounts") or []:
        where = mount.get("mountPath", "").rstrip("/")
        if where and (path == where or path.startswith(where + "/")):
            return volumes.get(mount.get("name"), {})
    return None


def _python_problems(role: str, pod: dict, container: dict, module: str) -> tuple[list[str], str | None]:
    args = [str(a) for a in (container.get("command") or []) + (container.get("args") or [])]
    if len(args) < 3 or not args[0].endswith("/.venv/bin/python") or args[1:3] != ["-m", module]:
        return [
            f"{role}: the container must run <course>/.venv/bin/python -m {module} (the course's "
            "environment in the course folder)"
        ], None
    course = args[0].removesuffix("/.venv/bin/python")
    volume = _mounted_at(pod, container, args[0])
    if volume is None:
        return [f"{role}: no volume is mounted at the course folder {course}"], course
    if "persistentVolumeClaim" not in volume:
        return [
            f"{role}: the course folder's volume is not shared (it needs a persistentVolumeClaim, "
            "ReadWriteMany, the instructor's)"
        ], course
    return [], course


def problems(text: str) -> list[str]:
    try:
        doc = yaml.safe_load(text) or {}
    except yaml.YAMLError as err:
        return [f"not YAML: {err}"]
    found = []
    if doc.get("apiVersion") != "kubernetes.dask.org/v1" or doc.get("kind") != "DaskCluster":
        found.append("not a DaskCluster of kubernetes.dask.org/v1 (the dask-kubernetes operator's)")
    spec = doc.get("spec") or {}
    worker_pod = ((spec.get("worker") or {}).get("spec")) or {}
    worker = _container(spec.get("worker"))
    more, course = _python_problems("worker", worker_pod, worker, "distributed.cli.dask_worker")
    found += more
    args = [str(a) for a in worker.get("args") or []]
    if "--nthreads" not in args or args[args.index("--nthreads") + 1 : args.index("--nthreads") + 2] != ["1"]:
        found.append("worker: --nthreads 1 is missing (one student at a time per worker process)")
    env = {e.get("name"): e for e in worker.get("env") or []}
    url = env.get("RNNLAB_GRADEBOOK_URL", {})
    if not (url.get("valueFrom") or {}).get("secretKeyRef"):
        found.append("worker: RNNLAB_GRADEBOOK_URL must come from a Secret (secretKeyRef)")
    if re.search(
        r"postgres(ql)?(\+\w+)?://[^\s'\"]*:[^\s'\"@]+@",
        "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#")),
    ):
        found.append("a gradebook URL with a password is written in the file; put it in a Secret")
    limits = (worker.get("resources") or {}).get("limits") or {}
    if _gibibytes(limits.get("memory")) < KERNEL_MEMORY_GI:
        found.append(f"worker: a memory limit of at least {KERNEL_MEMORY_GI}Gi is needed (the kernel may use 3 GB)")
    security = worker.get("securityContext") or {}
    if security.get("privileged"):
        found.append("worker: privileged containers are not needed and not wanted (bubblewrap is the sandbox)")
    if (security.get("seccompProfile") or {}).get("type") not in ("Unconfined", "Localhost"):
        found.append(
            "worker: the default seccomp profile refuses bubblewrap's user namespaces "
            "(seccompProfile Unconfined, or a Localhost profile that allows them)"
        )
    if security.get("procMount") != "Unmasked" or worker_pod.get("hostUsers") is not False:
        found.append("worker: bubblewrap mounts its own /proc: procMount Unmasked with hostUsers: false")
    scheduler_pod = ((spec.get("scheduler") or {}).get("spec")) or {}
    scheduler = _container(spec.get("scheduler"))
    found += _python_problems("scheduler", scheduler_pod, scheduler, "distributed.cli.dask_scheduler")[0]
    saturation = {e.get("name"): e.get("value") for e in scheduler.get("env") or []}.get(
        "DASK_DISTRIBUTED__SCHEDULER__WORKER_SATURATION"
    )
    if str(saturation) not in ("1", "1.0"):
        found.append("scheduler: DASK_DISTRIBUTED__SCHEDULER__WORKER_SATURATION must be 1.0 (one task per thread)")
    ports = ((spec.get("scheduler") or {}).get("service") or {}).get("ports") or []
    if not any(p.get("port") == 8786 for p in ports):
        found.append("scheduler: its service does not offer port 8786 (CLUSTER=tcp://<name>-scheduler:8786)")
    if course and worker.get("workingDir", course).rstrip("/") != course:
        found.append(f"worker: workingDir is not the course folder {course}")
    return found


def main(argv=None) -> int:
    paths = (argv if argv is not None else sys.argv[1:]) or ["deploy/dask-grading.yaml"]
    bad = 0
    for path in paths:
        for problem in problems(Path(path).read_text()):
            print(f"{path}: {problem}", file=sys.stderr)
            bad += 1
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
