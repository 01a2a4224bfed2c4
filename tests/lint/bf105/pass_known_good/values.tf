variable "retention_days" {
  description = "Days to keep job logs."
  type        = number
}

resource "aws_batch_job_queue" "lower_case" {
  name     = "batch-lower"
  state    = "enabled"
  priority = 1

  compute_environment_order {
    order               = 1
    compute_environment = aws_batch_compute_environment.this.arn
  }

  job_state_time_limit_action {
    action           = "CANCEL"
    max_time_seconds = "600"
    reason           = "CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY"
    state            = "RUNNABLE"
  }
}

# A number given as a string is converted to one, as Terraform does.
resource "aws_cloudwatch_log_group" "jobs" {
  name              = "/aws/batch/job"
  retention_in_days = "30"
}

# Unknown values are never judged.
resource "aws_cloudwatch_log_group" "unknown" {
  name              = "/aws/batch/other"
  retention_in_days = var.retention_days
}

resource "aws_batch_job_definition" "retry" {
  name                  = "batch-retry"
  type                  = "Container"
  platform_capabilities = ["EC2"]

  container_properties = jsonencode({
    image   = "123456789012.dkr.ecr.us-east-1.amazonaws.com/app:1"
    command = ["run"]
    resourceRequirements = [
      { type = "VCPU", value = "1" },
      { type = "MEMORY", value = "1024" },
    ]
  })

  retry_strategy {
    attempts = 3

    evaluate_on_exit {
      action       = "retry"
      on_exit_code = "1*"
    }
  }
}
