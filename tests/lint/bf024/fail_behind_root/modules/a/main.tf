module "b" {
  source = "../b"
}

resource "aws_batch_job_queue" "this" {
  name     = "queue a"
  state    = "ENABLED"
  priority = 1

  compute_environment_order {
    order               = 1
    compute_environment = "arn:aws:batch:us-east-1:123456789012:compute-environment/ce"
  }
}
