// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title Signed integers in the BN254 scalar field, as EZKL encodes them
/// @notice x >= 0 is x; x < 0 is r - |x|. A felt above (r-1)/2 decodes as negative. Only values
///         with |x| <= (r-1)/2 round-trip, which `fits` checks.
library BN254Field {
    /// @dev The BN254 scalar field modulus r.
    uint256 internal constant R =
        21888242871839275222246405745257275088548364400416034343698204186575808495617;
    /// @dev (r - 1) / 2, the largest magnitude that round-trips.
    uint256 internal constant HALF = (R - 1) / 2;

    /// @notice True when `x` round-trips through the field.
    function fits(int256 x) internal pure returns (bool) {
        return x >= 0 ? uint256(x) <= HALF : _abs(x) <= HALF;
    }

    /// @notice `x` as a field element; `x` must fit.
    function toFelt(int256 x) internal pure returns (uint256) {
        return x >= 0 ? uint256(x) : R - _abs(x);
    }

    /// @notice A field element as a signed integer. Values at or above r are reduced mod r first.
    function fromFelt(uint256 felt) internal pure returns (int256) {
        felt %= R;
        // Both branches are at most HALF < 2^255, so the casts cannot overflow.
        return felt <= HALF ? int256(felt) : -int256(R - felt);
    }

    function _abs(int256 x) private pure returns (uint256) {
        unchecked {
            // Two's complement negation; correct for type(int256).min as well.
            return uint256(-(x + 1)) + 1;
        }
    }
}
