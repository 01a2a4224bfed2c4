"""Allow `python -m batchform`."""

from batchform.cli import main

main()
