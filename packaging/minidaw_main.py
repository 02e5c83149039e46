"""The bundle's entry point: the `daw` command (with no arguments, the window).

`freeze_support` lets a long bounce start its render processes from the bundle: each runs
this same program, which must hand over to the worker before anything else.

The libjack is chosen first, before anything can load PortAudio: the system's where there is
one (it matches the machine's JACK or PipeWire server), else the bundle's fallback copy."""

import multiprocessing

from daw.engine.live.jack_library import FALLBACK_FOLDER, bundle_folder, load_libjack

if __name__ == "__main__":
    multiprocessing.freeze_support()
    if (folder := bundle_folder()) is not None:
        load_libjack(folder / FALLBACK_FOLDER)

    from daw.cli import main

    raise SystemExit(main())
