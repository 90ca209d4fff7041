"""A small OpenID provider on loopback for the tests: discovery, authorize (auto-consent), token
(with PKCE S256 checked), JWKS. Tests choose who signs in next and may tamper with what it answers."""
from __future__ import annotations

import base64
import hashlib
import secrets
import threading
import time
from urllib.parse import urlencode

from flask import Flask, jsonify, redirect, request
from joserfc import jwt
from joserfc.jwk import RSAKey
from werkzeug.serving import make_server

from tests.helpers import free_port


class OpenIDProvider:
    """Serves one issuer at http://127.0.0.1:<port>; `next_user` is who consents at /authorize."""

    def __init__(self, client_id: str = "livechat-test", client_secret: str = "provider-secret") -> None:
        self.port = free_port()
        self.issuer = f"http://127.0.0.1:{self.port}"
        self.client_id = client_id
        self.client_secret = client_secret
        self.key = RSAKey.generate_key(2048, parameters={"kid": "test-key", "use": "sig", "alg": "RS256"}, private=True)
        self.next_user: dict = {}
        self.nonce_override: str | None = None
        self.codes: dict[str, dict] = {}
        self.app = self._build()
        self.server = make_server("127.0.0.1", self.port, self.app, threaded=True)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> "OpenIDProvider":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()

    def _build(self) -> Flask:
        app = Flask("oidc-provider")

        @app.get("/.well-known/openid-configuration")
        def discovery():
            return jsonify({
                "issuer": self.issuer,
                "authorization_endpoint": f"{self.issuer}/authorize",
                "token_endpoint": f"{self.issuer}/token",
                "jwks_uri": f"{self.issuer}/jwks",
                "response_types_supported": ["code"],
                "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "code_challenge_methods_supported": ["S256"],
            })

        @app.get("/jwks")
        def jwks():
            return jsonify({"keys": [self.key.as_dict(private=False)]})

        @app.get("/authorize")
        def authorize():
            args = request.args
            assert args["client_id"] == self.client_id and args["response_type"] == "code"
            code = secrets.token_urlsafe(16)
            self.codes[code] = {
                "user": dict(self.next_user),
                "nonce": args.get("nonce"),
                "challenge": args.get("code_challenge"),
                "method": args.get("code_challenge_method"),
                "redirect_uri": args["redirect_uri"],
            }
            return redirect(f"{args['redirect_uri']}?{urlencode({'code': code, 'state': args['state']})}")

        @app.post("/token")
        def token():
            form = request.form
            grant = self.codes.pop(form.get("code", ""), None)
            basic = request.authorization
            client_ok = (basic and basic.username == self.client_id and basic.password == self.client_secret) or (
                form.get("client_id") == self.client_id and form.get("client_secret") == self.client_secret)
            if grant is None or not client_ok or form.get("redirect_uri") != grant["redirect_uri"]:
                return jsonify({"error": "invalid_grant"}), 400
            verifier = form.get("code_verifier", "")
            expected = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
            if grant["method"] != "S256" or expected != grant["challenge"]:
                return jsonify({"error": "invalid_grant", "error_description": "PKCE"}), 400
            now = int(time.time())
            claims = {"iss": self.issuer, "aud": self.client_id, "iat": now, "exp": now + 300,
                      "nonce": self.nonce_override or grant["nonce"]} | grant["user"]
            id_token = jwt.encode({"alg": "RS256", "kid": "test-key"}, claims, self.key)
            return jsonify({"access_token": secrets.token_urlsafe(16), "token_type": "Bearer", "expires_in": 300,
                            "id_token": id_token})

        return app
