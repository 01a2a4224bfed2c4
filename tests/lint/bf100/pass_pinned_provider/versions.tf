# Provider 5 still has compute_environment_name_prefix and compute_environments (removed in 6).
terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.0.0, < 6.0.0"
    }
  }
}
