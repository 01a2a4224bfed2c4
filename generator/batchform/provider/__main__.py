"""Entry point Terraform runs (through the installed launcher): serve the offline provider."""

import os
import sys

from batchform.provider.server import serve

code = serve()
sys.stdout.flush()
sys.stderr.flush()
# Terraform starts the plugin several times per command; skip the slow teardown of gRPC threads.
os._exit(code)
