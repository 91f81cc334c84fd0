"""Users, hashed API tokens, failed logins and signing keys, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest

from sitewarden.errors import NotFound, SitewardenError
from sitewarden.results import utcnow
from sitewarden.store.database import Database
from sitewarden.store.tables import api_tokens
from sitewarden.store.users import (
    add_failed_login,
    add_user,
    clear_failed_logins,
    create_token,
    credentials,
    delete_user,
    failed_logins,
    list_tokens,
    revoke_token,
    token_user,
    web_key,
)


def test_a_user_is_stored_with_its_hash_and_a_second_one_of_that_name_is_refused(database: Database) -> None:
    now = utcnow()
    with database.transaction() as connection:
        user = add_user(connection, "alice", "$argon2id$hash", "admin", now)
        with pytest.raises(SitewardenError, match="a user named 'alice' already exists"):
            add_user(connection, "alice", "other", "viewer", now)
        with pytest.raises(SitewardenError, match="unknown role 'root'"):
            add_user(connection, "bob", "other", "root", now)
        found = credentials(connection, "alice")
    assert found is not None and found[0] == user and found[1] == "$argon2id$hash" and user.is_admin


def test_tokens_are_stored_only_as_digests_and_stop_working_when_revoked(database: Database) -> None:
    now = utcnow()
    with database.transaction() as connection:
        add_user(connection, "alice", "hash", "viewer", now)
        token = create_token(connection, "alice", "prometheus", now)
        stored = [row.token_hash for row in connection.execute(api_tokens.select())]
        owner = token_user(connection, token, now)
        (listed,) = list_tokens(connection)
    assert token.startswith("swt_") and token not in stored and len(stored[0]) == 64
    assert owner is not None and owner.name == "alice"
    assert listed.prefix == token[:10] and listed.last_used_at is not None
    with database.transaction() as connection:
        assert token_user(connection, token + "x", now) is None
        revoke_token(connection, listed.id)
        assert token_user(connection, token, now) is None
        with pytest.raises(NotFound):
            revoke_token(connection, listed.id)
        with pytest.raises(NotFound, match="no user named 'nobody'"):
            create_token(connection, "nobody", "x", now)


def test_deleting_a_user_deletes_their_tokens(database: Database) -> None:
    now = utcnow()
    with database.transaction() as connection:
        add_user(connection, "alice", "hash", "admin", now)
        token = create_token(connection, "alice", "x", now)
        delete_user(connection, "alice")
        assert token_user(connection, token, now) is None and list_tokens(connection) == []


def test_failed_logins_are_counted_in_their_window_and_cleared(database: Database) -> None:
    now = utcnow()
    with database.transaction() as connection:
        add_failed_login(connection, ["user:alice", "addr:127.0.0.1"], now - timedelta(minutes=10))
        add_failed_login(connection, ["user:alice"], now)
        assert failed_logins(connection, "user:alice", now - timedelta(minutes=5)) == 1
        assert failed_logins(connection, "user:alice", now - timedelta(minutes=15)) == 2
        clear_failed_logins(connection, ["user:alice"])
        assert failed_logins(connection, "user:alice", now - timedelta(hours=1)) == 0
        assert failed_logins(connection, "addr:127.0.0.1", now - timedelta(hours=1)) == 1


def test_the_session_key_is_made_once_and_shared(database: Database) -> None:
    with database.transaction() as connection:
        first = web_key(connection, "session", utcnow())
    with database.transaction() as connection:
        assert web_key(connection, "session", utcnow()) == first and len(first) == 64
