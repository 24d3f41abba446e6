"""The kernel's models: the access record and its chain head."""

from privacy.models.access import (
    GENESIS_HASH,
    AccessAction,
    AccessBasis,
    AccessChainHead,
    AccessEntry,
    ActorKind,
    Job,
)

__all__ = [
    "AccessAction",
    "AccessBasis",
    "AccessChainHead",
    "AccessEntry",
    "ActorKind",
    "GENESIS_HASH",
    "Job",
]
