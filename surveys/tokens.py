"""Secret link tokens: 256 bits from the OS, stored only as a SHA-256 hash."""

import hashlib
import secrets


def token_new() -> tuple[str, str]:
    """A fresh (token, hash). The token goes into the e-mailed link and is never stored."""
    token = secrets.token_urlsafe(32)
    return token, token_hash(token)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
