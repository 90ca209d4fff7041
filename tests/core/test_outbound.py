"""SSRF-safe outbound HTTP (app.core.outbound): the table of refused URLs, pinning, redirects, the allowlist."""
from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests

from app.core import outbound
from app.core.outbound import OutboundRefused, Policy

# Every one of these must be refused with an empty allowlist (issue #9's table).
REFUSED_URLS = [
    # loopback in every spelling
    "https://127.0.0.1/",
    "https://127.0.0.1:443/hook",
    "https://127.1/",
    "https://2130706433/",             # decimal
    "https://0x7f000001/",             # hex
    "https://0x7f.0.0.1/",             # dotted hex
    "https://0177.0.0.1/",             # octal
    "https://017700000001/",           # octal, one number
    "https://127.000.000.001/",
    "https://0/",                      # 0.0.0.0
    "https://0.0.0.0/",
    "https://localhost/",              # a name that resolves to a private address
    "https://localhost./",
    "https://LOCALHOST/",
    "https://[::1]/",
    "https://[::]/",
    "https://[0:0:0:0:0:0:0:1]/",
    "https://[::ffff:127.0.0.1]/",     # IPv4-mapped
    "https://[::ffff:7f00:1]/",
    "https://[::ffff:169.254.169.254]/",
    "https://[::127.0.0.1]/",          # IPv4-compatible
    "https://[::10.0.0.1]/",
    "https://[2002:7f00:1::]/",        # 6to4 of 127.0.0.1
    "https://[2002:a9fe:a9fe::]/",     # 6to4 of 169.254.169.254
    "https://[2001:0:4136:e378:8000:63bf:80ff:fffe]/",  # Teredo, client 127.0.0.1
    "https://[64:ff9b::7f00:1]/",      # NAT64 of 127.0.0.1
    "https://[64:ff9b::a9fe:a9fe]/",   # NAT64 of the metadata address
    # private, link-local, CGNAT, benchmark, multicast, reserved, metadata
    "https://10.0.0.1/",
    "https://172.16.5.4/",
    "https://192.168.1.1/",
    "https://169.254.169.254/latest/meta-data/",
    "https://[fd00:ec2::254]/",
    "https://100.64.0.1/",
    "https://100.127.255.254/",
    "https://198.18.0.1/",
    "https://198.19.255.255/",
    "https://224.0.0.1/",
    "https://239.255.255.250/",
    "https://240.0.0.1/",
    "https://255.255.255.255/",
    "https://[fe80::1]/",
    "https://[fc00::1]/",
    "https://[ff02::1]/",
    # userinfo and backslash tricks
    "https://user:pass@example.com/",
    "https://example.com@127.0.0.1/",
    "https://example.com\\@127.0.0.1/",
    "https://127.0.0.1\\.example.com/",
    "https://example.com%2F@127.0.0.1/",
    # schemes and odd ports
    "http://93.184.215.14/",           # plain http outside the allowlist
    "ftp://example.com/",
    "file:///etc/passwd",
    "gopher://127.0.0.1:6379/_INFO",
    "https://93.184.215.14:6379/",
    "https://[2606:4700::1111]:22/",
    "https://93.184.215.14:8080/",
    "https://example.com:99999/",
    # names that do not resolve, and junk
    "https://does-not-exist.invalid/",
    "https:///nohost",
    "https://exa mple.com/",
    "",
]


@pytest.mark.parametrize("url", REFUSED_URLS)
def test_url_is_refused_with_an_empty_allowlist(url):
    with pytest.raises(OutboundRefused) as refused:
        outbound.check_url(url, Policy())
    assert refused.value.reason


def test_the_table_is_at_least_forty_urls():
    assert len(REFUSED_URLS) >= 40


@pytest.mark.parametrize("url", REFUSED_URLS[:30])
def test_the_session_refuses_before_connecting(url):
    with pytest.raises(OutboundRefused):
        outbound.session(Policy()).get(url, timeout=2)


def test_public_addresses_pass():
    target = outbound.check_url("https://93.184.215.14/hook", Policy())
    assert [str(a) for a in target.addresses] == ["93.184.215.14"]
    assert outbound.check_url("https://[2606:4700:4700::1111]/", Policy()).port == 443
    assert outbound.check_url("https://[64:ff9b::808:808]/", Policy())  # NAT64 of a public address


def test_reasons_name_the_problem():
    reasons = {}
    for url in ("https://169.254.169.254/", "https://127.0.0.1/", "https://10.1.2.3/", "https://100.64.1.1/",
                "http://93.184.215.14/", "https://93.184.215.14:8081/", "https://u@example.com/"):
        with pytest.raises(OutboundRefused) as refused:
            outbound.check_url(url, Policy())
        reasons[url] = refused.value.reason
    assert reasons == {
        "https://169.254.169.254/": "metadata_address",
        "https://127.0.0.1/": "loopback_address",
        "https://10.1.2.3/": "private_address",
        "https://100.64.1.1/": "private_address",
        "http://93.184.215.14/": "https_required",
        "https://93.184.215.14:8081/": "port_not_allowed",
        "https://u@example.com/": "userinfo_not_allowed",
    }


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802
        if self.path.startswith("/redirect"):
            self.send_response(302)
            self.send_header("Location", self.path.split("to=", 1)[1])
            self.end_headers()
            return
        body = f"host={self.headers['Host']}".encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def loopback_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


def test_an_allowlisted_name_is_called_at_its_checked_address_with_its_host_header(loopback_server):
    http = outbound.session(Policy.from_allowlist(["localhost"]))
    response = http.get(f"http://localhost:{loopback_server}/", timeout=5)
    assert response.status_code == 200
    assert response.text == f"host=localhost:{loopback_server}"


def test_an_allowlisted_cidr_lifts_the_address_and_port_rules(loopback_server):
    http = outbound.session(Policy.from_allowlist(["127.0.0.0/8"]))
    assert http.get(f"http://127.0.0.1:{loopback_server}/", timeout=5).status_code == 200
    with pytest.raises(OutboundRefused):
        outbound.session(Policy.from_allowlist(["10.0.0.0/8"])).get(f"http://127.0.0.1:{loopback_server}/")


def test_a_redirect_to_a_private_address_is_refused_when_followed(loopback_server):
    http = outbound.session(Policy.from_allowlist(["127.0.0.1"]))
    url = f"http://127.0.0.1:{loopback_server}/redirect?to=https://169.254.169.254/latest/meta-data/"
    not_followed = http.get(url, timeout=5, allow_redirects=False)
    assert not_followed.status_code == 302
    with pytest.raises(OutboundRefused) as refused:
        http.get(url, timeout=5)
    assert refused.value.reason == "metadata_address"


def test_environment_proxies_are_ignored(monkeypatch, loopback_server):
    monkeypatch.setenv("HTTP_PROXY", "http://10.9.9.9:3128")
    http = outbound.session(Policy.from_allowlist(["127.0.0.1"]))
    assert http.get(f"http://127.0.0.1:{loopback_server}/", timeout=5).status_code == 200


def test_save_time_validation_is_a_422_naming_the_reason(app):
    from app.core.errors import Unprocessable

    with app.app_context():
        with pytest.raises(Unprocessable) as error:
            outbound.validate_url("https://[::ffff:10.0.0.1]/hook")
    assert error.value.code == "url_not_allowed"
    assert error.value.details["reason"] == "private_address"


def test_allowlist_is_read_from_the_environment():
    from app.config import Settings

    settings = Settings.from_env({"OUTBOUND_ALLOWLIST": "127.0.0.1, hooks.internal 10.0.0.0/8"})
    assert settings.as_flask_config()["OUTBOUND_ALLOWLIST"] == ("127.0.0.1", "hooks.internal", "10.0.0.0/8")


# --- TLS: the connection goes to the checked address, the certificate is checked against the host name ----

def _certificate(tmp_path, host: str):
    """A self-signed certificate for `host` (its own CA), written as PEM files."""
    import datetime

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host)])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName(host)]), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = tmp_path / f"{host}.pem", tmp_path / f"{host}.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return str(cert_path), str(key_path)


@pytest.fixture
def tls_server(tmp_path):
    """An HTTPS server on 127.0.0.1 whose certificate names `localhost`, recording the SNI it was sent."""
    import ssl

    cert, key = _certificate(tmp_path, "localhost")
    seen_sni = []
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    context.sni_callback = lambda sock, name, ctx: seen_sni.append(name)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1], cert, seen_sni
    server.shutdown()
    server.server_close()


def test_tls_uses_the_host_name_for_sni_and_the_certificate(tls_server):
    port, ca_file, seen_sni = tls_server
    http = outbound.session(Policy.from_allowlist(["localhost"]))
    response = http.get(f"https://localhost:{port}/", timeout=5, verify=ca_file)
    assert response.status_code == 200
    assert response.text == f"host=localhost:{port}"
    assert seen_sni == ["localhost"]


def test_a_certificate_for_another_name_is_refused(tls_server):
    port, ca_file, _ = tls_server
    # 127.0.0.1 is allowlisted and reached, but the certificate names localhost, not 127.0.0.1.
    http = outbound.session(Policy.from_allowlist(["127.0.0.1"]))
    with pytest.raises(requests.exceptions.SSLError):
        http.get(f"https://127.0.0.1:{port}/", timeout=5, verify=ca_file)


def test_the_name_is_resolved_once_so_rebinding_cannot_switch_the_address(monkeypatch, loopback_server):
    """A name that answers 127.0.0.1 first and a blocked address afterwards is still called at 127.0.0.1."""
    import socket

    real = socket.getaddrinfo
    lookups = []

    def rebinding(host, *args, **kwargs):
        if host == "rebind.test":
            lookups.append(host)
            address = "127.0.0.1" if len(lookups) == 1 else "169.254.169.254"
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, args[0] if args else 0))]
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    http = outbound.session(Policy.from_allowlist(["127.0.0.1/32"]))
    response = http.get(f"http://rebind.test:{loopback_server}/", timeout=5)
    assert response.status_code == 200
    assert response.text == f"host=rebind.test:{loopback_server}"
    assert lookups == ["rebind.test"]
