"""`python -m cxmatrix`: the same as the `cxmatrix` command (a subcommand runs headless, no
arguments or a file to open start the window)."""

from cxmatrix.launcher import main

raise SystemExit(main())
