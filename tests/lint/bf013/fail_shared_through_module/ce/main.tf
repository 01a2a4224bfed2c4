variable "compute_tags" {
  description = "Tags of the instances."
  type        = map(string)
}

resource "aws_batch_compute_environment" "this" {
  name_prefix = "batch-ec2-"
  type        = "MANAGED"

  compute_resources {
    type                = "EC2"
    allocation_strategy = "BEST_FIT_PROGRESSIVE"
    instance_type       = ["c5.large"]
    max_vcpus           = 16
    instance_role       = "arn:aws:iam::123456789012:instance-profile/batch"
    subnets             = ["subnet-0123456789abcdef0"]
    security_group_ids  = ["sg-0123456789abcdef0"]
    tags                = var.compute_tags
  }

  lifecycle {
    create_before_destroy = true
  }
}
