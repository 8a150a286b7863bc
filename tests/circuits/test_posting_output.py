"""What an Optimistic posting is: the circuit's quantised output from EZKL's witness, the same
bit for bit in every process that computes it (an honest poster and every watcher), for the
held-out samples of every committed circuit. That it is also what a proof shows is checked on
each circuit's worst input in ``test_input_range.py``."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from oracle_node.circuits.datasets import held_out
from oracle_node.circuits.proving import Prover
from oracle_node.encoding import float_to_int

from .conftest import CIRCUITS, COMMITTED

SAMPLES = 12

_OTHER_PROCESS = """
import json, sys
from pathlib import Path
from oracle_node.circuits.proving import Prover
folder, samples = Path(sys.argv[1]), json.loads(sys.argv[2])
prover = Prover(folder, cache_dir=Path(sys.argv[3]))
print(json.dumps([prover.witness_outputs(s) for s in samples]))
"""


@pytest.mark.parametrize("name", sorted(COMMITTED))
def test_posted_outputs_agree_bit_for_bit_across_processes(name, tmp_path):
    prover = Prover(CIRCUITS / name, cache_dir=tmp_path)
    scale = prover.manifest.input_scale
    features, _ = held_out(COMMITTED[name])
    samples = [[float_to_int(v, scale) for v in row] for row in features[:SAMPLES]]
    here = [prover.witness_outputs(s) for s in samples]
    assert here == [prover.witness_outputs(s) for s in samples]  # deterministic
    done = subprocess.run(
        [sys.executable, "-c", _OTHER_PROCESS, str(CIRCUITS / name), json.dumps(samples), str(tmp_path)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert json.loads(done.stdout.strip().splitlines()[-1]) == here
    assert all(len(out) == prover.manifest.output_len for out in here)
