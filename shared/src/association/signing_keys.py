"""Ed25519 signing keys as the environment gives them: PEM, or base64 of the raw 32 bytes or of
the DER (PKCS#8) encoding. What `CERTIFICATE_SIGNING_KEY` holds (see process_secrets)."""

from __future__ import annotations

import base64
import binascii

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

RAW_KEY_BYTES = 32


class SigningKeyError(ValueError):
    """The text is not an Ed25519 private key in any of the accepted forms."""


def load_signing_key(text: str) -> Ed25519PrivateKey:
    """The Ed25519 private key `text` holds; SigningKeyError otherwise (never naming the value)."""
    text = text.strip()
    if not text:
        raise SigningKeyError("empty")
    try:
        if text.startswith("-----BEGIN"):
            key = serialization.load_pem_private_key(text.encode(), password=None)
        else:
            data = base64.b64decode(text + "=" * (-len(text) % 4), altchars=_altchars(text))
            if len(data) == RAW_KEY_BYTES:
                return Ed25519PrivateKey.from_private_bytes(data)
            key = serialization.load_der_private_key(data, password=None)
    except (ValueError, TypeError, binascii.Error) as error:
        raise SigningKeyError("neither PEM nor base64 of a raw or DER Ed25519 key") from error
    if not isinstance(key, Ed25519PrivateKey):
        raise SigningKeyError("a private key, but not an Ed25519 one")
    return key


def _altchars(text: str) -> bytes | None:
    """The URL-safe alphabet when the text uses it, else the standard one."""
    return b"-_" if "-" in text or "_" in text else None


def signing_key_problem(text: str) -> str | None:
    """None when `text` is an Ed25519 private key, else what is wrong with it."""
    try:
        load_signing_key(text)
    except SigningKeyError as error:
        return str(error)
    return None


def new_signing_key_text() -> str:
    """A fresh Ed25519 private key: base64 of its raw 32 bytes."""
    raw = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.Raw,
        serialization.PrivateFormat.Raw,
        serialization.NoEncryption(),
    )
    return base64.b64encode(raw).decode()


def public_key_pem(key: Ed25519PrivateKey | Ed25519PublicKey) -> str:
    """The public half of `key` as a PEM (SubjectPublicKeyInfo) text."""
    public = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    return public.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()
