"""A throwaway PostgreSQL server in a temporary folder, for a gradebook many writers share.

    with temporary_gradebook() as url:      # postgresql+psycopg://gradebook@/gradebook?host=/tmp/...
        ...

For the cluster tests, `make bench` and `make try-cluster` (a real gradebook belongs on a kept
server: docs/grading.md). Debian's server binaries (RNNLAB_PG_BIN elsewhere) listen on a Unix
socket in the folder only and trust whoever can open it; as root the server runs as `nobody`.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

# Debian's server binaries, the newest version installed
PG_BIN = Path(
    os.environ.get("RNNLAB_PG_BIN")
    or max(
        glob.glob("/usr/lib/postgresql/*/bin"),
        default="/usr/lib/postgresql/bin",
        key=lambda p: int(p.split("/")[-2]) if p.split("/")[-2].isdigit() else 0,
    )
)
USER = "gradebook"


class NoPostgres(RuntimeError):
    pass


@contextlib.contextmanager
def temporary_gradebook(start_seconds: float = 30):
    """The URL of an empty database `gradebook` on a server of its own, removed afterwards."""
    if not (PG_BIN / "postgres").is_file():
        raise NoPostgres(
            f"PostgreSQL's server is not in {PG_BIN} (Debian: apt-get install postgresql, "
            "which make system-deps does; elsewhere set RNNLAB_PG_BIN)"
        )
    folder = Path(tempfile.mkdtemp(prefix="rnnlab-pg-"))
    # the server stops (a fast shutdown) if this process dies without the `finally` below
    as_user = ["setpriv", "--pdeathsig", "SIGINT"]
    if os.geteuid() == 0:  # postgres will not run as root
        nobody = pwd.getpwnam("nobody")
        os.chown(folder, nobody.pw_uid, nobody.pw_gid)
        as_user += [f"--reuid={nobody.pw_uid}", f"--regid={nobody.pw_gid}", "--clear-groups"]
    server = None
    try:
        initdb = [*as_user, str(PG_BIN / "initdb"), "-D", str(folder / "data"), "-U", USER, "--auth=trust"]
        subprocess.run(
            [*initdb, "-E", "UTF8", "--no-sync", "--no-instructions"],
            check=True,
            capture_output=True,
            env={**os.environ, "HOME": str(folder)},
        )
        # the socket in the folder only; no fsync: the data is thrown away with the folder
        settings = ["-c", "listen_addresses=", "-c", "fsync=off", "-c", "max_connections=200"]
        server = subprocess.Popen(
            [*as_user, str(PG_BIN / "postgres"), "-D", str(folder / "data"), "-k", str(folder), *settings],
            stdout=subprocess.DEVNULL,
            stderr=open(folder / "server.log", "w"),
            start_new_session=True,
        )
        yield _create_database(folder, server, start_seconds)
    finally:
        if server is not None:
            server.terminate()  # SIGTERM: a smart shutdown, then gone
            try:
                server.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, 9)
                server.wait()
        shutil.rmtree(folder, ignore_errors=True)


def another_database(url: str, name: str) -> str:
    """A new, empty database `name` on the server of `url` (a gradebook per course): its URL."""
    import psycopg

    host = url.rpartition("?host=")[2]
    with psycopg.connect(host=host, user=USER, dbname="postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"postgresql+psycopg://{USER}@/{name}?host={host}"


def _create_database(folder: Path, server: subprocess.Popen, seconds: float) -> str:
    import psycopg

    deadline = time.monotonic() + seconds
    while True:
        try:
            return another_database(f"?host={folder}", USER)
        except psycopg.OperationalError as err:
            if server.poll() is not None or time.monotonic() > deadline:
                log = (folder / "server.log").read_text(errors="replace")[-1000:]
                raise NoPostgres(f"the PostgreSQL server did not start ({err}):\n{log}") from None
            time.sleep(0.1)
