"""The sound cards PortAudio offers: listing them, resolving a person's choice, picking a rate.

PortAudio is loaded lazily, on the first call, so that the rest of the program (editing,
bounce, ``daw render``) works on a machine without it; a missing library becomes one clear
``AudioUnavailable`` message instead of an import error. Besides the engine's stream module,
this is the only module that imports sounddevice.

PortAudio scans for devices once, when it initialises; ``rescan_devices`` makes it look again
(for a sound card plugged in later, or a sound server started later).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import ModuleType
from typing import Literal

Kind = Literal["input", "output"]

COMMON_RATES: tuple[int, ...] = (44100, 48000, 88200, 96000)

NO_DEVICES_MESSAGE = (
    "No audio devices found: connect a sound card, or start a sound server (PipeWire, "
    "PulseAudio or JACK), then run `daw devices` again. Editing and bounce still work."
)


class AudioUnavailable(Exception):
    """PortAudio (the library under sounddevice) cannot be loaded or used."""


class DeviceNotFound(Exception):
    """A device chosen by name or number does not exist (the message lists the ones that do)."""


@dataclass(frozen=True)
class HostApi:
    """One of PortAudio's host APIs (ALSA, JACK, ...), with its default devices' indexes."""

    index: int
    name: str
    default_input: int | None
    default_output: int | None
    is_default: bool = False


@dataclass(frozen=True)
class Device:
    """A device as PortAudio describes it. Latencies are in seconds, as PortAudio reports."""

    index: int
    name: str
    host_api: str
    max_input_channels: int
    max_output_channels: int
    default_samplerate: float
    default_low_input_latency: float
    default_low_output_latency: float
    default_high_input_latency: float
    default_high_output_latency: float
    is_default_input: bool = False
    is_default_output: bool = False

    def channels(self, kind: Kind) -> int:
        """The most channels the device has in that direction (0: it has none)."""
        return self.max_input_channels if kind == "input" else self.max_output_channels


def _sounddevice() -> ModuleType:
    """sounddevice, or AudioUnavailable saying what to install."""
    try:
        import sounddevice
    except ImportError as exc:
        raise AudioUnavailable(
            f"Audio is unavailable: the Python package sounddevice is not installed ({exc}); "
            "install it with `pip install sounddevice`. Editing and bounce still work."
        ) from exc
    except OSError as exc:  # sounddevice's Linux wheel needs the system's PortAudio
        raise AudioUnavailable(
            f"Audio is unavailable: the PortAudio library could not be loaded ({exc}); install "
            "the libportaudio2 package (Debian/Ubuntu: `sudo apt install libportaudio2`). "
            "Editing and bounce still work."
        ) from exc
    return sounddevice


def rescan_devices() -> None:
    """Make PortAudio scan for devices again. Close every stream first: this restarts PortAudio."""
    sd = _sounddevice()
    try:
        while sd._initialized > 0:
            sd._terminate()
        sd._initialize()
    except sd.PortAudioError as exc:
        raise AudioUnavailable(
            f"Audio is unavailable: PortAudio could not restart ({exc})"
        ) from exc


def fresh_portaudio() -> None:
    """Restart PortAudio before a device is opened (no stream may be open).

    PortAudio's JACK host API numbers each stream's ports on from the last (``in_0``,
    ``in_1``, then ``in_2``, ``in_3`` on the next open): every Open would rename the ports,
    and what a patchbay or session manager connects by name would be lost. A fresh
    PortAudio numbers from zero again, so the client and its ports keep their names (and a
    device plugged in, or a sound server started, since the last scan is found)."""
    rescan_devices()


def list_devices() -> tuple[list[HostApi], list[Device]]:
    """PortAudio's host APIs and devices; empty lists when there are none (never an error).

    Raises AudioUnavailable only when PortAudio itself cannot be loaded or queried.
    """
    sd = _sounddevice()
    try:
        raw_apis = list(sd.query_hostapis())
        raw_devices = list(sd.query_devices())
        default_api = sd.default.hostapi if raw_apis else -1
    except sd.PortAudioError as exc:
        raise AudioUnavailable(
            f"Audio is unavailable: PortAudio cannot list devices ({exc})"
        ) from exc
    host_apis = [
        HostApi(
            index=index,
            name=str(api["name"]),
            default_input=api["default_input_device"] if api["default_input_device"] >= 0 else None,
            default_output=(
                api["default_output_device"] if api["default_output_device"] >= 0 else None
            ),
            is_default=index == default_api,
        )
        for index, api in enumerate(raw_apis)
    ]
    # PortAudio's default devices are those of its default host API.
    default = next((api for api in host_apis if api.is_default), None)
    default_in = default.default_input if default else None
    default_out = default.default_output if default else None
    devices = [
        Device(
            index=index,
            name=str(info["name"]),
            host_api=host_apis[info["hostapi"]].name,
            max_input_channels=int(info["max_input_channels"]),
            max_output_channels=int(info["max_output_channels"]),
            default_samplerate=float(info["default_samplerate"]),
            default_low_input_latency=float(info["default_low_input_latency"]),
            default_low_output_latency=float(info["default_low_output_latency"]),
            default_high_input_latency=float(info["default_high_input_latency"]),
            default_high_output_latency=float(info["default_high_output_latency"]),
            is_default_input=index == default_in,
            is_default_output=index == default_out,
        )
        for index, info in enumerate(raw_devices)
    ]
    return host_apis, devices


def supported_rates(
    device: Device, kind: Kind, rates: Sequence[int] = COMMON_RATES
) -> list[int]:
    """Which of ``rates`` PortAudio accepts for the device in that direction (float32, up to
    two channels). A JACK device accepts only the server's rate."""
    channels = min(2, device.channels(kind))
    if channels < 1:
        return []
    sd = _sounddevice()
    check = sd.check_input_settings if kind == "input" else sd.check_output_settings
    accepted = []
    for rate in rates:
        try:
            check(device=device.index, channels=channels, dtype="float32", samplerate=rate)
        except (sd.PortAudioError, ValueError):
            continue
        accepted.append(int(rate))
    return accepted


def _names(devices: Sequence[Device]) -> str:
    return ", ".join(repr(d.name) for d in devices) or "none"


def find_device(name_or_index: str | int | None, kind: Kind) -> Device:
    """Resolve a person's choice of device for recording (``input``) or playback (``output``).

    None means PortAudio's default; an int (or a string of digits that is no device's name) is
    a device index; a string is matched against device names exactly, then as a
    case-insensitive substring, which must then fit exactly one device.
    Raises DeviceNotFound naming the devices there are.
    """
    _, all_devices = list_devices()
    devices = [d for d in all_devices if d.channels(kind) > 0]
    what = f"{kind} device"
    if not devices:
        raise DeviceNotFound(f"No {what}s found. {NO_DEVICES_MESSAGE}")
    if name_or_index is None:
        for device in devices:
            if (device.is_default_input if kind == "input" else device.is_default_output):
                return device
        raise DeviceNotFound(f"There is no default {what}; choose one of: {_names(devices)}")
    text = str(name_or_index).strip()
    exact = [d for d in devices if d.name == text]
    if exact:
        return exact[0]
    if isinstance(name_or_index, int) or text.isdigit():
        by_index = [d for d in devices if d.index == int(text)]
        if by_index:
            return by_index[0]
        raise DeviceNotFound(f"No {what} has number {text}; choose one of: {_names(devices)}")
    matches = [d for d in devices if text.casefold() in d.name.casefold()]
    if len(matches) == 1:
        return matches[0]
    if matches:
        raise DeviceNotFound(
            f"{text!r} fits several {what}s ({_names(matches)}); give more of the name"
        )
    raise DeviceNotFound(f"No {what} matches {text!r}; choose one of: {_names(devices)}")


def choose_rate(project_rate: int, device: Device, kind: Kind) -> int:
    """The rate to open the device at: the project's if the device takes it, else the device's
    own default rate. With a different rate the engine resamples between project and device
    (a JACK server, for one, runs at a single rate and refuses every other)."""
    if supported_rates(device, kind, rates=(project_rate,)):
        return int(project_rate)
    return round(device.default_samplerate)


def _rates_text(in_rates: Sequence[int] | None, out_rates: Sequence[int] | None) -> str:
    def join(rates: Sequence[int]) -> str:
        return ", ".join(str(r) for r in rates) or "none of the usual"

    if in_rates is None and out_rates is None:
        return "-"
    if in_rates is None or out_rates is None or list(in_rates) == list(out_rates):
        return join(in_rates if in_rates is not None else out_rates or [])
    return f"in {join(in_rates)}; out {join(out_rates)}"


def format_device_table(
    host_apis: Sequence[HostApi],
    devices: Sequence[Device],
    rates: Mapping[int, tuple[Sequence[int] | None, Sequence[int] | None]] | None = None,
) -> str:
    """The text `daw devices` prints: each host API and its devices, with channels, default
    rate and supported rates; ``*`` marks the default input and output devices.

    ``rates`` maps a device index to (input rates, output rates), None for a direction the
    device lacks; without it the rates are asked of PortAudio.
    """
    if rates is None:
        rates = {
            d.index: (
                supported_rates(d, "input") if d.max_input_channels else None,
                supported_rates(d, "output") if d.max_output_channels else None,
            )
            for d in devices
        }
    name_width = max([len("name"), *(len(d.name) for d in devices)])
    header = f"    {'#':>3}  {'name':<{name_width}}  {'in':>3}  {'out':>3}  {'rate':>6}  rates"
    lines: list[str] = []
    for api in host_apis:
        members = [d for d in devices if d.host_api == api.name]
        suffix = " (default host API)" if api.is_default else ""
        lines.append(f"{api.name}{suffix}")
        if not members:
            lines.append("    no devices")
            lines.append("")
            continue
        lines.append(header)
        for d in members:
            marks = [
                label
                for label, flag in (
                    ("default input", d.is_default_input),
                    ("default output", d.is_default_output),
                )
                if flag
            ]
            star = "*" if marks else " "
            in_rates, out_rates = rates.get(d.index, (None, None))
            line = (
                f"  {star} {d.index:>3}  {d.name:<{name_width}}  {d.max_input_channels:>3}  "
                f"{d.max_output_channels:>3}  {round(d.default_samplerate):>6}  "
                f"{_rates_text(in_rates, out_rates)}"
            )
            if marks:
                line += f"  ({', '.join(marks)})"
            lines.append(line)
        lines.append("")
    lines.append("* default device; rates in Hz")
    return "\n".join(lines)


def devices_report() -> str:
    """Everything `daw devices` prints, including the reason when there is nothing to list."""
    try:
        host_apis, devices = list_devices()
        if not devices:
            return NO_DEVICES_MESSAGE
        return format_device_table(host_apis, devices)
    except AudioUnavailable as exc:
        return str(exc)
