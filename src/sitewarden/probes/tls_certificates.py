"""X.509 facts a monitor reports: validity, names, host name match, signature hash and key strength."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448, ed25519, rsa
from cryptography.x509.oid import NameOID

WEAK_HASHES = {"md5", "sha1", "md2", "md4"}


@dataclass(slots=True)
class CertificateFacts:
    """What a check needs to know about one certificate, with nothing left to parse."""

    subject: str
    issuer: str
    serial: str
    not_before: datetime
    not_after: datetime
    names: list[str] = field(default_factory=list)
    signature_hash: str | None = None
    key_type: str = ""
    key_bits: int = 0
    self_issued: bool = False

    def days_left(self, now: datetime) -> float:
        return (self.not_after - now).total_seconds() / 86400

    def as_dict(self) -> dict[str, Any]:
        return {
            "subject": self.subject,
            "issuer": self.issuer,
            "serial": self.serial,
            "not_before": self.not_before.isoformat(),
            "not_after": self.not_after.isoformat(),
            "names": self.names,
            "signature_hash": self.signature_hash,
            "key": f"{self.key_type} {self.key_bits} bits" if self.key_bits else self.key_type,
        }


def certificate_facts(der: bytes) -> CertificateFacts:
    """Parse a DER certificate into CertificateFacts (raises ValueError for data that is no certificate)."""
    certificate = x509.load_der_x509_certificate(der)
    try:
        hash_algorithm = certificate.signature_hash_algorithm
        signature_hash = hash_algorithm.name if hash_algorithm is not None else None
    except Exception:  # an algorithm cryptography does not know: report it as unknown, not as a crash
        signature_hash = "unknown"
    key_type, key_bits = describe_key(certificate)
    return CertificateFacts(
        subject=certificate.subject.rfc4514_string(),
        issuer=certificate.issuer.rfc4514_string(),
        serial=format(certificate.serial_number, "x"),
        not_before=certificate.not_valid_before_utc,
        not_after=certificate.not_valid_after_utc,
        names=subject_names(certificate),
        signature_hash=signature_hash,
        key_type=key_type,
        key_bits=key_bits,
        self_issued=certificate.subject == certificate.issuer,
    )


def describe_key(certificate: x509.Certificate) -> tuple[str, int]:
    try:
        key = certificate.public_key()
    except Exception:
        return "unknown", 0
    if isinstance(key, rsa.RSAPublicKey):
        return "RSA", key.key_size
    if isinstance(key, ec.EllipticCurvePublicKey):
        return f"EC {key.curve.name}", key.key_size
    if isinstance(key, dsa.DSAPublicKey):
        return "DSA", key.key_size
    if isinstance(key, ed25519.Ed25519PublicKey):
        return "Ed25519", 256
    if isinstance(key, ed448.Ed448PublicKey):
        return "Ed448", 456
    return type(key).__name__, 0


def subject_names(certificate: x509.Certificate) -> list[str]:
    """DNS names and IP addresses from the SAN extension; the common name when there is no SAN."""
    try:
        san = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        common = certificate.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
        return [str(common[0].value)] if common else []
    names: list[str] = [str(name) for name in san.get_values_for_type(x509.DNSName)]
    names.extend(str(address) for address in san.get_values_for_type(x509.IPAddress))
    return names


def matches_host(names: list[str], host: str) -> bool:
    """RFC 6125 matching: exact names, a wildcard in the leftmost label only, IP addresses compared as such."""
    wanted = host.strip("[]").rstrip(".").lower()
    try:
        address = ipaddress.ip_address(wanted)
    except ValueError:
        address = None
    for name in names:
        if address is not None:
            try:
                if ipaddress.ip_address(name) == address:
                    return True
            except ValueError:
                continue
            continue
        pattern = name.rstrip(".").lower()
        if pattern == wanted:
            return True
        if pattern.startswith("*.") and "." in wanted:
            label, rest = wanted.split(".", 1)
            if label and rest == pattern[2:] and "." in rest:
                return True
    return False
