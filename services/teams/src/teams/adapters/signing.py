"""The certificates' signatures: Ed25519 (RFC 8032) with the key of `CERTIFICATE_SIGNING_KEY`,
as base64 text, and their verification with the public key."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from association.signing_keys import load_signing_key, public_key_pem


@dataclass(frozen=True)
class CertificateSigner:
    """Signs the canonical bytes of certificates; says its public key as PEM."""

    key: Ed25519PrivateKey

    @classmethod
    def from_text(cls, text: str) -> CertificateSigner:
        """The signer of the key `text` holds (PEM, or base64 of the raw or DER key)."""
        return cls(load_signing_key(text))

    def sign(self, message: bytes) -> str:
        """The base64 signature of `message`."""
        return base64.b64encode(self.key.sign(message)).decode()

    @property
    def public_key(self) -> Ed25519PublicKey:
        return self.key.public_key()

    def public_key_pem(self) -> str:
        return public_key_pem(self.key)


def signature_holds(public_key: Ed25519PublicKey, message: bytes, signature: str) -> bool:
    """Whether `signature` (base64) is the key's signature of `message`."""
    try:
        public_key.verify(base64.b64decode(signature, validate=True), message)
    except (InvalidSignature, binascii.Error, ValueError):
        return False
    return True
