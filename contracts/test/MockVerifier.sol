// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @notice Test-only stand-in for a generated verifier, for paths that do not check proofs.
///         Mode 0 accepts, 1 returns false, 2 reverts with empty data like the real verifier.
contract MockVerifier {
    uint8 public mode;
    function setMode(uint8 mode_) external {
        mode = mode_;
    }

    function verifyProof(bytes calldata, uint256[] calldata) external view returns (bool) {
        if (mode == 2) {
            assembly {
                revert(0, 0)
            }
        }
        return mode == 0;
    }
}
