"""batchform's offline stand-in for the hashicorp/aws Terraform provider (plugin protocol 6).

Importing this package stays light: the gRPC server loads only when Terraform runs the plugin.
"""

from batchform.provider.launcher import install, provider_version

__all__ = ["install", "provider_version"]
