"""Entry script of the installer bundle: the same `main` as the `packdesk` console script."""
import sys

from app.__main__ import main

if __name__ == "__main__":
    sys.exit(main())
