// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title A Fenwick (binary indexed) tree of weights, for stake-weighted draws in O(log n)
/// @notice Positions are 1-based and dense (1..size), as a draw pool's slots are. Appending,
///         removing the last position, changing one weight and drawing all cost O(log n)
///         storage reads, so a request's assignment does not grow with the pool like a scan
///         over every node would.
/// @dev `nodes[i - 1]` holds the sum of the weights at positions (i - lowbit(i), i].
library StakeTree {
    struct Tree {
        uint256[] nodes;
    }

    /// @notice Number of positions.
    function size(Tree storage t) internal view returns (uint256) {
        return t.nodes.length;
    }

    /// @notice Appends a position holding `weight`.
    function push(Tree storage t, uint256 weight) internal {
        uint256 i = t.nodes.length + 1;
        // The new node also covers (i - lowbit(i), i - 1]: their sum is a difference of prefixes.
        t.nodes.push(weight + prefix(t, i - 1) - prefix(t, i - (i & (~i + 1))));
    }

    /// @notice Removes the last position (no other node covers it).
    function pop(Tree storage t) internal {
        t.nodes.pop();
    }

    /// @notice Adds `amount` to the weight at position `i`.
    function add(Tree storage t, uint256 i, uint256 amount) internal {
        uint256 n = t.nodes.length;
        for (; i <= n; i += i & (~i + 1)) {
            t.nodes[i - 1] += amount;
        }
    }

    /// @notice Subtracts `amount` from the weight at position `i` (which holds at least that).
    function sub(Tree storage t, uint256 i, uint256 amount) internal {
        uint256 n = t.nodes.length;
        for (; i <= n; i += i & (~i + 1)) {
            t.nodes[i - 1] -= amount;
        }
    }

    /// @notice Sets the weight at position `i` to `weight`.
    function set(Tree storage t, uint256 i, uint256 weight) internal {
        uint256 old = weightAt(t, i);
        if (weight > old) add(t, i, weight - old);
        else if (old > weight) sub(t, i, old - weight);
    }

    /// @notice Sum of the weights at positions 1..i.
    function prefix(Tree storage t, uint256 i) internal view returns (uint256 sum) {
        for (; i > 0; i -= i & (~i + 1)) {
            sum += t.nodes[i - 1];
        }
    }

    /// @notice The weight at position `i`.
    function weightAt(Tree storage t, uint256 i) internal view returns (uint256) {
        return prefix(t, i) - prefix(t, i - 1);
    }

    /// @notice Sum of every weight.
    function total(Tree storage t) internal view returns (uint256) {
        return prefix(t, t.nodes.length);
    }

    /// @notice The position whose weight interval holds `target`: the smallest i with
    ///         prefix(i) > target. `target` must be below `total`.
    function find(Tree storage t, uint256 target) internal view returns (uint256 i) {
        uint256 n = t.nodes.length;
        uint256 step = 1;
        while (step << 1 <= n) step <<= 1;
        for (; step > 0; step >>= 1) {
            uint256 next = i + step;
            if (next <= n && t.nodes[next - 1] <= target) {
                i = next;
                target -= t.nodes[next - 1];
            }
        }
        return i + 1;
    }
}
