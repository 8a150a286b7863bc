"""Write contracts/utils/Poseidon.sol: EZKL's Poseidon (oracle_node.circuits.poseidon) in Solidity.

    python scripts/generate_poseidon.py           # rewrite the file
    python scripts/generate_poseidon.py --check   # exit 1 if the file is not what this writes

The round constants and the MDS matrix are derived by oracle_node.circuits.poseidon (the
Poseidon reference's Grain LFSR), and stored in the contract as one bytes constant.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "contracts" / "utils" / "Poseidon.sol"


def source() -> str:
    from oracle_node.circuits import poseidon

    rounds, mds = poseidon.constants()
    table = "".join(f"{c:064x}" for row in rounds for c in row)
    chunks = [table[i : i + 128] for i in range(0, len(table), 128)]
    constants = "\n".join(f'        hex"{chunk}"' for chunk in chunks)
    half = poseidon.FULL_ROUNDS // 2
    last_partial = half + poseidon.PARTIAL_ROUNDS - 1
    return f"""// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

// GENERATED FILE - DO NOT EDIT. Written by scripts/generate_poseidon.py from
// oracle_node/circuits/poseidon.py.

/// @title EZKL's Poseidon hash over the BN254 scalar field
/// @notice The hash a committed circuit makes public for a sample: its input values, then its
///         salt, as field elements. Width 2, rate 1, x^5 S-box, {poseidon.FULL_ROUNDS} full and {poseidon.PARTIAL_ROUNDS} partial rounds,
///         capacity element 2^64. For the rare paths where a contract must recompute a
///         commitment: one permutation (about 20k gas) per value hashed.
library Poseidon {{
    /// @dev The BN254 scalar field modulus.
    uint256 internal constant R =
        {poseidon.FIELD_MODULUS};
    uint256 private constant CAPACITY = {poseidon.CAPACITY};
    uint256 private constant M00 = 0x{mds[0][0]:064x};
    uint256 private constant M01 = 0x{mds[0][1]:064x};
    uint256 private constant M10 = 0x{mds[1][0]:064x};
    uint256 private constant M11 = 0x{mds[1][1]:064x};
    /// @dev The round constants, two words a round, in round order.
    bytes private constant ROUND_CONSTANTS =
{constants};

    /// @notice The hash of `values`, each a field element (below `R`; not checked here).
    function hash(uint256[] memory values) internal pure returns (uint256) {{
        bytes memory rc = ROUND_CONSTANTS;
        uint256 s0;
        uint256 s1 = CAPACITY;
        for (uint256 i = 0; i < values.length; ++i) {{
            s0 = addmod(s0, values[i], R);
            (s0, s1) = _permute(s0, s1, rc);
        }}
        return s0;
    }}

    function _permute(uint256 s0, uint256 s1, bytes memory rc) private pure returns (uint256, uint256) {{
        assembly ("memory-safe") {{
            let p := R
            let at := add(rc, 0x20)
            for {{ let r := 0 }} lt(r, {len(rounds)}) {{ r := add(r, 1) }} {{
                s0 := addmod(s0, mload(at), p)
                s1 := addmod(s1, mload(add(at, 0x20)), p)
                at := add(at, 0x40)
                let t := mulmod(s0, s0, p)
                s0 := mulmod(mulmod(t, t, p), s0, p)
                // Full rounds (the first and last {half}) put both words through the S-box.
                if or(lt(r, {half}), gt(r, {last_partial})) {{
                    t := mulmod(s1, s1, p)
                    s1 := mulmod(mulmod(t, t, p), s1, p)
                }}
                let n0 := addmod(mulmod(M00, s0, p), mulmod(M01, s1, p), p)
                s1 := addmod(mulmod(M10, s0, p), mulmod(M11, s1, p), p)
                s0 := n0
            }}
        }}
        return (s0, s1);
    }}
}}
"""


def main() -> int:
    sys.path.insert(0, str(ROOT))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    text = source()
    if args.check:
        if OUT.read_text() != text:
            print(f"{OUT} is not what scripts/generate_poseidon.py writes: run it", file=sys.stderr)
            return 1
        return 0
    OUT.write_text(text)
    print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
