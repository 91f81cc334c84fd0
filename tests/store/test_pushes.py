"""Push rows on both backends: token hashes, the latest document, refused pushes and stale rows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sitewarden.store.database import Database
from sitewarden.store.pushes import PushSpec, push_facts, record_push, record_push_problem, sync_pushes, token_matches
from sitewarden.store.tables import push_documents

NOW = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)
TOKEN = "Push-Token-0123456789"


def test_tokens_are_kept_as_hashes_and_replaced_by_a_new_config(database: Database) -> None:
    with database.transaction() as connection:
        sync_pushes(connection, [PushSpec("intranet/health", TOKEN, 300.0, 60.0, "ietf")], NOW)
        stored = connection.execute(push_documents.select()).all()
        assert TOKEN not in repr(stored)
        assert token_matches(connection, "intranet/health", TOKEN) == (True, "ietf")
        assert token_matches(connection, "intranet/health", TOKEN + "x") == (False, "ietf")
        assert token_matches(connection, "intranet/other", TOKEN) is None
        sync_pushes(connection, [PushSpec("intranet/health", "Renewed-Token-0123456", 300.0, 60.0)], NOW)
        assert token_matches(connection, "intranet/health", TOKEN) == (False, "spec")
        sync_pushes(connection, [], NOW)
        assert token_matches(connection, "intranet/health", "Renewed-Token-0123456") is None


def test_the_latest_document_and_a_later_refusal_are_both_kept(database: Database) -> None:
    with database.transaction() as connection:
        sync_pushes(connection, [PushSpec("intranet/health", TOKEN, 300.0, 60.0)], NOW)
        record_push(connection, "intranet/health", '{"status": "pass"}', "application/health+json", NOW)
        record_push_problem(connection, "intranet/health", "malformed JSON", NOW + timedelta(minutes=1))
        facts = push_facts(connection, "intranet/health")
        assert facts is not None
        assert (facts.received_at, facts.body, facts.problem) == (NOW, '{"status": "pass"}', "malformed JSON")
        assert facts.problem_at == NOW + timedelta(minutes=1) and (facts.period, facts.grace) == (300.0, 60.0)
        record_push(connection, "intranet/health", '{"status": "warn"}', "application/json", NOW + timedelta(minutes=2))
        facts = push_facts(connection, "intranet/health")
        assert facts is not None and facts.problem is None and facts.body == '{"status": "warn"}'
