#!/usr/bin/env python3
"""Build the site: `python build.py --help`."""

from pathlib import Path

from duet.cli import run

if __name__ == "__main__":
    run(project_root=Path(__file__).resolve().parent)
