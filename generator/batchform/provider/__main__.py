"""Entry point Terraform runs (through the installed launcher): serve the offline provider."""

import sys

from batchform.provider.server import serve

sys.exit(serve())
