"""The kernel's models: the access record, its chains' heads and their anchors."""

from privacy.models.access import (
    ACCESS_CHAINS,
    GENESIS_HASH,
    AccessAction,
    AccessAnchor,
    AccessBasis,
    AccessChainHead,
    AccessEntry,
    ActorKind,
    Job,
    chain_genesis,
    chain_of,
)

__all__ = [
    "ACCESS_CHAINS",
    "AccessAction",
    "AccessAnchor",
    "AccessBasis",
    "AccessChainHead",
    "AccessEntry",
    "ActorKind",
    "GENESIS_HASH",
    "Job",
    "chain_genesis",
    "chain_of",
]
