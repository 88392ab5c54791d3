"""The command line: `narrator-app COMMAND …` (see main.py)."""

from narrator_app.cli.main import main

__all__ = ["main"]
