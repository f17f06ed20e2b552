import pytest

from app.db.engine import Database


@pytest.fixture
def db(paths):
    """The station's database alone (schema only), for repository tests with no AppContext."""
    database = Database(paths.database)
    yield database
    database.dispose()
