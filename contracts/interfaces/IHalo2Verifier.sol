// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title The EZKL-generated Halo2 verifier, as the coordinator calls it
/// @notice The generated verifier returns true for a valid proof and REVERTS with empty data for an
///         invalid one (it never returns false in practice); callers must treat a revert as
///         "invalid proof". It is not `view`.
interface IHalo2Verifier {
    /// @param proof The proof bytes (EZKL's `hex_proof`).
    /// @param instances The public instances: input felts first, then output felts.
    /// @return True when the proof verifies.
    function verifyProof(bytes calldata proof, uint256[] calldata instances) external returns (bool);
}
