"""A throwaway PostgreSQL server in a temporary folder, for a gradebook many writers share.

    with temporary_gradebook() as url:      # postgresql+psycopg://gradebook@/gradebook?host=/tmp/...
        ...

The tests and `make bench` grade on a Dask cluster with it, and an instructor can try the
cluster path on one machine the same way. It runs Debian's PostgreSQL server binaries
(`scripts/system-deps.sh` installs them), listens on a Unix socket in its folder only (no TCP
port, so nothing outside this machine reaches it), and trusts whoever can open that socket.
PostgreSQL refuses to run as root: as root the server runs as `nobody`. The folder, data and
server are gone when the block ends. A course's real gradebook belongs on a server kept by the
university or the cluster (docs/grading.md), not here.
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


def missing() -> str | None:
    """Why no server can be started here, or None."""
    if not (PG_BIN / "postgres").is_file():
        return (
            f"PostgreSQL's server is not in {PG_BIN} (Debian: apt-get install postgresql, "
            "which make system-deps does; elsewhere set RNNLAB_PG_BIN)"
        )
    return None


@contextlib.contextmanager
def temporary_gradebook(start_seconds: float = 30):
    """The URL of an empty database `gradebook` on a server of its own, removed afterwards."""
    why = missing()
    if why:
        raise NoPostgres(why)
    folder = Path(tempfile.mkdtemp(prefix="rnnlab-pg-"))
    # the server stops (a fast shutdown) if this process dies without the `finally` below
    as_user = ["setpriv", "--pdeathsig", "SIGINT"]
    if os.geteuid() == 0:  # postgres will not run as root
        nobody = pwd.getpwnam("nobody")
        os.chown(folder, nobody.pw_uid, nobody.pw_gid)
        as_user += [f"--reuid={nobody.pw_uid}", f"--regid={nobody.pw_gid}", "--clear-groups"]
    server = None
    try:
        subprocess.run(
            [
                *as_user,
                str(PG_BIN / "initdb"),
                "-D",
                str(folder / "data"),
                "-U",
                USER,
                "--auth=trust",
                "-E",
                "UTF8",
                "--no-sync",
                "--no-instructions",
            ],
            check=True,
            capture_output=True,
            env={**os.environ, "HOME": str(folder)},
        )
        # the socket in the folder only; no fsync: the data is thrown away with the folder
        server = subprocess.Popen(
            [
                *as_user,
                str(PG_BIN / "postgres"),
                "-D",
                str(folder / "data"),
                "-k",
                str(folder),
                "-c",
                "listen_addresses=",
                "-c",
                "fsync=off",
                "-c",
                "max_connections=200",
            ],
            stdout=subprocess.DEVNULL,
            stderr=open(folder / "server.log", "w"),
            start_new_session=True,
        )
        url = f"postgresql+psycopg://{USER}@/{USER}?host={folder}"
        _create_database(folder, server, start_seconds)
        yield url
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


def _create_database(folder: Path, server: subprocess.Popen, seconds: float) -> None:
    import psycopg

    deadline = time.monotonic() + seconds
    while True:
        try:
            with psycopg.connect(host=str(folder), user=USER, dbname="postgres", autocommit=True) as conn:
                conn.execute(f"CREATE DATABASE {USER}")
            return
        except psycopg.OperationalError as err:
            if server.poll() is not None or time.monotonic() > deadline:
                log = (folder / "server.log").read_text(errors="replace")[-1000:]
                raise NoPostgres(f"the PostgreSQL server did not start ({err}):\n{log}") from None
            time.sleep(0.1)
