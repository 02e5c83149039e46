"""Opening the audio device again keeps MiniDAW's JACK client and port names, so what a
patchbay or session manager connects by name still finds them."""

from __future__ import annotations

from pathlib import Path

from daw.engine.live.transport import Engine
from daw.model import Project
from tests.realtime.jack_harness import JackServer
from tests.realtime.virtual_audio import _HARNESS_CLIENTS, _jack_module


def app_ports(server: JackServer) -> list[str]:
    """The ports of every client on the server that is neither the system nor the harness."""
    jack = _jack_module()
    client = jack.Client("port-lister", no_start_server=True, servername=server.name)
    try:
        names = [p.name for p in client.get_ports(is_audio=True)]
    finally:
        client.close()
    return sorted(n for n in names if n.split(":", 1)[0] not in {"system", *_HARNESS_CLIENTS})


def test_two_opens_give_the_same_client_and_port_names(
        tmp_path: Path, jack_server: JackServer, jack_device) -> None:
    engine = Engine(Project(), tmp_path)
    engine.start()
    try:
        engine.open_device(jack_device, jack_device, input_channels=2)
        first = app_ports(jack_server)
        assert len(first) == 4  # two inputs, two outputs
        engine.open_device(jack_device, jack_device, input_channels=2)
        assert app_ports(jack_server) == first
        engine.open_device(jack_device, jack_device, input_channels=0)  # play only
        engine.open_device(jack_device, jack_device, input_channels=2)
        assert app_ports(jack_server) == first
    finally:
        engine.shutdown()
