"""The bundle's entry point: the `daw` command (with no arguments, the window)."""

from daw.cli import main

raise SystemExit(main())
