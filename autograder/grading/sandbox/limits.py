"""Whole-kernel limits through control groups (v1 or v2): memory and process count of everything a
kernel starts, together. The launcher makes a kernel's `Group` under its own and enters it before
it execs the sandbox; the run reads its peak memory and removes it (`Group.remove`). A controller
that cannot be used is reported as not in force, never assumed.
"""

from __future__ import annotations

import contextlib
import os
import signal
import time
from dataclasses import dataclass, field
from pathlib import Path

CONTROLLERS = ("memory", "pids")


def _mounts(mountinfo: str) -> tuple[dict[str, tuple[str, str]], tuple[str, str] | None]:
    """({v1 controller: (mount point, mount root)}, (v2 mount point, root) or None)."""
    v1, v2 = {}, None
    for line in mountinfo.splitlines():
        left, _, right = line.partition(" - ")
        fields, rest = left.split(), right.split()
        if len(fields) < 5 or len(rest) < 3:
            continue
        root, point, fstype, options = fields[3], fields[4], rest[0], rest[2].split(",")
        if fstype == "cgroup":
            for c in CONTROLLERS:
                if c in options:
                    v1.setdefault(c, (point, root))
        elif fstype == "cgroup2" and v2 is None:
            v2 = (point, root)
    return v1, v2


def _own_paths(proc_cgroup: str) -> tuple[dict[str, str], str | None]:
    """({v1 controller: this process's group}, v2 group) from /proc/self/cgroup."""
    v1, v2 = {}, None
    for line in proc_cgroup.splitlines():
        parts = line.split(":", 2)
        if len(parts) != 3:
            continue
        _, names, path = parts
        if names == "":
            v2 = path
        for c in names.split(","):
            if c in CONTROLLERS:
                v1[c] = path
    return v1, v2


def _join(point: str, root: str, path: str) -> Path:
    """The folder of group `path` under a mount whose root is `root`."""
    rel = os.path.relpath(path, root) if path.startswith(root) else path.lstrip("/")
    return Path(point) / ("" if rel == "." else rel)


def locate(mountinfo: str | None = None, proc_cgroup: str | None = None) -> dict[str, tuple[str, Path]]:
    """{controller: (version, folder of this process's group)} for memory and pids, the ones
    this process could create a child group in; v1 preferred where both are there."""
    mountinfo = mountinfo if mountinfo is not None else Path("/proc/self/mountinfo").read_text()
    proc_cgroup = proc_cgroup if proc_cgroup is not None else Path("/proc/self/cgroup").read_text()
    mounts_v1, mount_v2 = _mounts(mountinfo)
    own_v1, own_v2 = _own_paths(proc_cgroup)
    found: dict[str, tuple[str, Path]] = {}
    for c in CONTROLLERS:
        if c in mounts_v1 and c in own_v1:
            found[c] = ("v1", _join(*mounts_v1[c], own_v1[c]))
    if mount_v2 and own_v2 is not None:
        folder = _join(*mount_v2, own_v2)
        try:
            available = (folder / "cgroup.controllers").read_text().split()
        except OSError:
            available = []
        for c in CONTROLLERS:
            if c not in found and c in available:
                found[c] = ("v2", folder)
    return found


@dataclass
class Group:
    """The groups of one kernel (one folder per v1 controller, or one v2 folder)."""

    name: str
    folders: dict[str, str] = field(default_factory=dict)  # controller -> folder
    versions: dict[str, str] = field(default_factory=dict)  # controller -> v1 | v2
    in_force: dict[str, str] = field(default_factory=dict)  # limit -> how it is enforced
    not_in_force: dict[str, str] = field(default_factory=dict)  # limit -> why not

    @classmethod
    def create(cls, name: str, memory: int, pids: int, where: dict | None = None) -> Group:
        """Make the groups and set the limits; whatever fails is listed in not_in_force."""
        group = cls(name)
        where = locate() if where is None else where
        wanted = {"memory": memory, "pids": pids}
        for c in CONTROLLERS:
            if c not in where:
                group.not_in_force[c] = "no writable cgroup controller on this machine"
                continue
            version, parent = where[c]
            folder = Path(parent) / name
            try:
                folder.mkdir(exist_ok=True)
                group.folders[c], group.versions[c] = str(folder), version
                if version == "v1":
                    knob = "memory.limit_in_bytes" if c == "memory" else "pids.max"
                else:
                    _enable_v2(Path(parent), c)
                    knob = "memory.max" if c == "memory" else "pids.max"
                    if c == "memory":
                        _try_write(folder / "memory.swap.max", "0")
                (folder / knob).write_text(str(wanted[c]))
                if c == "memory" and version == "v1":
                    _try_write(folder / "memory.memsw.limit_in_bytes", str(wanted[c]))
                shown = f"{wanted[c] // 1024**2} MB" if c == "memory" else str(wanted[c])
                group.in_force[c] = f"{shown} for the whole kernel (cgroup {version} {knob})"
            except OSError as err:
                group.not_in_force[c] = f"cgroup {version} refused: {err.strerror or err}"
        return group

    def enter(self) -> None:
        """Move this process into every group; its children are born there."""
        for c, folder in list(self.folders.items()):
            if c not in self.in_force:
                continue
            try:
                Path(folder, "cgroup.procs").write_text(str(os.getpid()))
            except OSError as err:
                del self.in_force[c]
                self.not_in_force[c] = f"could not join the group: {err.strerror or err}"

    def peak_memory(self) -> int | None:
        folder = self.folders.get("memory")
        if not folder:
            return None
        for knob in ("memory.max_usage_in_bytes", "memory.peak"):
            try:
                return int(Path(folder, knob).read_text().split()[0])
            except (OSError, ValueError, IndexError):
                continue
        return None

    def oom_kills(self) -> int:
        """How many processes of the group the memory limit killed (0 when unknown)."""
        folder = self.folders.get("memory")
        if not folder:
            return 0
        for knob in ("memory.oom_control", "memory.events"):
            try:
                for line in Path(folder, knob).read_text().splitlines():
                    key, _, value = line.partition(" ")
                    if key == "oom_kill":
                        return int(value)
            except (OSError, ValueError):
                continue
        return 0

    def remove(self, wait: float = 5.0) -> None:
        """Kill whatever is left in the groups and remove them."""
        for folder in self.folders.values():
            deadline = time.monotonic() + wait
            while True:
                try:
                    pids = [int(p) for p in Path(folder, "cgroup.procs").read_text().split()]
                except OSError:
                    break
                for pid in pids:
                    with contextlib.suppress(ProcessLookupError):
                        os.kill(pid, signal.SIGKILL)
                try:
                    os.rmdir(folder)
                    break
                except OSError:
                    if time.monotonic() > deadline:
                        break
                    time.sleep(0.05)


def _try_write(path: Path, value: str) -> None:
    with contextlib.suppress(OSError):  # a knob the kernel may not offer
        path.write_text(value)


def _enable_v2(parent: Path, controller: str) -> None:
    """cgroup v2 hands a controller to children only when the parent enables it."""
    try:
        enabled = (parent / "cgroup.subtree_control").read_text().split()
    except OSError:
        enabled = []
    if controller not in enabled:
        (parent / "cgroup.subtree_control").write_text(f"+{controller}")
