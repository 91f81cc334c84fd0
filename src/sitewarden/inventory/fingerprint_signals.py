"""Reading public pages for CMS evidence: pure functions from headers and bodies to findings (no network here).

Each finding names the CMS, optionally a version with its precision, a confidence, and the evidence in words.
Sources: generator meta tags and headers, feeds, well-known files, versioned asset URLs (see
the reference notes on agentless fingerprinting: Wappalyzer's patterns, wpscan's and Typo3Scan's files).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from sitewarden.inventory.model import CmsName, Component, Origin, Precision

SOURCE = "fingerprint"
Cms = CmsName


@dataclass(frozen=True, slots=True)
class Finding:
    """One piece of evidence: a CMS seen, maybe with a version and how much of it."""

    cms: Cms
    evidence: str
    confidence: float
    version: str | None = None
    precision: Precision = "unknown"


def precision_of(version: str) -> Precision:
    parts = version.split(".")
    return "exact" if len(parts) >= 3 else "minor" if len(parts) == 2 else "major"


def _version_finding(
    cms: Cms, version: str, evidence: str, confidence: float, precision: Precision | None = None
) -> Finding:
    return Finding(cms, evidence, confidence, version, precision or precision_of(version))


_META_GENERATOR = re.compile(
    r"<meta\s+[^>]*?name\s*=\s*[\"']generator[\"'][^>]*?content\s*=\s*[\"']([^\"']{1,200})[\"']"
    r"|<meta\s+[^>]*?content\s*=\s*[\"']([^\"']{1,200})[\"'][^>]*?name\s*=\s*[\"']generator[\"']",
    re.IGNORECASE,
)


def generator_findings(text: str, where: str) -> list[Finding]:
    """`<meta name="generator">` values and the X-Generator header speak the same language."""
    found: list[Finding] = []
    if match := re.match(r"^\s*WordPress(?:\s+(\d+(?:\.\d+){1,2}))?", text, re.IGNORECASE):
        evidence = f"{where}: {text.strip()[:80]}"
        found.append(
            _version_finding("wordpress", match.group(1), evidence, 0.9, "exact")
            if match.group(1)
            else Finding("wordpress", evidence, 0.9)
        )
    elif match := re.match(r"^\s*Drupal(?:\s+(\d+(?:\.\d+)*))?", text, re.IGNORECASE):
        evidence = f"{where}: {text.strip()[:80]}"
        found.append(
            _version_finding("drupal", match.group(1), evidence, 0.95)
            if match.group(1)
            else Finding("drupal", evidence, 0.9)
        )
    elif re.match(r"^\s*Joomla!", text, re.IGNORECASE):
        evidence = f"{where}: {text.strip()[:80]}"
        version = re.search(r"Version\s+(\d+(?:\.\d+){1,2})", text, re.IGNORECASE)
        found.append(
            _version_finding("joomla", version.group(1), evidence, 0.9) if version else Finding("joomla", evidence, 0.9)
        )
    elif match := re.match(r"^\s*TYPO3\s+(?:CMS\s+)?(\d+(?:\.\d+){0,2})?", text, re.IGNORECASE):
        evidence = f"{where}: {text.strip()[:80]}"
        found.append(
            _version_finding("typo3", match.group(1), evidence, 0.9)
            if match.group(1)
            else Finding("typo3", evidence, 0.9)
        )
    return found


def header_findings(headers: dict[str, list[str]]) -> list[Finding]:
    """CMS evidence in response headers (lower-case names)."""
    found: list[Finding] = []

    def first(name: str) -> str:
        values = headers.get(name) or [""]
        return values[0]

    if generator := first("x-generator"):
        found.extend(generator_findings(generator, "X-Generator header"))
    if match := re.search(r"Joomla!\s*(\d+(?:\.\d+)*)", first("x-content-encoded-by")):
        found.append(_version_finding("joomla", match.group(1), f"X-Content-Encoded-By: {match.group(0)}", 0.8))
    if any('rel="https://api.w.org/"' in value for value in headers.get("link", [])):
        found.append(Finding("wordpress", "Link header to the WordPress REST API", 0.8))
    if first("x-pingback").rstrip("/").endswith("xmlrpc.php"):
        found.append(Finding("wordpress", "X-Pingback header to xmlrpc.php", 0.7))
    if first("x-drupal-cache") or first("x-drupal-dynamic-cache"):
        found.append(Finding("drupal", "X-Drupal-Cache header", 0.9))
    if "19 Nov 1978" in first("expires"):
        found.append(Finding("drupal", "Expires: 19 Nov 1978 (Drupal's birthday)", 0.6))
    for cookie in headers.get("set-cookie", []):
        if cookie.lstrip().startswith("fe_typo_user="):
            found.append(Finding("typo3", "fe_typo_user cookie", 0.9))
        elif re.match(r"\s*SS?ESS[a-f0-9]{32}=", cookie):
            found.append(Finding("drupal", "SESS<hash> session cookie", 0.6))
    return found


def html_findings(html: str) -> list[Finding]:
    """Generator tags, the TYPO3 comment, and versioned core asset URLs in a page."""
    found: list[Finding] = []
    for match in _META_GENERATOR.finditer(html[:200_000]):
        found.extend(generator_findings(match.group(1) or match.group(2), "meta generator"))
    if "This website is powered by TYPO3" in html:
        found.append(Finding("typo3", "HTML comment 'powered by TYPO3'", 0.9))
    if re.search(r"[\"'(/](?:typo3conf|typo3temp)/", html):
        found.append(Finding("typo3", "typo3conf/ or typo3temp/ asset paths", 0.8))
    if re.search(r"/wp-(?:content|includes)/", html):
        found.append(Finding("wordpress", "wp-content/ or wp-includes/ asset paths", 0.8))
    if re.search(r"/media/(?:system|jui|vendor)/(?:js|css)/", html) or "option=com_" in html:
        found.append(Finding("joomla", "Joomla media/system assets or option=com_ URLs", 0.6))
    if re.search(r"/(?:core/misc/drupal|misc/drupal)\.js", html) or "drupalSettings" in html:
        found.append(Finding("drupal", "drupal.js or drupalSettings", 0.8))
    if wp_asset := re.search(r"/wp-includes/[^\"'?\s]+\?ver=(\d+\.\d+(?:\.\d+)?)\b", html):
        found.append(_version_finding("wordpress", wp_asset[1], f"core asset ?ver={wp_asset[1]}", 0.7, "exact"))
    if drupal_asset := re.search(r"/core/(?:misc|assets)/[^\"'?\s]+\?v=(\d+\.\d+\.\d+)\b", html):
        found.append(_version_finding("drupal", drupal_asset[1], f"core asset ?v={drupal_asset[1]}", 0.7))
    return found


def feed_findings(text: str) -> list[Finding]:
    """WordPress feeds name the exact version in their generator element."""
    found: list[Finding] = []
    if match := re.search(r"<generator>https?://wordpress\.org/\?v=(\d+\.\d+(?:\.\d+)?)</generator>", text):
        found.append(
            _version_finding("wordpress", match.group(1), f"RSS feed generator ?v={match.group(1)}", 0.95, "exact")
        )
    elif match := re.search(r"<generator[^>]*wordpress\.org[^>]*version=\"(\d+\.\d+(?:\.\d+)?)\"", text):
        found.append(
            _version_finding("wordpress", match.group(1), f"Atom feed generator {match.group(1)}", 0.95, "exact")
        )
    elif match := re.search(r"generator=\"WordPress/(\d+\.\d+(?:\.\d+)?)\"", text):
        found.append(
            _version_finding("wordpress", match.group(1), f"feed comment WordPress/{match.group(1)}", 0.9, "exact")
        )
    return found


def readme_findings(text: str) -> list[Finding]:
    """WordPress readme.html shows major.minor only since 4.7."""
    if "WordPress" not in text:
        return []
    match = re.search(r"<br\s*/?>\s*Version\s+(\d+\.\d+(?:\.\d+)?)", text, re.IGNORECASE)
    if match is None:
        return [Finding("wordpress", "readme.html", 0.7)]
    version = match.group(1)
    return [_version_finding("wordpress", version, f"readme.html Version {version}", 0.6)]


def changelog_findings(text: str, path: str) -> list[Finding]:
    """Drupal 7 and 8 CHANGELOG.txt: the first release line is the installed version."""
    match = re.search(r"^Drupal (\d+\.\d+(?:\.\d+)?)(?:-\w+)?, \d{4}-\d{2}-\d{2}", text[:4000], re.MULTILINE)
    if match is None:
        return []
    version = match.group(1)
    return [_version_finding("drupal", version, f"{path}: Drupal {version}", 0.85, "exact")]


def joomla_manifest_findings(text: str) -> list[Finding]:
    """administrator/manifests/files/joomla.xml carries the exact version."""
    if "files_joomla" not in text and "<name>Joomla" not in text:
        return []
    match = re.search(r"<version>\s*(\d+\.\d+\.\d+)(?:[-.][\w.-]+)?\s*</version>", text)
    if match is None:
        return [Finding("joomla", "joomla.xml manifest", 0.9)]
    return [_version_finding("joomla", match.group(1), f"joomla.xml version {match.group(1)}", 0.95, "exact")]


def login_findings(text: str, path: str, status: int) -> list[Finding]:
    """Backend login pages say which CMS answers, never its version."""
    if path.startswith("typo3") and ("TYPO3" in text or "typo3" in text[:5000].lower()):
        return [Finding("typo3", f"/{path} backend {'login' if status == 200 else f'status {status}'}", 0.8)]
    if path.startswith("wp-login") and ("wp-submit" in text or "user_login" in text):
        return [Finding("wordpress", "/wp-login.php login form", 0.9)]
    return []


ComponentKindName = Literal["plugin", "theme", "extension", "module"]
_COMPONENT_PATTERNS: tuple[tuple[Cms, ComponentKindName, re.Pattern[str]], ...] = (
    ("wordpress", "plugin", re.compile(r"/wp-content/plugins/([a-z0-9_-]{1,100})/[^\"'\s?]*(?:\?ver=([\w.-]{1,40}))?")),
    ("wordpress", "theme", re.compile(r"/wp-content/themes/([a-z0-9_-]{1,100})/[^\"'\s?]*(?:\?ver=([\w.-]{1,40}))?")),
    ("typo3", "extension", re.compile(r"typo3conf/ext/([a-z0-9_]{1,100})/()")),
    ("drupal", "module", re.compile(r"/modules/contrib/([a-z0-9_]{1,100})/()")),
    ("drupal", "theme", re.compile(r"/themes/contrib/([a-z0-9_]{1,100})/()")),
)


def components_in(html: str, cms: Cms, core_version: str | None) -> list[Component]:
    """Plugins, themes, extensions and modules whose assets a page loads; versions only from asset `?ver=`."""
    seen: dict[tuple[str, str], str | None] = {}
    for owner, kind, pattern in _COMPONENT_PATTERNS:
        if owner != cms:
            continue
        for match in pattern.finditer(html[:500_000]):
            version = match.group(2) or None
            if version == core_version:
                version = None  # WordPress stamps assets without their own version with the core's
            key = (kind, match.group(1))
            seen[key] = seen.get(key) or version
            if len(seen) >= 200:
                break
    return [
        Component(
            kind=kind,
            key=key,
            version=version,
            precision="exact" if version else "unknown",
            active=True,
            origin=Origin(source=SOURCE, confidence=0.5 if version else 0.7, evidence=[f"assets under {key}/"]),
        )
        for (kind, key), version in sorted(seen.items())
    ]
