"""The `workers:` config section: how long a `sitewarden worker` holds a shard lease and how often it renews it."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, model_validator

from sitewarden.durations import Duration


class WorkersSettings(BaseModel):
    """Scale-out by shard leases: a dead worker's shards move to the others once its leases expire."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    lease: Duration = Field(default=15.0, gt=0, description="How long a lease lasts without renewal.")
    renew_every: Duration = Field(default=5.0, gt=0, description="How often a worker renews and rebalances its leases.")

    @model_validator(mode="after")
    def _renewed_before_expiry(self) -> WorkersSettings:
        if self.renew_every >= self.lease:
            raise ValueError("renew_every must be shorter than lease, or leases expire between renewals")
        return self
