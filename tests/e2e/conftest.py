import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from dataplane_process import Dataplane  # noqa: E402
from tls_backend import TlsLineServer, make_certificate  # noqa: E402


@pytest.fixture(scope="session")
def cert_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("certs")


@pytest.fixture
def backend_factory(cert_dir):
    """Makes TLS line servers named after a host; all are closed after the test."""
    servers = []

    def make(name: str, host: str = "127.0.0.1") -> TlsLineServer:
        cert, key = make_certificate(cert_dir, name)
        server = TlsLineServer(name, cert, key, host)
        servers.append(server)
        return server

    yield make
    for server in servers:
        server.close()


@pytest.fixture
def dataplane_factory(tmp_path):
    """Starts dataplanes; after the test each must stop cleanly on SIGTERM (exit 0), and a
    sanitizer build must have reported nothing."""
    started = []

    def start(workdir: Path | None = None, **kwargs) -> Dataplane:
        dataplane = Dataplane(workdir or tmp_path, **kwargs)
        started.append(dataplane)
        return dataplane

    yield start
    for dataplane in started:
        status = dataplane.stop()
        log = dataplane.log()
        assert "Sanitizer" not in log and "runtime error" not in log, log
        assert status == 0, f"dataplane exited with {status}:\n{log}"
