"""Fixtures the autograder's tests share."""

import pytest

from autograder.deploying.pgserver import temporary_gradebook


@pytest.fixture(scope="module")
def postgres():
    """A PostgreSQL server of the module's own, for gradebooks that are databases on it."""
    with temporary_gradebook() as url:
        yield url
