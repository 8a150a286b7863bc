// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title A Fenwick (binary indexed) tree of weights with a history, for weighted draws in O(log n)
/// @notice Positions are 1-based and permanent: `push` appends one, none is ever removed (a
///         weight drops to zero instead). Every tree node keeps checkpoints of its partial sum,
///         so a sum or a draw can be computed as of any past block, over the positions that
///         existed then. Changing one weight and drawing both touch O(log n) tree nodes.
/// @dev Tree node `i` holds the sum of the weights at positions (i - lowbit(i), i]. Its newest
///      checkpoint lives in `latest[i]` (one storage word, read first by every draw); the ones
///      it replaced, oldest first, in `past[i][0 .. latest[i].pastCount)`. Keeping the count in
///      the newest checkpoint's word saves a length word: a change writes one new word (the
///      replaced checkpoint) and rewrites `latest[i]`. Several changes in one block leave
///      several checkpoints of that block; the newest is the block's final value, and the
///      lookups below pick it. A change never overwrites a checkpoint of its own block
///      instead: its gas would then depend on whether the checkpoint is of the current block,
///      and an estimate run in the latest block's context (as anvil runs them) would fall short
///      of the mined transaction by a storage word per tree node, beyond the callers' margin.
library StakeTree {
    /// @notice A tree node's partial sum from block `fromBlock` on, packed in one word.
    ///         `pastCount` (the number of older checkpoints) is only kept in `latest`.
    struct Checkpoint {
        uint64 fromBlock;
        uint32 pastCount;
        uint160 sum;
    }

    /// @dev `live` is the owner's to keep (the tree only stores it): a count that shares the
    ///      word of `positions`, so that reading both costs one storage read.
    struct Tree {
        uint128 positions;
        uint128 live;
        mapping(uint256 index => Checkpoint) latest;
        mapping(uint256 index => mapping(uint256 k => Checkpoint)) past;
    }

    /// @notice Number of positions.
    function size(Tree storage t) internal view returns (uint256) {
        return t.positions;
    }

    /// @notice Appends a position holding `weight` from this block on.
    /// @return i The new position.
    function push(Tree storage t, uint256 weight) internal returns (uint256 i) {
        i = uint256(t.positions) + 1;
        t.positions = uint128(i);
        // The new tree node also covers (i - lowbit(i), i - 1]: the tree nodes i - 1,
        // (i - 1) - lowbit(i - 1), ... down to that bound partition that range.
        uint256 sum = weight;
        uint256 bound = i - _lowbit(i);
        for (uint256 j = i - 1; j > bound; j -= _lowbit(j)) {
            sum += t.latest[j].sum;
        }
        _write(t, i, sum);
    }

    /// @notice Adds `amount` to the weight at position `i` (1 <= i <= size).
    function add(Tree storage t, uint256 i, uint256 amount) internal {
        uint256 n = t.positions;
        for (; i <= n; i += _lowbit(i)) {
            _write(t, i, t.latest[i].sum + amount);
        }
    }

    /// @notice Subtracts `amount` from the weight at position `i`, which holds at least that.
    function sub(Tree storage t, uint256 i, uint256 amount) internal {
        uint256 n = t.positions;
        for (; i <= n; i += _lowbit(i)) {
            _write(t, i, t.latest[i].sum - amount);
        }
    }

    /// @notice Sum of the weights at positions 1..count as of the end of block `atBlock`.
    ///         `count` must not exceed the number of positions that existed then (a position
    ///         pushed later covers earlier ones in its tree node, with no checkpoint before it).
    function sumAt(Tree storage t, uint256 count, uint256 atBlock) internal view returns (uint256 sum) {
        for (uint256 i = count; i > 0; i -= _lowbit(i)) {
            sum += _valueAt(t, i, atBlock);
        }
    }

    /// @notice The position whose weight interval holds `target` among positions 1..count as of
    ///         the end of block `atBlock`: the smallest i with `sumAt(i) > target`. `target` must
    ///         be below `sumAt(count)`, so a position of zero weight is never found.
    function findAt(Tree storage t, uint256 count, uint256 target, uint256 atBlock)
        internal
        view
        returns (uint256 i)
    {
        uint256 step = 1;
        while (step << 1 <= count) step <<= 1;
        for (; step > 0; step >>= 1) {
            uint256 next = i + step;
            if (next <= count) {
                uint256 value = _valueAt(t, next, atBlock);
                if (value <= target) {
                    i = next;
                    target -= value;
                }
            }
        }
        return i + 1;
    }

    /// @dev Tree node `i`'s partial sum as of the end of block `atBlock`: nearly always the
    ///      newest checkpoint (one read); else a binary search of the older ones for the last
    ///      checkpoint from a block at or before `atBlock`.
    function _valueAt(Tree storage t, uint256 i, uint256 atBlock) private view returns (uint256) {
        Checkpoint memory last = t.latest[i];
        if (last.fromBlock <= atBlock) return last.sum;
        mapping(uint256 k => Checkpoint) storage past = t.past[i];
        // First checkpoint after atBlock in past[lo..hi); the newest one is after it too.
        uint256 lo = 0;
        uint256 hi = last.pastCount;
        while (lo < hi) {
            uint256 mid = (lo + hi) >> 1;
            if (past[mid].fromBlock > atBlock) hi = mid;
            else lo = mid + 1;
        }
        return lo == 0 ? 0 : past[lo - 1].sum;
    }

    /// @dev Sets tree node `i`'s partial sum from this block on.
    function _write(Tree storage t, uint256 i, uint256 sum) private {
        Checkpoint memory last = t.latest[i];
        uint32 pastCount = last.pastCount;
        if (last.fromBlock != 0) {
            t.past[i][pastCount] = last;
            ++pastCount;
        }
        // A block number fits 64 bits and a change count 32 bits; a sum of stakes 160 bits
        // (10^48 wei, far above the ether supply).
        t.latest[i] = Checkpoint(uint64(block.number), pastCount, uint160(sum));
    }

    function _lowbit(uint256 i) private pure returns (uint256) {
        return i & (~i + 1);
    }
}
