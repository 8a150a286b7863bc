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
    /// @dev What `hashInput` returns as the bad index when every input is in range.
    uint256 internal constant ALL_IN_RANGE = type(uint256).max;

    /// @notice True when `x` round-trips through the field.
    function fits(int256 x) internal pure returns (bool) {
        return abs(x) <= HALF;
    }

    /// @notice `x` as a field element; `x` must fit.
    function toFelt(int256 x) internal pure returns (uint256) {
        return x >= 0 ? uint256(x) : R - abs(x);
    }

    /// @notice A field element as a signed integer. Values at or above r are reduced mod r first.
    function fromFelt(uint256 felt) internal pure returns (int256) {
        felt %= R;
        // Both branches are at most HALF < 2^255, so the casts cannot overflow.
        return felt <= HALF ? int256(felt) : -int256(R - felt);
    }

    /// @notice keccak256 of the inputs' felts as 32-byte big-endian words, and the index of the
    ///         first input with |x| > `maxAbs` (`ALL_IN_RANGE` when none; the digest is then
    ///         meaningless). `maxAbs` must be at most HALF.
    function hashInput(int256[] calldata input, uint256 maxAbs)
        internal
        pure
        returns (bytes32 digest, uint256 badIndex)
    {
        uint256[] memory felts = new uint256[](input.length);
        for (uint256 i = 0; i < input.length; ++i) {
            int256 x = input[i];
            if (abs(x) > maxAbs) return (0, i);
            felts[i] = toFelt(x);
        }
        return (keccak256(abi.encodePacked(felts)), ALL_IN_RANGE);
    }

    /// @notice |x|, correct for type(int256).min as well.
    function abs(int256 x) internal pure returns (uint256) {
        unchecked {
            // Two's complement negation.
            return x >= 0 ? uint256(x) : uint256(-(x + 1)) + 1;
        }
    }
}
