"""Device listing and choice, against a private JACK dummy server (the only sound card here)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest

from daw.engine.live.devices import (
    NO_DEVICES_MESSAGE,
    Device,
    DeviceNotFound,
    HostApi,
    choose_rate,
    devices_report,
    find_device,
    format_device_table,
    list_devices,
    rescan_devices,
    supported_rates,
)
from tests.realtime.jack_harness import JACK_HOST_API, JackServer


def _device(index: int, name: str, host_api: str, ins: int, outs: int, **flags: bool) -> Device:
    return Device(
        index=index,
        name=name,
        host_api=host_api,
        max_input_channels=ins,
        max_output_channels=outs,
        default_samplerate=44100.0,
        default_low_input_latency=0.005,
        default_low_output_latency=0.005,
        default_high_input_latency=0.02,
        default_high_output_latency=0.02,
        **flags,
    )


def test_list_devices_shows_the_jack_system_device(jack_server: JackServer) -> None:
    host_apis, devices = list_devices()
    jack_api = next(api for api in host_apis if api.name == JACK_HOST_API)
    (system,) = [d for d in devices if d.host_api == JACK_HOST_API]
    assert system.name == "system"
    assert (system.max_input_channels, system.max_output_channels) == (2, 2)
    assert system.default_samplerate == jack_server.rate
    assert (jack_api.default_input, jack_api.default_output) == (system.index, system.index)
    # The JACK server is the only device on this machine, so it is PortAudio's default.
    assert system.is_default_input and system.is_default_output
    assert supported_rates(system, "input") == [48000]
    assert supported_rates(system, "output") == [48000]


def test_find_device_by_name_substring_index_and_default(jack_server: JackServer) -> None:
    system = find_device("system", "input")
    assert system.name == "system"
    assert find_device("SYST", "output") == system
    assert find_device(system.index, "output") == system
    assert find_device(str(system.index), "input") == system
    assert find_device(None, "input") == system
    assert find_device(None, "output") == system


def test_find_device_says_which_devices_exist(jack_server: JackServer) -> None:
    expected = r"No input device matches 'Focusrite'; choose one of: 'system'"
    with pytest.raises(DeviceNotFound, match=expected):
        find_device("Focusrite", "input")
    with pytest.raises(DeviceNotFound, match=r"No output device has number 999"):
        find_device(999, "output")


def test_choose_rate_follows_the_jack_server(jack_server: JackServer) -> None:
    system = find_device("system", "output")
    assert choose_rate(48000, system, "output") == 48000
    assert choose_rate(44100, system, "output") == 48000  # the engine resamples
    assert choose_rate(96000, system, "input") == 48000


def test_format_device_table_marks_defaults_and_rates() -> None:
    host_apis = [
        HostApi(0, "ALSA", default_input=0, default_output=1, is_default=True),
        HostApi(1, "OSS", default_input=None, default_output=None),
    ]
    devices = [
        _device(0, "USB Mic", "ALSA", 1, 0, is_default_input=True),
        _device(1, "HDA Intel PCH", "ALSA", 2, 2, is_default_output=True),
    ]
    rates = {0: ([44100, 48000], None), 1: ([48000], [44100, 48000])}
    table = format_device_table(host_apis, devices, rates)
    assert table.splitlines() == [
        "ALSA (default host API)",
        "      #  name            in  out    rate  rates",
        "  *   0  USB Mic          1    0   44100  44100, 48000  (default input)",
        "  *   1  HDA Intel PCH    2    2   44100  in 48000; out 44100, 48000  (default output)",
        "",
        "OSS",
        "    no devices",
        "",
        "* default device; rates in Hz",
    ]


def test_devices_report_lists_the_jack_device(jack_server: JackServer) -> None:
    system = find_device("system", "output")
    lines = devices_report().splitlines()
    assert f"{JACK_HOST_API} (default host API)" in lines
    assert "      #  name     in  out    rate  rates" in lines
    assert (
        f"  * {system.index:>3}  system    2    2   48000  48000  (default input, default output)"
        in lines
    )
    assert lines[-1] == "* default device; rates in Hz"


def _report_in_fresh_process(prelude: str, env: dict[str, str]) -> dict[str, object]:
    """Run devices_report() in a new interpreter (PortAudio scans once per process)."""
    code = textwrap.dedent(prelude) + textwrap.dedent(
        """
        import json
        from daw.engine.live.devices import AudioUnavailable, devices_report, list_devices
        try:
            count = len(list_devices()[1])
        except AudioUnavailable:
            count = None
        print(json.dumps({"count": count, "report": devices_report()}))
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=env,
        cwd=os.getcwd(),
        timeout=60,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def _env_without_jack() -> dict[str, str]:
    env = dict(os.environ, JACK_NO_START_SERVER="1", PYTHONPATH=os.getcwd())
    env["JACK_DEFAULT_SERVER"] = "minidaw-test-no-such-server"
    return env


def test_devices_report_without_any_device() -> None:
    outcome = _report_in_fresh_process("", _env_without_jack())
    if outcome["count"] != 0:
        pytest.skip("this machine has sound devices of its own")
    assert outcome["report"] == NO_DEVICES_MESSAGE


def test_devices_report_without_portaudio_names_the_package() -> None:
    hide_portaudio = """
        import ctypes.util
        _real = ctypes.util.find_library
        ctypes.util.find_library = lambda name: None if name == "portaudio" else _real(name)
    """
    outcome = _report_in_fresh_process(hide_portaudio, _env_without_jack())
    assert outcome["count"] is None
    assert "libportaudio2" in outcome["report"]
    assert "Editing and bounce still work." in outcome["report"]


def test_rescan_finds_the_same_device_again(jack_server: JackServer) -> None:
    before = find_device("system", "input")
    rescan_devices()
    assert find_device("system", "input") == before
