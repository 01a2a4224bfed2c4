# A registry module lint cannot follow: its outputs are unknown.
module "vpc" {
  source  = "terraform-aws-modules/vpc/aws"
  version = "~> 5.0"
}

module "ce" {
  source = "./ce"

  compute_environments = {
    ec2 = {
      name_prefix = "ec2"
      compute_resources = {
        type          = "EC2"
        max_vcpus     = 16
        desired_vcpus = 4
        # Unknown, and only this: the rest of the object is still known.
        subnets = module.vpc.private_subnets
      }
    }
  }
}
