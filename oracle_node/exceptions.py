"""Every error the package raises derives from :class:`OracleError`.

Hierarchy::

    OracleError
    ├── ConfigError          settings, keys or environment are wrong
    ├── ToolchainError       solc / anvil / ezkl tool missing or misbehaving
    │   └── PortInUseError   a local chain cannot bind its port
    └── ...                  domain errors live beside their modules and derive from these

Each subclass builds a message that says what is wrong and what to do about it.
"""

from __future__ import annotations


class OracleError(Exception):
    """Root of every error raised by ``oracle_node``."""


class ConfigError(OracleError):
    """Settings, keys or environment are invalid."""


class ToolchainError(OracleError):
    """A tool the project relies on (solc-js, anvil, ezkl) is missing or failed."""


class PortInUseError(ToolchainError):
    """A local chain was asked to listen on a port that another process holds."""

    def __init__(self, host: str, port: int) -> None:
        self.host = host
        self.port = port
        super().__init__(
            f"port {port} on {host} is already in use: stop the process holding it "
            f"(`lsof -i :{port}`) or choose another port"
        )
