"""Sealing and opening personal fields with AES-GCM (association.sealing)."""

from __future__ import annotations

import pytest
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from association.sealing import open_fields, seal_fields


def test_sealed_fields_open_only_with_their_key_and_context() -> None:
    key = AESGCM.generate_key(bit_length=256)
    fields = {"name": "王芳", "phone": "13812345678"}
    sealed = seal_fields(key, fields, "event-1")
    assert b"13812345678" not in sealed
    assert "王芳".encode() not in sealed
    assert open_fields(key, sealed, "event-1") == fields
    with pytest.raises(InvalidTag):
        open_fields(key, sealed, "event-2")
    with pytest.raises(InvalidTag):
        open_fields(AESGCM.generate_key(bit_length=256), sealed, "event-1")


def test_two_seals_of_the_same_fields_differ() -> None:
    key = AESGCM.generate_key(bit_length=256)
    assert seal_fields(key, {"a": 1}, "x") != seal_fields(key, {"a": 1}, "x")
