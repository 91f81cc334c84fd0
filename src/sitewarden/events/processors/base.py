"""The processor contract: a kind, a params model, and one `process` over the items of a message before rendering.

Processors run in the order a target lists them, on copies of the stored events: the store keeps the originals.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict

from sitewarden.events.message import MessageItem


class ProcessorParams(BaseModel):
    """Base of every processor's parameters."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    kind: str


@dataclass(frozen=True, slots=True)
class SiteDetails:
    """What the enrich processor may add about a site: no secrets, no HTTP options."""

    name: str
    url: str
    groups: tuple[str, ...] = ()
    contacts: tuple[str, ...] = ()


@dataclass(slots=True)
class ProcessorContext:
    """What processors may use: the sites of the config, by name."""

    sites: dict[str, SiteDetails] = field(default_factory=dict)


class Processor:
    """Base class: subclasses set `kind` and `params`, and implement `process`."""

    kind: ClassVar[str]
    params: ClassVar[type[ProcessorParams]]

    def process(self, params: Any, items: list[MessageItem], ctx: ProcessorContext) -> list[MessageItem]:
        raise NotImplementedError(f"{type(self).__name__}.process")
