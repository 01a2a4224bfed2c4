"""What batchform knows about AWS, in one place: every fact carries its source.

One module per kind of fact; spec checks, lint rules and the offline provider import them from
here and keep no copies:

- ``provider``: the hashicorp/aws address and the version constraint generated stacks pin.
- ``regions``: region names, from botocore's own partition data.
- ``names``: Batch names and prefixes, and the suffix length of generated names.
- ``ecr``: image references that are the account's private ECR.
- ``endpoints``: the VPC endpoint services compute needs without an internet path.
- ``fargate``: Fargate task sizes.
- ``instance_types``: the EC2 instance-type catalogue (vCPUs, memory, architecture, GPUs).
- ``constraints``: enums, ranges, lengths and patterns of every argument batchform writes or
  checks, from botocore's service models (through ``api_members``) and the provider's own
  validators (``validators``).
- ``rules``: what AWS refuses that no schema or validator expresses.
- ``secrets``: secret references a job can read, the IAM resources they need, KMS key ARNs.
- ``job_states``: job and resource statuses, and the reasons Batch gives for a blocked queue.
- ``iam_actions``: the IAM action behind each API request, and which requests only read.
- ``images``: the ECS image types of EC2 compute environments, Amazon Linux 2's end, AMI ids.
- ``launch_templates``: root volumes, user data and key pairs of EC2 launch templates.
- ``jobs``: what a job definition may ask for where (GPUs, architectures, storage, Linux
  settings, scheduling priority, multi-node) and the retry presets.
- ``efs``: EFS volume ids, the NFS port, the IAM actions of IAM authorization.
- ``s3``: bucket names, for the state backend.

Each module loads its data lazily, so importing one costs nothing at CLI startup.
"""
