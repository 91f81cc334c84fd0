"""The probe registry: kind → class. The config's check union is derived from it."""

from __future__ import annotations

from typing import Any

from sitewarden.probes.base import Probe
from sitewarden.probes.command import CommandProbe
from sitewarden.probes.dns_probe import DnsProbe
from sitewarden.probes.domain import DomainProbe
from sitewarden.probes.heartbeat import HeartbeatProbe
from sitewarden.probes.http import HttpProbe
from sitewarden.probes.json_probe import JsonProbe
from sitewarden.probes.ssh import SshProbe
from sitewarden.probes.tcp import TcpProbe
from sitewarden.probes.tls import TlsProbe
from sitewarden.probes.tls_client_ca import TlsClientCaProbe
from sitewarden.registry import build_registry

PROBES: dict[str, type[Probe[Any]]] = build_registry(
    (
        HttpProbe,
        TlsProbe,
        JsonProbe,
        TcpProbe,
        CommandProbe,
        DnsProbe,
        HeartbeatProbe,
        SshProbe,
        TlsClientCaProbe,
        DomainProbe,
    ),
    "probe",
)
