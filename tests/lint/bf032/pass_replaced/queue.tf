variable "fair_share" {
  description = "Schedule the queue by fair share."
  type        = bool
  default     = false
}

resource "aws_batch_scheduling_policy" "fair" {
  count = var.fair_share ? 1 : 0
  name  = "batch-fair"

  fair_share_policy {
    compute_reservation = 10
    share_decay_seconds = 3600

    share_distribution {
      share_identifier = "A1"
      weight_factor    = 1
    }
  }
}

resource "aws_batch_job_queue" "fair" {
  name                  = "batch-fair"
  state                 = "ENABLED"
  priority              = 2
  scheduling_policy_arn = one(aws_batch_scheduling_policy.fair[*].arn)

  compute_environment_order {
    order               = 1
    compute_environment = aws_batch_compute_environment.this.arn
  }

  lifecycle {
    replace_triggered_by = [terraform_data.scheduling.output]
  }
}

# How the queue schedules; a change of it replaces the queue.
resource "terraform_data" "scheduling" {
  input = var.fair_share ? "fair-share" : "first-in-first-out"
}
