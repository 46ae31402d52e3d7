"""The bundled app's entry script for PyInstaller: see cxmatrix.launcher."""

from cxmatrix.launcher import main

raise SystemExit(main())
