"""`python -m daw` is the `daw` command."""

from daw.cli import main

raise SystemExit(main())
