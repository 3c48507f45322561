"""A minimal OpenID provider for the OAuth tests, run as its own process on loopback:
`python -m tests.oidc_provider --key-file KEY.pem [--port 0]` prints `listening at URL` once ready.

Why not oidc-provider-mock from PyPI: its last release for Python 3.11 (0.3.4) issues opaque random
access tokens (authlib's default generator) with no option for a JWT access token, let alone one whose
`aud` is the requested RFC 8707 resource, and it runs Flask's interactive debugger. This one does only
what the tests need, the way Okta, Auth0 or Entra ID do it for an API audience:

- OpenID Connect discovery and RFC 8414 metadata, a JWKS with one RS256 key (the PEM the test gives,
  so that tests can also sign tokens of their own with it);
- RFC 7591 dynamic client registration (public clients, token_endpoint_auth_method none);
- /authorize with PKCE S256 only; no login page: the person is `login_hint` (default alice), approved at
  once with a 302 to the redirect URI;
- /token for authorization_code: checks the code, client, redirect URI and code_verifier, and issues a
  JWT access token (RFC 9068 claims) with `aud` = the `resource` the client asked for.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Generator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast
from urllib.parse import urlencode

import jwt
import uvicorn
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
from jwt.algorithms import RSAAlgorithm
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

KID = "test-key-1"
TOKEN_SECONDS = 600
SCOPES = ["openid", "athena-session:read", "athena-session:write"]


@dataclass
class _Code:
    client_id: str
    redirect_uri: str
    challenge: str
    subject: str
    scope: str
    resource: str | None


@dataclass
class Provider:
    issuer: str
    key: RSAPrivateKey
    clients: dict[str, list[str]] = field(default_factory=dict[str, list[str]])
    codes: dict[str, _Code] = field(default_factory=dict[str, _Code])

    def metadata(self) -> dict[str, Any]:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token",
            "registration_endpoint": f"{self.issuer}/register",
            "jwks_uri": f"{self.issuer}/jwks",
            "response_types_supported": ["code"],
            "grant_types_supported": ["authorization_code"],
            "code_challenge_methods_supported": ["S256"],
            "token_endpoint_auth_methods_supported": ["none"],
            "scopes_supported": SCOPES,
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
        }

    def jwks(self) -> dict[str, Any]:
        public: dict[str, Any] = RSAAlgorithm.to_jwk(self.key.public_key(), as_dict=True)
        return {"keys": [{**public, "kid": KID, "alg": "RS256", "use": "sig"}]}

    def access_token(self, subject: str, client_id: str, scope: str, audience: str) -> str:
        now = int(time.time())
        claims = {
            "iss": self.issuer,
            "sub": subject,
            "aud": audience,
            "client_id": client_id,
            "scope": scope,
            "iat": now,
            "nbf": now,
            "exp": now + TOKEN_SECONDS,
            "jti": uuid.uuid4().hex,
        }
        return jwt.encode(claims, self.key, algorithm="RS256", headers={"kid": KID, "typ": "at+jwt"})


def _error(error: str, description: str, status: int = 400) -> JSONResponse:
    return JSONResponse({"error": error, "error_description": description}, status_code=status)


def build_app(provider: Provider) -> Starlette:
    async def metadata(_: Request) -> JSONResponse:
        return JSONResponse(provider.metadata())

    async def jwks(_: Request) -> JSONResponse:
        return JSONResponse(provider.jwks())

    async def register(request: Request) -> JSONResponse:
        body: dict[str, Any] = await request.json()
        uris: list[str] = [str(u) for u in cast(list[Any], body.get("redirect_uris") or [])]
        if not uris:
            return _error("invalid_redirect_uri", "redirect_uris is required")
        client_id = uuid.uuid4().hex
        provider.clients[client_id] = uris
        return JSONResponse(
            {
                **body,
                "client_id": client_id,
                "client_id_issued_at": int(time.time()),
                "redirect_uris": uris,
                "token_endpoint_auth_method": "none",
                "grant_types": ["authorization_code"],
                "response_types": ["code"],
            },
            status_code=201,
        )

    async def authorize(request: Request) -> Response:
        q = request.query_params
        client_id, redirect_uri = q.get("client_id", ""), q.get("redirect_uri", "")
        if redirect_uri not in provider.clients.get(client_id, []):
            return _error("invalid_request", "unknown client_id or redirect_uri")
        if q.get("response_type") != "code" or q.get("code_challenge_method") != "S256":
            return _error("invalid_request", "response_type=code with code_challenge_method=S256 only")
        code = secrets.token_urlsafe(24)
        provider.codes[code] = _Code(
            client_id=client_id,
            redirect_uri=redirect_uri,
            challenge=q.get("code_challenge", ""),
            subject=q.get("login_hint", "alice"),
            scope=q.get("scope", ""),
            resource=q.get("resource"),
        )
        answer = {"code": code, **({"state": q["state"]} if "state" in q else {})}
        return RedirectResponse(f"{redirect_uri}?{urlencode(answer)}", status_code=302)

    async def token(request: Request) -> JSONResponse:
        form = await request.form()
        if form.get("grant_type") != "authorization_code":
            return _error("unsupported_grant_type", "authorization_code only")
        grant = provider.codes.pop(str(form.get("code", "")), None)
        if (
            grant is None
            or grant.client_id != form.get("client_id")
            or grant.redirect_uri != form.get("redirect_uri")
        ):
            return _error("invalid_grant", "unknown code, or another client or redirect_uri")
        verifier = str(form.get("code_verifier", ""))
        digest = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
        if not secrets.compare_digest(digest, grant.challenge):
            return _error("invalid_grant", "code_verifier does not match the code_challenge")
        resource = str(form.get("resource") or grant.resource or "")
        if not resource:
            return _error("invalid_target", "name the API with the resource parameter (RFC 8707)")
        access = provider.access_token(grant.subject, grant.client_id, grant.scope, resource)
        return JSONResponse(
            {
                "access_token": access,
                "token_type": "Bearer",
                "expires_in": TOKEN_SECONDS,
                "scope": grant.scope,
            },
            headers={"Cache-Control": "no-store"},
        )

    return Starlette(
        routes=[
            Route("/.well-known/openid-configuration", metadata),
            Route("/.well-known/oauth-authorization-server", metadata),
            Route("/jwks", jwks),
            Route("/register", register, methods=["POST"]),
            Route("/authorize", authorize),
            Route("/token", token, methods=["POST"]),
        ]
    )


@contextmanager
def provider_process() -> Generator[Provider]:
    """This provider as its own process on loopback, with a fresh RSA key; yields a Provider holding
    that key (to sign tokens of one's own) and the issuer URL. Stops the process on exit."""
    from cryptography.hazmat.primitives.asymmetric import rsa

    from tests.reliability import stop_process

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    with tempfile.TemporaryDirectory() as folder:
        pem = Path(folder) / "key.pem"
        pem.write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        )
        proc = subprocess.Popen(
            [sys.executable, "-m", "tests.oidc_provider", "--key-file", str(pem)],
            cwd=Path(__file__).resolve().parent.parent,
            stdout=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            text=True,
        )
        try:
            assert proc.stdout is not None
            line = proc.stdout.readline()
            if not line.startswith("listening at "):
                raise RuntimeError(f"the OpenID provider did not start: {line!r}")
            yield Provider(line.split()[-1], key)
        finally:
            stop_process(proc)
            if proc.stdout is not None:
                proc.stdout.close()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--key-file", required=True)
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    key = serialization.load_pem_private_key(Path(args.key_file).read_bytes(), password=None)
    assert isinstance(key, RSAPrivateKey)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", args.port))
    issuer = f"http://127.0.0.1:{sock.getsockname()[1]}"
    server = uvicorn.Server(uvicorn.Config(build_app(Provider(issuer, key)), log_level="warning"))
    sys.stdout.write(f"listening at {issuer}\n")
    sys.stdout.flush()
    server.run(sockets=[sock])
    return 0


if __name__ == "__main__":
    sys.exit(main())
