"""A term's gradebook moved from its SQLite file into an empty PostgreSQL database, so that the rest of the
term can be graded on a Dask cluster: `make gradebook-move` (`move`, then `report` and `next_step`). It copies
every table of nbgrader's schema in one transaction and checks every row (docs/grading.md, "Moving a term to
the cluster")."""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import quote

VERSION_TABLE = "alembic_version"  # nbgrader's schema version, as alembic keeps it
SHOWN = 5  # differing rows named per table


class MoveError(Exception):
    """The move was refused or failed: one sentence says why; nothing was written."""


@dataclass
class Table:
    rows: int
    digest: str  # of every row's digest, in the order of the primary key


@dataclass
class Check:
    tables: dict[str, Table] = field(default_factory=dict)  # what the SQLite file holds
    differences: list[str] = field(default_factory=list)  # where the target differs


@dataclass
class Moved:
    source: Path
    target: str  # the URL, its password hidden
    version: str
    check: Check


def tables():
    """nbgrader's tables, each after the tables it refers to."""
    from nbgrader.api import Base

    return list(Base.metadata.sorted_tables)


def target_url(text: str) -> str:
    """The PostgreSQL URL to move to, with the driver the course installs (psycopg) when it names none."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    text = re.sub(r"^postgres(ql)?://", "postgresql+psycopg://", text.strip())
    try:
        backend = make_url(text).get_backend_name()
    except ArgumentError:
        raise MoveError(
            f"{shown(text)!r} is not a database URL; give one such as "
            "postgresql+psycopg://grader:PASSWORD@db.example.org/rnn_course"
        ) from None
    if backend != "postgresql":
        raise MoveError(
            f"the gradebook moves to PostgreSQL, which many machines can write at once; {shown(text)} is {backend}"
        )
    return text


def shown(url: str) -> str:
    """A URL as it may be printed: its password, if it has one, as ***."""
    return re.sub(r"^([\w+.-]+://[^:/@?]*):[^@/?]*@", r"\1:***@", url)


def _read_only(path: Path):
    """An engine that reads the SQLite file `path` and cannot write it."""
    from sqlalchemy import create_engine
    from sqlalchemy.pool import NullPool

    # isolation_level=None: one BEGIN of ours holds every read of the copy (or check) to one moment of the file
    def connect():
        return sqlite3.connect(f"file:{quote(str(path))}?mode=ro", uri=True, isolation_level=None)

    return create_engine("sqlite://", creator=connect, poolclass=NullPool)


def alembic_head() -> str:
    """The newest migration of nbgrader's gradebook, from the scripts nbgrader ships."""
    from alembic.script import ScriptDirectory
    from nbgrader.dbutil import ALEMBIC_DIR

    heads = ScriptDirectory(ALEMBIC_DIR).get_heads()
    if len(heads) != 1:
        raise RuntimeError(f"nbgrader's gradebook migrations have {len(heads)} newest versions: {heads}")
    return heads[0]


def _version(conn) -> list[str]:
    return [v for (v,) in conn.exec_driver_sql(f"SELECT version_num FROM {VERSION_TABLE}")]


def source_problem(conn, path: Path) -> str | None:
    """Why the SQLite gradebook at `path` cannot be copied table for table, or None."""
    from sqlalchemy import inspect

    found = inspect(conn)
    names = set(found.get_table_names())
    ours = {t.name: t for t in tables()}
    if foreign := names - set(ours) - {VERSION_TABLE}:
        return (
            f"{path} holds tables that nbgrader's gradebook has not ({', '.join(sorted(foreign))}); "
            "they would be left behind"
        )
    if missing := (set(ours) | {VERSION_TABLE}) - names:
        return f"{path} is not a gradebook of this nbgrader (no table {', '.join(sorted(missing))})"
    versions, head = _version(conn), alembic_head()
    if versions != [head]:
        return (
            f"{path} is at nbgrader's schema version {', '.join(versions) or 'none'}, and the course's nbgrader "
            f"writes {head}: upgrade it with `nbgrader db upgrade` in the course folder, then move"
        )
    for name, table in ours.items():
        columns = {c["name"] for c in found.get_columns(name)}
        if columns != {c.name for c in table.columns}:
            return (
                f"{path}'s table {name} has the columns {sorted(columns)}, nbgrader's "
                f"{sorted(c.name for c in table.columns)}"
            )
    return None


def occupied(conn, version: str) -> str | None:
    """What the target already holds that a move must not write into, or None for an empty database (a
    gradebook of schema `version` that holds nothing but nbgrader's course names counts as empty)."""
    from sqlalchemy import func, inspect, select

    names = set(inspect(conn).get_table_names())
    ours = {t.name: t for t in tables()}
    if foreign := names - set(ours) - {VERSION_TABLE}:
        return (
            f"it holds tables that are not nbgrader's ({', '.join(sorted(foreign))}): is it the right "
            "database? Move into an empty one"
        )
    held = {
        name: n
        for name, table in ours.items()
        if name in names and name != "course" and (n := conn.execute(select(func.count()).select_from(table)).scalar())
    }
    if held:
        return (
            "it already holds a gradebook with data ("
            + ", ".join(f"{n} {name}" for name, n in held.items())
            + "): a move would mix two gradebooks. Move into an empty database (after a failed move, "
            "drop it and create it again)"
        )
    if VERSION_TABLE in names and _version(conn) not in ([], [version]):
        return (
            f"its empty gradebook is at nbgrader's schema version {', '.join(_version(conn))}, gradebook.db's "
            f"at {version}: move into an empty database"
        )
    return None


def move(course: Path, to: str) -> Moved:
    """Copy the course's gradebook.db into the empty PostgreSQL database at `to`, then check it."""
    from sqlalchemy import create_engine, delete, insert, select, text
    from sqlalchemy.exc import SQLAlchemyError
    from sqlalchemy.pool import NullPool

    source = Path(course).resolve() / "gradebook.db"
    url = target_url(to)
    if not source.is_file():
        raise MoveError(
            f"{source.parent} has no gradebook.db, so there is nothing to move: set "
            "RNNLAB_GRADEBOOK_URL and the course's commands start the gradebook in PostgreSQL"
        )
    reader, writer = _read_only(source), create_engine(url, poolclass=NullPool)
    try:
        with reader.connect() as sconn:
            sconn.exec_driver_sql("BEGIN")
            why = source_problem(sconn, source)
            if why:
                raise MoveError(why + "; nothing was written")
            version = _version(sconn)[0]
            with writer.begin() as tconn:  # one transaction: all of it or nothing
                why = occupied(tconn, version)
                if why:
                    raise MoveError(f"the database at {shown(url)} is refused: {why}; nothing was written")
                everything = tables()
                course_table = next(t for t in everything if t.name == "course")
                course_table.metadata.create_all(tconn)  # nbgrader's tables, as nbgrader's models make them
                if not tconn.dialect.has_table(tconn, VERSION_TABLE):
                    # as nbgrader stamps a gradebook it creates (nbgrader.api.Gradebook)
                    tconn.exec_driver_sql(f"CREATE TABLE {VERSION_TABLE} (version_num VARCHAR(32) NOT NULL)")
                tconn.exec_driver_sql(f"DELETE FROM {VERSION_TABLE}")
                tconn.execute(text(f"INSERT INTO {VERSION_TABLE} (version_num) VALUES (:v)"), {"v": version})
                tconn.execute(delete(course_table))  # course names only: occupied() saw nothing else
                for table in everything:
                    for rows in sconn.execute(select(table)).partitions(2000):
                        tconn.execute(insert(table), [dict(row._mapping) for row in rows])
    except SQLAlchemyError as err:
        raise MoveError(
            f"the move to {shown(url)} failed, and nothing was written (the copy is one transaction): "
            f"{getattr(err, 'orig', None) or err}"
        ) from None
    finally:
        reader.dispose()
        writer.dispose()
    return Moved(source, shown(url), version, check(source, url))


# -- the check ----------------------------------------------------------------------------------
def _text(value) -> str:
    """A column's value as text that tells apart every value nbgrader's types can hold."""
    if isinstance(value, float):
        return value.hex()  # exact: 0.1 + 0.2 is not 0.3 here
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, timedelta):  # an extension (SQLite keeps it as a datetime)
        return f"{value.days}d{value.seconds}s{value.microseconds}us"
    return json.dumps(value)  # None, booleans, integers, strings (control characters escaped)


def _digests(conn, table) -> dict[tuple, bytes]:
    """Each row of `table`, by its primary key: a digest of every column."""
    from sqlalchemy import select

    key = [c.name for c in table.primary_key.columns]
    found = {}
    for row in conn.execute(select(table)):
        values = row._mapping
        text = "\x1f".join(_text(values[c.name]) for c in table.columns)
        found[tuple(values[k] for k in key)] = hashlib.blake2b(text.encode(), digest_size=16).digest()
    return found


def _row(conn, table, key: tuple) -> dict[str, str]:
    """One row's columns, as a reader would write them (floats in full, not as _text's hex)."""
    from sqlalchemy import and_, select

    where = and_(*(column == value for column, value in zip(table.primary_key.columns, key)))
    row = conn.execute(select(table).where(where)).one()._mapping
    return {c.name: repr(row[c.name]) if isinstance(row[c.name], float) else _text(row[c.name]) for c in table.columns}


def _compare(sconn, tconn, table) -> tuple[Table, list[str]]:
    mine, theirs = _digests(sconn, table), _digests(tconn, table)
    total = hashlib.sha256()
    for key in sorted(mine, key=repr):
        total.update(mine[key])
    found = []
    if len(mine) != len(theirs):
        found.append(f"{table.name}: {len(mine)} row(s) in gradebook.db, {len(theirs)} in the target")
    for key in [k for k in mine if k not in theirs][:SHOWN]:
        found.append(f"{table.name}: the row {'/'.join(map(str, key))} is missing from the target")
    for key in [k for k in theirs if k not in mine][:SHOWN]:
        found.append(f"{table.name}: the row {'/'.join(map(str, key))} is in the target only")
    changed = [k for k in mine if k in theirs and mine[k] != theirs[k]]
    for key in changed[:SHOWN]:
        before, after = _row(sconn, table, key), _row(tconn, table, key)
        columns = ", ".join(f"{c} {before[c]} -> {after[c]}" for c in before if before[c] != after[c])
        found.append(f"{table.name}: the row {'/'.join(map(str, key))} differs in the target ({columns})")
    if len(changed) > SHOWN:
        found.append(f"{table.name}: {len(changed) - SHOWN} more row(s) differ")
    return Table(len(mine), total.hexdigest()[:16]), found


def check(source: Path, to: str) -> Check:
    """Every table of the SQLite gradebook `source` compared with the database at `to`, read
    afresh: the number of rows, and each row's digest of every column, row by row."""
    from sqlalchemy import create_engine, inspect
    from sqlalchemy.pool import NullPool

    result = Check()
    reader, other = _read_only(Path(source)), create_engine(target_url(to), poolclass=NullPool)
    try:
        with reader.connect() as sconn, other.connect() as tconn:
            sconn.exec_driver_sql("BEGIN")
            present = set(inspect(tconn).get_table_names())
            for table in tables():
                if table.name not in present:
                    result.differences.append(f"{table.name}: the table is missing from the target")
                    continue
                result.tables[table.name], found = _compare(sconn, tconn, table)
                result.differences += found
            if VERSION_TABLE not in present or _version(sconn) != _version(tconn):
                result.differences.append(f"{VERSION_TABLE}: the schema version differs in the target")
    finally:
        reader.dispose()
        other.dispose()
    return result


def report(moved: Moved) -> list[str]:
    """What the move copied and checked, for the instructor."""
    lines = [f"copied {moved.source} to {moved.target} (nbgrader's schema, version {moved.version}):"]
    lines += [f"  {name:22s} {t.rows:7d} row(s)  digest {t.digest}" for name, t in moved.check.tables.items()]
    if moved.check.differences:
        lines.append(
            f"THE COPY DIFFERS from {moved.source.name} in {len(moved.check.differences)} place(s); do "
            "not use it. Was gradebook.db written during the move (a grading run, hand grading)? "
            "Drop the database, create it empty, and move again:"
        )
        lines += [f"  {line}" for line in moved.check.differences]
    else:
        lines.append(
            f"checked: every row of the {len(moved.check.tables)} tables arrived, every column as it was "
            f"(a digest per row, compared row by row); {moved.source.name} is untouched"
        )
    return lines


def next_step(moved: Moved) -> list[str]:
    """How the course's commands find the moved gradebook."""
    hidden = "***" in moved.target
    return [
        "Next: set RNNLAB_GRADEBOOK_URL in the environment where the course's commands run (this "
        "shell, every Dask worker, the formgrader, make hand-grade); nbgrader_config.py reads it from there. "
        "Never write the URL, with its password, into nbgrader_config.py:",
        f"  export RNNLAB_GRADEBOOK_URL='{moved.target}'" + ("    (your password in place of ***)" if hidden else ""),
        f"Without it the commands go on reading and writing {moved.source.name}, the term as it was before the move.",
    ]
