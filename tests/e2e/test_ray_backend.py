"""The node proving on a real Ray cluster (a head and a worker node, each its own processes).

The head offers two proving slots and the worker one; the node runs two prover actors of the
circuit, which Ray spreads over the two nodes. Killing the worker node while it proves must
end with every request fulfilled exactly once on chain.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from web3 import Web3

from oracle_node.devchain import Anvil, dev_key
from oracle_node.exceptions import ProverBackendError
from oracle_node.node.ray_backend import RayProverPool
from tests.e2e.conftest import FEE, PARAMS, Network, sample
from tests.e2e.nodes import NodeProcess, node_env
from tests.e2e.proxy import RpcProxy
from tests.e2e.ray_cluster import RayNode
from tests.support.protocol import BREAST_CANCER, deploy, deploy_protocol

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

CIRCUIT = "oracle_model_breast_cancer"
DIGITS = BREAST_CANCER.parent / "digits"
ACTOR = "ProverActor"


@dataclass
class RayNetwork:
    network: Network
    node: NodeProcess
    head: RayNode
    worker: RayNode


@pytest.fixture(scope="module")
def ray_network(tmp_path_factory) -> Iterator[RayNetwork]:
    root = tmp_path_factory.mktemp("ray")
    head = RayNode("head", "127.0.0.2", {"oracle_prover": 2, CIRCUIT: 1}, root)
    worker = RayNode("worker", "127.0.0.3", {"oracle_prover": 1, CIRCUIT: 1}, root)
    anvil = Anvil(block_time=1, accounts=20).start()
    proxy = RpcProxy(anvil.port)
    proxy.up()
    node: NodeProcess | None = None
    try:
        head.start(temp_dir=root / "t")
        worker.start(head=head)
        w3 = Web3(Web3.HTTPProvider(anvil.url))
        owner = w3.eth.accounts[0]
        protocol = deploy_protocol(w3, owner, PARAMS, FEE)
        model_id = protocol.register_model()
        gate = deploy(w3, owner, "ScreeningGate", protocol.coordinator.address, model_id, 0,
                      300_000)  # fmt: skip
        protocol.stake(w3.eth.accounts[1], [model_id])
        addresses = {
            "coordinator": protocol.coordinator.address,
            "model_registry": protocol.model_registry.address,
            "node_registry": protocol.node_registry.address,
        }
        keys = {"dev_private_key": dev_key(1), "allow_dev_key": "true"}
        env = node_env(proxy.url, addresses, [{"id": model_id, "dir": str(BREAST_CANCER)}], keys)
        env.update({
            "NODE_ADDRESS": w3.eth.accounts[1],
            "ORACLE_WORKERS__PROVERS": "2",
            "ORACLE_WORKERS__BACKEND": "ray",
            "ORACLE_WORKERS__RAY_ADDRESS": head.address,
            "ORACLE_WORKERS__RAY_NODE_IP_ADDRESS": head.ip,
            "ORACLE_WORKERS__RAY_KEY_CACHE_DIR": str(root / "keys"),
        })  # fmt: skip
        node = NodeProcess("ray-node", root / "node", env)
        node.start(ready_timeout=300)
        network = Network(anvil, proxy, w3, protocol, {model_id: gate}, {"node": node},
                          {"good": model_id})  # fmt: skip
        yield RayNetwork(network, node, head, worker)
    finally:
        if node is not None:
            node.stop()
        worker.kill()
        head.kill()
        proxy.down()
        anvil.stop()


def test_node_proves_on_prover_actors_of_both_ray_nodes(ray_network: RayNetwork):
    net = ray_network.network
    assert len(ray_network.head.actors(ACTOR)) == 1, ray_network.head.processes()
    assert len(ray_network.worker.actors(ACTOR)) == 1, ray_network.worker.processes()
    request_id = net.request(net.model_ids["good"], sample(0))
    event = net.wait_fulfilled(request_id, timeout=180)
    assert event["args"]["node"] == ray_network.node.env["NODE_ADDRESS"]
    job = ray_network.node.wait_job(request_id, {"fulfilled"})
    assert job["timings"]["prove_s"] > 0
    assert "lost a proof" not in ray_network.node.tail(200)


def test_worker_node_killed_mid_proof_ends_with_each_request_fulfilled_once(
    ray_network: RayNetwork,
):
    net, worker = ray_network.network, ray_network.worker
    requests = [net.request(net.model_ids["good"], sample(i)) for i in (1, 2)]
    deadline = time.monotonic() + 120
    while not worker.actors(f"{ACTOR}.prove"):  # Ray titles a busy actor ray::Class.method
        assert time.monotonic() < deadline, f"no proof started on the worker: {worker.processes()}"
        time.sleep(0.05)
    worker.kill()
    assert all(net.fulfilments(r) == [] for r in requests)
    for request_id in requests:
        net.wait_fulfilled(request_id, timeout=240)
        ray_network.node.wait_job(request_id, {"fulfilled"}, timeout=60)
    time.sleep(3)  # a second fulfilment would have been mined by now
    assert [len(net.fulfilments(r)) for r in requests] == [1, 1]
    assert "lost a proof" in ray_network.node.tail(400)
    # Ray placed the lost actor again, on the only node left with a free slot.
    assert len(ray_network.head.actors(ACTOR)) == 2, ray_network.head.processes()


def test_circuit_that_no_ray_node_holds_is_refused_with_the_resources_to_declare(
    ray_network: RayNetwork,
):
    head = ray_network.head
    pool = RayProverPool(head.address, 1, node_ip_address=head.ip, start_timeout=30)
    try:
        with pytest.raises(ProverBackendError, match=r"offers oracle_model_digits.*ray start"):
            pool.warm(DIGITS, None)
        failed = pool.submit(DIGITS, None, [0])
        assert isinstance(failed.exception(timeout=5), ProverBackendError)
    finally:
        pool.close()
