"""PostgreSQL connections that went away while pooled (a restart, an idle timeout): the store
pings a connection that sat idle before using it, not one in use a moment ago."""

import psycopg
import pytest
import sqlalchemy as sa

from procex.exchange.server.storage import store as store_module
from procex.exchange.server.storage.store import Store
from tests.libserver import PostgresDatabase, need_postgres


@pytest.fixture
def store():
    need_postgres()
    database = PostgresDatabase()
    opened = Store(database.url)
    opened.add_member("trier", "Stadt Trier", "07211000")
    token, _ = opened.create_token("trier", "test")
    yield opened, token
    opened.close()
    database.drop()


def end_pooled_connections(url):
    """What a PostgreSQL restart does to the pool: every server process of the database ends."""
    name = url.rsplit("/", 1)[1]
    with psycopg.connect("host=127.0.0.1 port=5432 user=postgres dbname=test", autocommit=True) as conn:
        ended = conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            (name,),
        ).fetchall()
    return len(ended)


def test_an_idle_connection_that_went_away_is_replaced_before_use(store, monkeypatch):
    opened, token = store
    assert opened.member_for_token(token)["slug"] == "trier"
    monkeypatch.setattr(store_module, "PING_AFTER_IDLE_S", 0.0)  # every pooled connection counts as idle
    assert end_pooled_connections(opened.url) >= 1
    assert opened.member_for_token(token)["slug"] == "trier"  # no error: pinged, connected anew
    assert opened.search(q="")[1] == 0


def test_a_connection_used_a_moment_ago_is_not_pinged_and_fails_once(store, monkeypatch):
    opened, token = store
    assert opened.member_for_token(token)["slug"] == "trier"
    monkeypatch.setattr(store_module, "PING_AFTER_IDLE_S", 3600.0)  # nothing counts as idle
    assert end_pooled_connections(opened.url) >= 1
    with pytest.raises(sa.exc.OperationalError) as failed:  # the server answers 503 (not 500)
        opened.member_for_token(token)
    assert failed.value.connection_invalidated
    # the failure replaced the pool's connections: the next request is served
    assert opened.member_for_token(token)["slug"] == "trier"
