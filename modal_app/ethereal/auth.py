"""Constant-time token checks for the endpoints."""

from __future__ import annotations

import hmac


# True when `given` equals `expected`, compared in constant time; never true for an empty expected token.
def tokens_match(given: object, expected: str | None) -> bool:
    if not expected or not isinstance(given, str):
        return False
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


# The token of an `Authorization: Bearer <token>` header, or None.
def bearer_token(header: str | None) -> str | None:
    if not header:
        return None
    scheme, _, token = header.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()
