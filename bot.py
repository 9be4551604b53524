"""CPIM study-group bot. `python bot.py` runs it; `python bot.py --help` lists the other commands."""

import sys

from app.cli import main

if __name__ == "__main__":
    sys.exit(main())
