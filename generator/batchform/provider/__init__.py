"""batchform's offline stand-in for the hashicorp/aws Terraform provider (plugin protocol 6).

`install(plugin_dir)` writes a launcher where `terraform init -plugin-dir` finds it. Terraform
then runs `python -m batchform.provider`, which speaks tfplugin6 over gRPC behind go-plugin's
handshake and mutual TLS. `batchform test` instead starts one process of it for the whole
lifecycle (`ProviderProcess`, `python -m batchform.provider --reattach`) and hands it to every
terraform command in `TF_REATTACH_PROVIDERS`: one start instead of one per command, and one
simulated account for the whole run. That process serves plain gRPC on a unix socket in a
directory only its user may enter: go-plugin's client builds no TLS for a reattached plugin,
and the directory's permissions keep other users out as mutual TLS does for a loopback port.
Either way the provider:

* serves the real provider schema from `batchform/data/aws_provider_schema.json`, so Terraform
  itself rejects unknown, missing and repeated arguments exactly as with the real provider;
* plans like the provider: computed values unknown on create and kept on update, `tags_all`
  from `default_tags`, replacements from `batchform/data/force_new.json` (including the
  compute environment's "updatable" rule);
* applies with deterministic, plausible ids and ARNs (account 123456789012), and keeps a small
  record of the simulated account so name clashes and queue relationships fail as on AWS;
* reads data sources locally (`aws_iam_policy_document` renders the provider's JSON).

It never talks to AWS: no drift is ever read back, import is refused, and values the cloud
would decide (ids, addresses, data source results) are made up. Importing this package stays
light; the gRPC server loads only when Terraform runs the plugin.
"""

from batchform.provider.launcher import ProviderProcess, install, provider_version

__all__ = ["ProviderProcess", "install", "provider_version"]
