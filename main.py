"""Start the cxmatrix desktop editor: ``python main.py [FILE.cxm] [--demo]``."""

from cxmatrix.app import main

if __name__ == "__main__":
    raise SystemExit(main())
