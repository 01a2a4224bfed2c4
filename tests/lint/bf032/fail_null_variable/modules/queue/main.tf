variable "scheduling_policy_arn" {
  description = "A fair-share scheduling policy for the queue, if any."
  type        = string
}

variable "compute_environment" {
  description = "The compute environment's ARN."
  type        = string
}

resource "aws_batch_job_queue" "this" {
  name                  = "batch-module-queue"
  state                 = "ENABLED"
  priority              = 2
  scheduling_policy_arn = var.scheduling_policy_arn

  compute_environment_order {
    order               = 1
    compute_environment = var.compute_environment
  }
}
