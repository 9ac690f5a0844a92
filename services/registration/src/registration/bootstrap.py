"""Wires the registration service's parts together (real adapters; tests pass their own store)."""

from __future__ import annotations

from dataclasses import dataclass

from association.store import EventStore
from registration.adapters.identities import IdentityIndex
from registration.adapters.personal_data import Keyring
from registration.adapters.projections import RegistrationProjection
from registration.adapters.read_models import VolunteerReadModel
from registration.config import identity_hash_key
from registration.service_layer.commands import Registration


@dataclass(frozen=True)
class RegistrationParts:
    commands: Registration
    projection: RegistrationProjection
    volunteers: VolunteerReadModel


def wire(store: EventStore, hash_key: bytes | None = None) -> RegistrationParts:
    keyring = Keyring()
    projection = RegistrationProjection(keyring, IdentityIndex(hash_key or identity_hash_key()))
    return RegistrationParts(
        commands=Registration(store, projection, keyring),
        projection=projection,
        volunteers=VolunteerReadModel(keyring),
    )
