variable "tags" {
  description = "Tags of every resource."
  type        = map(string)
  default     = { team = "data" }
}

provider "aws" {
  default_tags {
    tags = var.tags
  }
}

module "ce" {
  source       = "./ce"
  compute_tags = var.tags
}
