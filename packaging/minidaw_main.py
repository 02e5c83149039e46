"""The bundle's entry point: the `daw` command (with no arguments, the window).

`freeze_support` lets a long bounce start its render processes from the bundle: each runs
this same program, which must hand over to the worker before anything else."""

import multiprocessing

from daw.cli import main

if __name__ == "__main__":
    multiprocessing.freeze_support()
    raise SystemExit(main())
