"""Test your consumer contract against the real protocol, inside your own Ape project.

Installing ``oracle-node[kit]`` registers a pytest plugin (:mod:`oracle_node.testing.plugin`)
with these fixtures:

``oracle``
    An :class:`OracleHarness`: the protocol deployed on the test chain, with one staked node.
``oracle_model``
    A factory: ``oracle_model("path/to/circuits/digits")`` deploys that circuit's generated
    verifier, registers the model and has the node serve it; returns a :class:`RegisteredModel`.

A test then asks for inferences through its consumer and calls ``oracle.fulfill_pending()``,
which proves each pending request with EZKL (real proofs, real verifier) and fulfils it from the
assigned node, so the consumer's callback runs exactly as on a live network. ``oracle.cancel``
takes a request down the timeout path (refund and compensation), ``oracle.post_pending`` and
``oracle.finalize`` answer Optimistic requests, and ``oracle.scale_inputs`` turns floats into
the model's input scale.

The harness needs Ape (the ``kit`` extra). It is imported on first use, not with this package,
so the plugin that pytest loads for every installation of ``oracle-node`` never imports Ape.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from oracle_node.extras import needs_extra

if TYPE_CHECKING:
    from oracle_node.testing.harness import (
        Cancellation,
        Fulfillment,
        OracleHarness,
        PendingRequest,
        Posting,
        RegisteredModel,
        UnscaledInputWarning,
    )

__all__ = [
    "Cancellation",
    "Fulfillment",
    "OracleHarness",
    "PendingRequest",
    "Posting",
    "RegisteredModel",
    "UnscaledInputWarning",
]


def __getattr__(name: str) -> Any:
    if name not in __all__:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    with needs_extra("the testing kit", "kit"):
        from oracle_node.testing import harness
    return getattr(harness, name)
