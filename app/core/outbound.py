"""SSRF-safe outbound HTTP: the only way the product calls a URL someone else chose.

A URL is checked when it is saved (`validate_url`, a 422 naming the reason)
and again on every use, by the transport adapter of `session()`:

- only http(s), no userinfo, no backslashes or control characters, ports 80/443;
- the host is resolved **once** and every address it resolves to is checked
  (loopback, private, link-local, CGNAT, benchmark, multicast, reserved,
  unspecified, the cloud metadata addresses), IPv6 forms that embed an IPv4
  address (mapped, compatible, 6to4, Teredo, NAT64) are unwrapped and the
  embedded address is checked too;
- the connection goes to the checked address (no second lookup, so DNS
  rebinding cannot switch it) while SNI, the certificate check and the Host
  header still use the host name;
- every request goes through the adapter, so a redirect, when a caller
  follows one, is checked like the first hop.

`OUTBOUND_ALLOWLIST` (hosts or CIDRs) lifts the address, port and HTTPS rules
for intranets and tests; it is empty by default.
"""
from __future__ import annotations

import ipaddress
import re
import socket
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import requests
from flask import current_app
from requests import PreparedRequest
from requests.adapters import HTTPAdapter
from requests.utils import DEFAULT_CA_BUNDLE_PATH
from urllib3 import HTTPConnectionPool, HTTPSConnectionPool

from app.core.errors import Unprocessable

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

DEFAULT_PORTS = {"http": 80, "https": 443}
ALLOWED_PORTS = frozenset({80, 443})
MAX_URL_LENGTH = 2048

# Named on top of what `ipaddress` already knows as non-global, so the intent reads here.
_BLOCKED_NETWORKS = [ipaddress.ip_network(cidr) for cidr in (
    "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
    "192.0.0.0/24", "192.0.2.0/24", "192.88.99.0/24", "192.168.0.0/16", "198.18.0.0/15",
    "198.51.100.0/24", "203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4",
    "::/128", "::1/128", "64:ff9b:1::/48", "100::/64", "2001::/23", "2001:db8::/32",
    "fc00::/7", "fe80::/10", "fec0::/10", "ff00::/8",
)]
_METADATA = {ipaddress.ip_address("169.254.169.254"), ipaddress.ip_address("fd00:ec2::254")}
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_CONTROL = re.compile(r"[\x00-\x20\x7f\\]")


class OutboundRefused(requests.exceptions.RequestException):
    """The URL or the address it resolves to may not be called; `reason` is a short code."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message


@dataclass(frozen=True)
class Policy:
    """What may be called: the allowlist (hosts and networks) and whether plain http is accepted."""

    hosts: frozenset[str] = frozenset()
    networks: tuple[IPNetwork, ...] = ()
    https_only: bool = True

    @classmethod
    def from_allowlist(cls, entries: Iterable[str] | None, *, https_only: bool = True) -> Policy:
        """Build from `OUTBOUND_ALLOWLIST` entries (host names, IPs or CIDRs)."""
        hosts: set[str] = set()
        networks: list[IPNetwork] = []
        for entry in entries or ():
            entry = entry.strip().lower()
            if not entry:
                continue
            try:
                networks.append(ipaddress.ip_network(entry, strict=False))
            except ValueError:
                hosts.add(entry.rstrip("."))
        return cls(frozenset(hosts), tuple(networks), https_only)

    def allows_address(self, address: IPAddress) -> bool:
        return any(address.version == net.version and address in net for net in self.networks)


@dataclass(frozen=True)
class Target:
    """A checked URL: where to connect (`addresses`) and what to call the host (`host`)."""

    scheme: str
    host: str
    port: int
    addresses: tuple[IPAddress, ...] = field(default=())
    is_allowlisted: bool = False


def current_policy(*, https_only: bool = True) -> Policy:
    """The policy of the current app's `OUTBOUND_ALLOWLIST`."""
    return Policy.from_allowlist(current_app.config.get("OUTBOUND_ALLOWLIST", ()), https_only=https_only)


def embedded_ipv4(address: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    """IPv4 addresses an IPv6 address carries: mapped, compatible, 6to4, Teredo and NAT64 forms."""
    found = []
    if address.ipv4_mapped:
        found.append(address.ipv4_mapped)
    if address.sixtofour:
        found.append(address.sixtofour)
    if address.teredo:
        found.extend(address.teredo)  # (server, client); the client is already de-obfuscated
    value = int(address)
    if value >> 32 == 0 and value > 1:  # IPv4-compatible ::a.b.c.d (deprecated, still routed by some stacks)
        found.append(ipaddress.IPv4Address(value & 0xFFFFFFFF))
    if address in _NAT64:
        found.append(ipaddress.IPv4Address(value & 0xFFFFFFFF))
    return found


def blocked_reason(address: IPAddress) -> str | None:
    """Why `address` may not be called (a short code), or None when it is a public unicast address."""
    if address in _METADATA:
        return "metadata_address"
    if address in _NAT64:  # the translator reaches the embedded IPv4 address: judge that one
        return blocked_reason(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
    if address.version == 6:
        for inner in embedded_ipv4(address):
            reason = blocked_reason(inner)
            if reason:
                return reason
    if address.is_unspecified:
        return "unspecified_address"
    if address.is_loopback:
        return "loopback_address"
    if address.is_link_local:
        return "link_local_address"
    if address.is_multicast:
        return "multicast_address"
    if any(address.version == net.version and address in net for net in _BLOCKED_NETWORKS):
        return "private_address"
    if address.is_private or address.is_reserved or not address.is_global:
        return "reserved_address"
    return None


def _literal_address(host: str) -> IPAddress | None:
    """The IP a host literal stands for, including the legacy IPv4 forms resolvers accept
    (`2130706433`, `0x7f.1`, `0177.0.0.1`, `127.1`, `0`)."""
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        pass
    if re.fullmatch(r"[0-9a-fx.]+", host):
        try:
            return ipaddress.IPv4Address(socket.inet_aton(host))
        except OSError:
            return None
    return None


def _resolve(host: str, port: int) -> list[IPAddress]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError, OSError):
        raise OutboundRefused("unresolvable_host", f"The host {host!r} does not resolve.") from None
    addresses = []
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%", 1)[0])  # an IPv6 address may carry "%zone"
        if address not in addresses:
            addresses.append(address)
    if not addresses:
        raise OutboundRefused("unresolvable_host", f"The host {host!r} does not resolve.")
    return addresses


def check_url(url: str, policy: Policy) -> Target:
    """Parse, resolve once and check `url` against `policy`; raise OutboundRefused with the reason."""
    if not isinstance(url, str) or not url or len(url) > MAX_URL_LENGTH:
        raise OutboundRefused("invalid_url", "The URL is empty or too long.")
    if _CONTROL.search(url):
        raise OutboundRefused("invalid_url", "The URL contains spaces, control characters or backslashes.")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise OutboundRefused("invalid_url", "The URL's host or port is malformed.") from None
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        raise OutboundRefused("scheme_not_allowed", "Only http and https URLs can be called.")
    if "@" in parts.netloc:
        raise OutboundRefused("userinfo_not_allowed", "The URL may not carry a user name or password.")
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise OutboundRefused("invalid_url", "The URL has no host.")
    literal = _literal_address(host)
    if literal is None:
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError:
            raise OutboundRefused("invalid_url", "The host name is not valid.") from None
    port = port if port is not None else DEFAULT_PORTS[scheme]
    host_allowed = host in policy.hosts or (literal is not None and str(literal) in policy.hosts)
    addresses = [literal] if literal is not None else _resolve(host, port)
    allowlisted = host_allowed or all(policy.allows_address(a) for a in addresses)
    if not allowlisted:
        if scheme != "https" and policy.https_only:
            raise OutboundRefused("https_required", "Only https URLs can be called.")
        if port not in ALLOWED_PORTS:
            raise OutboundRefused("port_not_allowed", f"Port {port} is not allowed (only 80 and 443).")
        for address in addresses:
            if host_allowed or policy.allows_address(address):
                continue
            reason = blocked_reason(address)
            if reason:
                raise OutboundRefused(reason, f"The host {host!r} resolves to {address}, which may not be called "
                                              f"({reason.replace('_', ' ')}).")
    return Target(scheme, host, port, tuple(addresses), allowlisted)


def validate_url(url: str, *, https_only: bool = True) -> str:
    """Save-time check: the URL, or a 422 `url_not_allowed` whose details name the reason."""
    try:
        check_url(url, current_policy(https_only=https_only))
    except OutboundRefused as refused:
        raise Unprocessable(refused.message, code="url_not_allowed",
                            details={"reason": refused.reason, "field": "url"}) from None
    return url


class PinnedAdapter(HTTPAdapter):
    """Checks every request's URL and connects to the checked address, never resolving twice."""

    def __init__(self, policy: Policy) -> None:
        self.policy = policy
        super().__init__(max_retries=0)

    def get_connection_with_tls_context(
        self,
        request: PreparedRequest,
        verify: bool | str | None,
        proxies: dict[str, str] | None = None,
        cert: str | tuple[str, str] | None = None,
    ) -> HTTPConnectionPool:
        target = check_url(request.url or "", self.policy)
        default_port = DEFAULT_PORTS[target.scheme]
        host_header = target.host if ":" not in target.host else f"[{target.host}]"
        request.headers["Host"] = host_header if target.port == default_port else f"{host_header}:{target.port}"
        address = str(target.addresses[0])
        if target.scheme == "http":
            return HTTPConnectionPool(address, target.port, maxsize=1, retries=False)
        ca_certs = verify if isinstance(verify, str) else DEFAULT_CA_BUNDLE_PATH
        return HTTPSConnectionPool(
            address, target.port, maxsize=1, retries=False,
            cert_reqs="CERT_REQUIRED" if verify else "CERT_NONE", ca_certs=ca_certs if verify else None,
            server_hostname=target.host, assert_hostname=target.host if verify else False,
        )


def session(policy: Policy | None = None) -> requests.Session:
    """A requests session whose every request (and followed redirect) passes the SSRF check.

    Environment proxies are ignored: a proxy would do its own lookup and undo the pinning.
    """
    policy = policy or current_policy()
    http = requests.Session()
    http.trust_env = False
    http.max_redirects = 5
    adapter = PinnedAdapter(policy)
    http.mount("http://", adapter)
    http.mount("https://", adapter)
    return http
