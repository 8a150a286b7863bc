"""The offline toolchain compiles, deploys and calls a contract on the selected network."""


def test_compiled_contract_deploys_and_changes_state(project, accounts):
    owner = accounts[0]
    ping = owner.deploy(project.Ping)
    ping.ping(sender=owner)
    ping.ping(sender=owner)
    assert ping.n() == 2
