"""SQLAlchemy Core tables: the one description of the schema, shared by migrations and queries."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

# SQLite needs INTEGER (not BIGINT) for an auto-incrementing rowid primary key.
Id = BigInteger().with_variant(Integer(), "sqlite")


class UtcDateTime(TypeDecorator[datetime]):
    """Timestamps stored as UTC and always read back timezone-aware, on SQLite as on PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def bind_processor(self, dialect: Dialect) -> Any:
        """On SQLite, one step to the stored text (what the two steps below give, at about half their cost: the
        writer converts several timestamps per run)."""
        if dialect.name != "sqlite":
            return super().bind_processor(dialect)

        def process(value: datetime | None) -> str | None:
            if value is None:
                return None
            if value.tzinfo is not None:
                value = value.astimezone(UTC).replace(tzinfo=None)
            return value.isoformat(" ", "microseconds")

        return process

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if isinstance(value, str):
            value = datetime.fromisoformat(value)
        moment: datetime = value
        if moment.tzinfo is None:
            return moment.replace(tzinfo=UTC)
        return moment.astimezone(UTC)


sites = Table(
    "sites",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("name", String(200), nullable=False, unique=True),
    Column("url", Text, nullable=False),
    Column("groups", JSON, nullable=False, default=list),
    Column("contacts", JSON, nullable=False, default=list),
    Column("source", String(20), nullable=False, default="config"),
    Column("active", Boolean, nullable=False, default=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
)

checks = Table(
    "checks",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("key", String(400), nullable=False, unique=True),
    Column("site_id", Id, ForeignKey("sites.id", ondelete="CASCADE"), nullable=True, index=True),
    Column("name", String(200), nullable=False),
    Column("kind", String(50), nullable=False),
    Column("params", JSON, nullable=False, default=dict),
    Column("interval_s", Float, nullable=False),
    Column("source", String(20), nullable=False, default="config"),
    Column("active", Boolean, nullable=False, default=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Column("spec_hash", String(32), nullable=True),  # digest of the columns the sync writes (None: unknown)
    Column("failure_threshold", Integer, nullable=True),  # None: synced before thresholds were kept (the defaults)
    Column("success_threshold", Integer, nullable=True),
)

results = Table(
    "results",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("check_id", Id, ForeignKey("checks.id", ondelete="CASCADE"), nullable=False),
    Column("started_at", UtcDateTime, nullable=False),
    Column("duration_ms", Float, nullable=False),
    Column("status", SmallInteger, nullable=False),
    Column("summary", Text, nullable=False),
    Column("metrics", JSON, nullable=False, default=list),
    Column("details", JSON, nullable=False, default=dict),
    Index("ix_results_check_id_started_at", "check_id", "started_at"),
    Index("ix_results_started_at", "started_at"),
)

states = Table(
    "states",
    metadata,
    Column("check_id", Id, ForeignKey("checks.id", ondelete="CASCADE"), primary_key=True),
    Column("hard_status", SmallInteger, nullable=True),
    Column("hard_since", UtcDateTime, nullable=False),
    Column("soft_status", SmallInteger, nullable=False),
    Column("attempts", Integer, nullable=False, default=0),
    Column("last_status", SmallInteger, nullable=True),
    Column("last_summary", Text, nullable=True),
    Column("last_result_at", UtcDateTime, nullable=True),
    Column("last_duration_ms", Float, nullable=True),
    Column("paused", Boolean, nullable=False, default=False),
    Column("memory", JSON, nullable=False, default=dict),
    Column("version", Integer, nullable=False, default=0),
    Column("updated_at", UtcDateTime, nullable=False),
)

rollups = Table(
    "rollups",
    metadata,
    Column("check_id", Id, ForeignKey("checks.id", ondelete="CASCADE"), nullable=False),
    Column("period", String(8), nullable=False),
    Column("bucket", UtcDateTime, nullable=False),
    Column("count", Integer, nullable=False),
    Column("ok", Integer, nullable=False),
    Column("warning", Integer, nullable=False),
    Column("error", Integer, nullable=False),
    Column("unknown", Integer, nullable=False),
    Column("duration_sum", Float, nullable=False),
    Column("duration_min", Float, nullable=False),
    Column("duration_max", Float, nullable=False),
    UniqueConstraint("check_id", "period", "bucket", name="uq_rollups_check_period_bucket"),
    Index("ix_rollups_bucket", "period", "bucket"),
)

events = Table(
    "events",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("type", String(20), nullable=False),
    Column("severity", SmallInteger, nullable=False),
    Column("channel", String(400), nullable=False),
    Column("message", Text, nullable=False),
    Column("payload", JSON, nullable=False, default=dict),
    Column("site", String(200), nullable=True),
    Column("check_name", String(200), nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("dedupe_key", String(400), nullable=True, unique=True),
    Index("ix_events_site_id", "site", "id"),
    Index("ix_events_created_at", "created_at"),
)

site_definitions = Table(
    "site_definitions",
    metadata,
    Column("name", String(200), primary_key=True),
    Column("definition", JSON, nullable=False),
    Column("source", String(20), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
)

commands = Table(
    "commands",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("check_key", String(400), nullable=False),
    Column("action", String(20), nullable=False),
    Column("requested_by", String(200), nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("taken_at", UtcDateTime, nullable=True),
    Column("taken_by", String(200), nullable=True),
    Column("planned", Boolean, nullable=False, default=False),
    Column("reason", Text, nullable=True),
    Index("ix_commands_taken_at", "taken_at"),
)

workers = Table(
    "workers",
    metadata,
    Column("name", String(200), primary_key=True),
    Column("started_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Column("stats", JSON, nullable=False, default=dict),
)

# Catalogue: releases, branches, advisories and product facts per source and part, and assessments.
catalog_fetches = Table(
    "catalog_fetches",
    metadata,
    Column("source", String(50), primary_key=True),
    Column("part", String(200), primary_key=True),
    Column("url", Text, nullable=False),
    Column("etag", String(400), nullable=True),
    Column("last_modified", String(100), nullable=True),
    Column("generation", Integer, nullable=False, default=0),
    Column("records", Integer, nullable=False, default=0),
    Column("fetched_at", UtcDateTime, nullable=False),
    Column("changed_at", UtcDateTime, nullable=True),
)

catalog_releases = Table(
    "catalog_releases",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("source", String(50), nullable=False),
    Column("part", String(200), nullable=False),
    Column("product", String(300), nullable=False),
    Column("version", String(100), nullable=False),
    Column("released_at", UtcDateTime, nullable=True),
    Column("kind", String(20), nullable=False),
    Column("insecure", Boolean, nullable=False),
    Column("elts", Boolean, nullable=False),
    Column("state", String(40), nullable=True),
    Column("seen", Integer, nullable=False),
    UniqueConstraint("source", "part", "product", "version", name="uq_catalog_releases_key"),
    Index("ix_catalog_releases_product", "product"),
)

catalog_branches = Table(
    "catalog_branches",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("source", String(50), nullable=False),
    Column("part", String(200), nullable=False),
    Column("product", String(300), nullable=False),
    Column("branch", String(50), nullable=False),
    Column("released_at", UtcDateTime, nullable=True),
    Column("support_until", UtcDateTime, nullable=True),
    Column("security_until", UtcDateTime, nullable=True),
    Column("elts_until", UtcDateTime, nullable=True),
    Column("eol", Boolean, nullable=True),
    Column("latest", String(100), nullable=True),
    Column("lts", Boolean, nullable=False),
    Column("seen", Integer, nullable=False),
    UniqueConstraint("source", "part", "product", "branch", name="uq_catalog_branches_key"),
    Index("ix_catalog_branches_product", "product"),
)

catalog_advisories = Table(
    "catalog_advisories",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("source", String(50), nullable=False),
    Column("part", String(200), nullable=False),
    Column("advisory_id", String(200), nullable=False),
    Column("product", String(300), nullable=False),
    Column("affected", Text, nullable=False),
    Column("title", Text, nullable=False),
    Column("severity", String(20), nullable=True),
    Column("aliases", JSON, nullable=False),
    Column("fixed", JSON, nullable=False),
    Column("link", Text, nullable=True),
    Column("published_at", UtcDateTime, nullable=True),
    Column("seen", Integer, nullable=False),
    UniqueConstraint("source", "part", "advisory_id", "product", name="uq_catalog_advisories_key"),
    Index("ix_catalog_advisories_product", "product"),
)

catalog_products = Table(
    "catalog_products",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("source", String(50), nullable=False),
    Column("part", String(200), nullable=False),
    Column("product", String(300), nullable=False),
    Column("status", String(20), nullable=False),
    Column("latest", String(100), nullable=True),
    Column("reason", Text, nullable=True),
    Column("supported_branches", JSON, nullable=False),
    Column("aliases", JSON, nullable=True),
    Column("seen", Integer, nullable=False),
    UniqueConstraint("source", "part", "product", name="uq_catalog_products_key"),
    Index("ix_catalog_products_product", "product"),
)

assessments = Table(
    "assessments",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("site", String(200), nullable=False),
    Column("item_kind", String(20), nullable=False),
    Column("item_key", String(300), nullable=False),
    Column("product", String(300), nullable=False),
    Column("version", String(100), nullable=True),
    Column("verdict", String(20), nullable=False),
    Column("advisories", JSON, nullable=False),
    Column("fixed_version", String(100), nullable=True),
    Column("latest", String(100), nullable=True),
    Column("summary", Text, nullable=False),
    Column("branch", String(50), nullable=True),
    Column("support", String(20), nullable=True),
    Column("branch_latest", String(100), nullable=True),
    Column("upgrade", String(10), nullable=True),
    Column("fix_upgrade", Boolean, nullable=True),
    Column("caveat", Text, nullable=True),
    Column("assessed_at", UtcDateTime, nullable=False),
    Column("changed_at", UtcDateTime, nullable=False),
    Column("accepted_id", Id, nullable=True),
    Column("accepted_until", Date, nullable=True),
    UniqueConstraint("site", "item_kind", "item_key", name="uq_assessments_item"),
    Index("ix_assessments_verdict", "verdict"),
    Index("ix_assessments_fleet_item", "item_kind", "item_key", "product", "verdict"),
    Index("ix_assessments_product", "product"),
)

accepted_findings = Table(
    "accepted_findings",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("site", String(200), nullable=False),
    Column("product", String(300), nullable=False),
    Column("advisory", String(200), nullable=True),
    Column("verdict", String(20), nullable=True),
    Column("reason", Text, nullable=False),
    Column("until", Date, nullable=False),
    Column("accepted_by", String(200), nullable=False),
    Column("accepted_at", UtcDateTime, nullable=False),
    Column("revoked_by", String(200), nullable=True),
    Column("revoked_at", UtcDateTime, nullable=True),
    Column("expired_at", UtcDateTime, nullable=True),
    Index("ix_accepted_findings_site", "site"),
)

users = Table(
    "users",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("name", String(200), nullable=False, unique=True),
    Column("password_hash", Text, nullable=False),
    Column("role", String(20), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("last_login_at", UtcDateTime, nullable=True),
    Column("identity", String(64), nullable=False, unique=True),
)

api_tokens = Table(
    "api_tokens",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("user_id", Id, ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("name", String(200), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("prefix", String(16), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("last_used_at", UtcDateTime, nullable=True),
    Column("user_identity", String(64), nullable=False),
)

web_sessions = Table(
    "web_sessions",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("user_id", Id, ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("user_identity", String(64), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("last_seen_at", UtcDateTime, nullable=False),
    Column("address", String(100), nullable=False),
    Column("user_agent", String(300), nullable=False),
)

audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("at", UtcDateTime, nullable=False, index=True),
    Column("actor", String(200), nullable=False),
    Column("address", String(100), nullable=False),
    Column("action", String(100), nullable=False),
    Column("target", String(300), nullable=False),
    Column("detail", JSON, nullable=False),
)

login_attempts = Table(
    "login_attempts",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("subject", String(300), nullable=False),
    Column("attempted_at", UtcDateTime, nullable=False),
    Index("ix_login_attempts_subject_attempted_at", "subject", "attempted_at"),
)

web_keys = Table(
    "web_keys",
    metadata,
    Column("name", String(100), primary_key=True),
    Column("value", Text, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
)

maintenance_windows = Table(
    "maintenance_windows",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("site", String(200), nullable=False),
    Column("starts_at", UtcDateTime, nullable=False),
    Column("ends_at", UtcDateTime, nullable=False),
    Column("reason", Text, nullable=False, default=""),
    Column("created_by", String(200), nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
    Index("ix_maintenance_windows_site_ends_at", "site", "ends_at"),
)

# Notifications (events/): routing cursor, routed events, groups, deliveries with attempts, open alerts, reports.
notify_cursors = Table(
    "notify_cursors",
    metadata,
    Column("name", String(100), primary_key=True),
    Column("last_event_id", BigInteger, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
)

notifications = Table(
    "notifications",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("dedupe", String(500), nullable=False, unique=True),
    Column("target", String(200), nullable=False),
    Column("event_id", BigInteger, nullable=False),
    Column("notice", String(10), nullable=False),
    Column("channel", String(400), nullable=False),
    Column("severity", SmallInteger, nullable=False),
    Column("state", String(12), nullable=False),
    Column("due_at", UtcDateTime, nullable=False),
    Column("group_id", BigInteger, nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
    Index("ix_notifications_target_state_due_at", "target", "state", "due_at"),
    Index("ix_notifications_group_id", "group_id"),
)

notify_groups = Table(
    "notify_groups",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("target", String(200), nullable=False),
    Column("items", Integer, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
)

deliveries = Table(
    "deliveries",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("group_id", BigInteger, nullable=False),
    Column("target", String(200), nullable=False),
    Column("handler_index", Integer, nullable=False),
    Column("handler_kind", String(50), nullable=False),
    Column("state", String(12), nullable=False),
    Column("attempts", Integer, nullable=False, default=0),
    Column("next_attempt_at", UtcDateTime, nullable=False),
    Column("claimed_by", String(200), nullable=True),
    Column("claimed_at", UtcDateTime, nullable=True),
    Column("finished_at", UtcDateTime, nullable=True),
    Column("last_error", Text, nullable=True),
    UniqueConstraint("group_id", "handler_index", name="uq_deliveries_group_id_handler_index"),
    Index("ix_deliveries_state_next_attempt_at", "state", "next_attempt_at"),
)

delivery_attempts = Table(
    "delivery_attempts",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("delivery_id", BigInteger, nullable=False, index=True),
    Column("number", Integer, nullable=False),
    Column("worker", String(200), nullable=False),
    Column("started_at", UtcDateTime, nullable=False),
    Column("finished_at", UtcDateTime, nullable=True),
    Column("ok", Boolean, nullable=True),
    Column("error", Text, nullable=True),
    Column("duration_ms", Float, nullable=True),
)

alerts = Table(
    "alerts",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("target", String(200), nullable=False),
    Column("channel", String(400), nullable=False),
    Column("site", String(200), nullable=True),
    Column("is_open", Boolean, nullable=False),
    Column("severity", SmallInteger, nullable=False),
    Column("event_id", BigInteger, nullable=False),
    Column("opened_at", UtcDateTime, nullable=False),
    Column("notified", Boolean, nullable=False),
    Column("last_notified_at", UtcDateTime, nullable=True),
    Column("reminders", Integer, nullable=False, default=0),
    Column("version", Integer, nullable=False, default=0),
    UniqueConstraint("target", "channel", name="uq_alerts_target_channel"),
    Index("ix_alerts_target_is_open", "target", "is_open"),
)

report_runs = Table(
    "report_runs",
    metadata,
    Column("name", String(200), primary_key=True),
    Column("last_run_at", UtcDateTime, nullable=False),
)

shard_leases = Table(
    "shard_leases",
    metadata,
    Column("shard", Integer, primary_key=True, autoincrement=False),
    Column("worker", String(200), nullable=True),
    Column("epoch", Integer, nullable=False, default=0),
    Column("expires_at", UtcDateTime, nullable=True),
)

inventory_snapshots = Table(
    "inventory_snapshots",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("site", String(200), nullable=True),
    Column("check_name", String(200), nullable=False),
    Column("source", String(50), nullable=False),
    Column("digest", String(64), nullable=False),
    Column("snapshot", JSON, nullable=False),
    Column("collected_at", UtcDateTime, nullable=False),
    Column("last_seen_at", UtcDateTime, nullable=False),
    Index("ix_inventory_snapshots_site_check_id", "site", "check_name", "id"),
)

heartbeats = Table(
    "heartbeats",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("uuid", String(36), nullable=False, unique=True),
    Column("check_key", String(400), nullable=False, unique=True),
    Column("period_s", Float, nullable=False),
    Column("grace_s", Float, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
)

heartbeat_pings = Table(
    "heartbeat_pings",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("heartbeat_id", Id, ForeignKey("heartbeats.id", ondelete="CASCADE"), nullable=False),
    Column("kind", String(10), nullable=False),
    Column("received_at", UtcDateTime, nullable=False),
    Column("method", String(10), nullable=False),
    Column("remote", String(100), nullable=True),
    Column("body", Text, nullable=False),
    Column("duration_s", Float, nullable=True),
    Index("ix_heartbeat_pings_heartbeat_id_id", "heartbeat_id", "id"),
)

# Pushed CMS Health Check / IETF health documents (cms_health checks with `mode: push`): the latest one per check.
push_documents = Table(
    "push_documents",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("check_key", String(400), nullable=False, unique=True),
    Column("token_hash", String(64), nullable=False),
    Column("flavour", String(20), nullable=False),
    Column("period_s", Float, nullable=False),
    Column("grace_s", Float, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Column("received_at", UtcDateTime, nullable=True),
    Column("body", Text, nullable=True),
    Column("media_type", String(100), nullable=True),
    Column("problem", Text, nullable=True),
    Column("problem_at", UtcDateTime, nullable=True),
)

# Groups added to or removed from sites by bulk actions, laid over the groups the config file (or API) gives them.
site_group_edits = Table(
    "site_group_edits",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("site", String(200), nullable=False),
    Column("group_name", String(200), nullable=False),
    Column("added", Boolean, nullable=False),
    Column("created_by", String(200), nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
    UniqueConstraint("site", "group_name", name="uq_site_group_edits_site_group_name"),
)
