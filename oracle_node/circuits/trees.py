"""Tree ensembles as tensor ops that EZKL proves: scikit-learn gradient boosting -> ONNX.

skl2onnx writes trees as ``TreeEnsemble*`` ops, which EZKL does not support, and
hummingbird-ml 0.4.12 (which writes them as tensor ops through torch) needs ``onnx<=1.16.1``,
which this project's pinned set refuses. So the trees are written here directly with
``onnx.helper``, in hummingbird's "GEMM" form, with every tree of one depth batched together:

1. ``MatMul(x, A)``: each internal node's feature (``A`` is a one-hot ``[features, T*I]``);
2. ``LessOrEqual(., thresholds)`` -> ``Cast``: 1 where the sample goes left, else 0;
3. ``MatMul(decisions [T,1,I], C [T,I,L])``: ``C[t,i,l]`` is +1 if leaf ``l`` lies left of
   node ``i``, -1 if right, 0 if off its path; the sum equals ``D[t,l]`` (the leaf's count of
   left turns) exactly for the leaf the sample reaches, and is smaller for every other leaf;
4. ``Relu(sum - D + 1)``: 1 for the reached leaf, 0 elsewhere (integers, so exact in fixed
   point), no second comparison needed;
5. ``Gemm(one-hot [1, T*L], leaf values [T*L, 1]) + initial score``: the raw score (logit).

``T`` trees of depth ``d`` cost about ``T * 2^d * (features + 2^d)`` multiplications and
``T * 2^d`` comparisons in the circuit (trees shallower than ``d`` are padded).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from oracle_node.exceptions import UnsupportedModelError


def _tree_arrays(tree: Any, n_internal: int, n_leaves: int, n_features: int) -> tuple[Any, ...]:
    """One sklearn tree as (feature one-hot, thresholds, path matrix, left counts, leaf values)."""
    left, right = tree.children_left, tree.children_right
    internal = [n for n in range(tree.node_count) if left[n] != -1]
    leaves = [n for n in range(tree.node_count) if left[n] == -1]
    a = np.zeros((n_features, n_internal), dtype=np.float32)
    thresholds = np.zeros(n_internal, dtype=np.float32)
    c = np.zeros((n_internal, n_leaves), dtype=np.float32)
    d = np.ones(n_leaves, dtype=np.float32)  # padding leaves: Relu(0 - 1 + 1) = 0
    values = np.zeros(n_leaves, dtype=np.float32)
    index_of_internal = {node: i for i, node in enumerate(internal)}
    for i, node in enumerate(internal):
        a[tree.feature[node], i] = 1.0
        thresholds[i] = tree.threshold[node]
    for j, leaf in enumerate(leaves):
        values[j] = tree.value[leaf].reshape(-1)[0]
    # Walk from the root, recording which side every leaf lies on.
    stack: list[tuple[int, list[tuple[int, int]]]] = [(0, [])]
    leaf_index = {node: j for j, node in enumerate(leaves)}
    while stack:
        node, path = stack.pop()
        if left[node] == -1:
            j = leaf_index[node]
            lefts = 0
            for ancestor, sign in path:
                c[index_of_internal[ancestor], j] = sign
                lefts += sign == 1
            d[j] = lefts
            continue
        stack.append((int(left[node]), [*path, (node, 1)]))
        stack.append((int(right[node]), [*path, (node, -1)]))
    return a, thresholds, c, d, values


def gradient_boosting_to_onnx(model: Any, name: str = "gbt") -> onnx.ModelProto:
    """A fitted binary ``GradientBoostingClassifier`` as an ONNX graph of its raw score.

    Input ``input`` ``[1, n_features]``, output ``output`` ``[1, 1]`` = ``decision_function``
    (the logit; ``> 0`` is class 1). Opset 17, IR 8, which EZKL 23.0.5 reads.
    """
    estimators = getattr(model, "estimators_", None)
    if estimators is None or estimators.ndim != 2 or estimators.shape[1] != 1:
        raise UnsupportedModelError(
            "gradient_boosting_to_onnx takes a fitted binary GradientBoostingClassifier "
            "(one tree per stage)"
        )
    trees = [stage[0].tree_ for stage in estimators]
    n_features = int(model.n_features_in_)
    n_internal = max(max(int((t.children_left != -1).sum()) for t in trees), 1)
    n_leaves = max(int((t.children_left == -1).sum()) for t in trees)
    parts = [_tree_arrays(t, n_internal, n_leaves, n_features) for t in trees]
    n_trees = len(trees)
    a = np.concatenate([p[0] for p in parts], axis=1)
    thresholds = np.concatenate([p[1] for p in parts])
    c = np.stack([p[2] for p in parts])
    offset = (1.0 - np.stack([p[3] for p in parts])).reshape(n_trees, 1, n_leaves)
    rate = float(model.learning_rate)
    values = (np.concatenate([p[4] for p in parts]) * rate).reshape(-1, 1).astype(np.float32)
    # The initial score: decision_function minus the trees' contribution, on any sample.
    probe = np.zeros((1, n_features))
    trees_sum = sum(float(s[0].predict(probe)[0]) for s in estimators) * rate
    base = np.asarray([float(model.decision_function(probe)[0]) - trees_sum], dtype=np.float32)

    init = [
        numpy_helper.from_array(a, "node_features"),
        numpy_helper.from_array(thresholds, "thresholds"),
        numpy_helper.from_array(c.astype(np.float32), "paths"),
        numpy_helper.from_array(offset.astype(np.float32), "leaf_offsets"),
        numpy_helper.from_array(values, "leaf_values"),
        numpy_helper.from_array(base, "base_score"),
        numpy_helper.from_array(np.asarray([n_trees, 1, n_internal], np.int64), "tree_shape"),
        numpy_helper.from_array(np.asarray([1, n_trees * n_leaves], np.int64), "leaf_shape"),
    ]
    nodes = [
        helper.make_node("MatMul", ["input", "node_features"], ["selected"], name="select"),
        helper.make_node("LessOrEqual", ["selected", "thresholds"], ["goes_left"], name="split"),
        helper.make_node("Cast", ["goes_left"], ["left"], to=TensorProto.FLOAT, name="to_float"),
        helper.make_node("Reshape", ["left", "tree_shape"], ["per_tree"], name="per_tree"),
        helper.make_node("MatMul", ["per_tree", "paths"], ["path_sum"], name="paths"),
        helper.make_node("Add", ["path_sum", "leaf_offsets"], ["leaf_margin"], name="offsets"),
        helper.make_node("Relu", ["leaf_margin"], ["leaf_hot"], name="reached_leaf"),
        helper.make_node("Reshape", ["leaf_hot", "leaf_shape"], ["leaves"], name="leaves"),
        helper.make_node("Gemm", ["leaves", "leaf_values", "base_score"], ["output"], name="score"),
    ]
    graph = helper.make_graph(
        nodes,
        name,
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, [1, n_features])],
        [helper.make_tensor_value_info("output", TensorProto.FLOAT, [1, 1])],
        init,
    )
    proto = helper.make_model(
        graph, opset_imports=[helper.make_opsetid("", 17)], producer_name="oracle_node.trees"
    )
    proto.ir_version = 8
    onnx.checker.check_model(proto)
    return proto
