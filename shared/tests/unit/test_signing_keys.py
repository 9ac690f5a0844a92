"""The forms an Ed25519 signing key may take in the environment, and what is refused."""

from __future__ import annotations

import base64

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ec import SECP256R1, generate_private_key
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from association.signing_keys import (
    SigningKeyError,
    load_signing_key,
    new_signing_key_text,
    public_key_pem,
    signing_key_problem,
)

KEY = Ed25519PrivateKey.generate()
RAW = KEY.private_bytes(
    serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
)
DER = KEY.private_bytes(
    serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
)
PEM = KEY.private_bytes(
    serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
).decode()


@pytest.mark.parametrize(
    "text",
    [
        PEM,
        base64.b64encode(RAW).decode(),
        base64.urlsafe_b64encode(RAW).decode().rstrip("="),
        base64.b64encode(DER).decode(),
        f"  {base64.b64encode(RAW).decode()}\n",
    ],
    ids=["pem", "raw", "raw-urlsafe-unpadded", "der", "surrounded-by-space"],
)
def test_each_accepted_form_gives_the_same_key(text: str) -> None:
    loaded = load_signing_key(text)
    assert public_key_pem(loaded) == public_key_pem(KEY)
    assert signing_key_problem(text) is None


def test_a_generated_key_loads_and_signs() -> None:
    key = load_signing_key(new_signing_key_text())
    key.public_key().verify(key.sign(b"message"), b"message")


@pytest.mark.parametrize(
    "text",
    [
        "",
        "k" * 48,
        base64.b64encode(b"\x00" * 31).decode(),
        "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----",
        generate_private_key(SECP256R1())
        .private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        .decode(),
    ],
    ids=["empty", "not-a-key", "short", "bad-pem", "ec-key"],
)
def test_anything_else_is_refused(text: str) -> None:
    with pytest.raises(SigningKeyError):
        load_signing_key(text)
    assert signing_key_problem(text) is not None
