variable "scheduling_policy_arn" {
  description = "A fair-share scheduling policy for the queue, if any."
  type        = string
  default     = null
}

module "queue" {
  source                = "./modules/queue"
  scheduling_policy_arn = var.scheduling_policy_arn
  compute_environment   = aws_batch_compute_environment.this.arn
}
