"""batchform: generate, lint and test Terraform for AWS Batch."""

__version__ = "0.1.0"
