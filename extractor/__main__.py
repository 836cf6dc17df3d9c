"""`python -m extractor` runs the command-line interface."""

from extractor.cli import cli

cli(prog_name="extractor")
