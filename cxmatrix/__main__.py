"""`python -m cxmatrix`: the command line."""

from cxmatrix.cli import main

raise SystemExit(main())
