"""The lint engine: Terraform source evaluated into the resource model the rules read."""
