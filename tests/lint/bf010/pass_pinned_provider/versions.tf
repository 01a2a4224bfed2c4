# Terraform 0.12's short form: provider 4 still has compute_environments.
terraform {
  required_providers {
    aws = "~> 4.0"
  }
}
