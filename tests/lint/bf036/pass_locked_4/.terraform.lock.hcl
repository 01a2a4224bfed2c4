# This file is maintained automatically by "terraform init".
# Manual edits may be lost in future updates.

provider "registry.terraform.io/hashicorp/aws" {
  version     = "4.67.0"
  constraints = ""
  hashes = [
    "h1:0000000000000000000000000000000000000000000=",
  ]
}
