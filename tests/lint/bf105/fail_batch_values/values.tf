resource "aws_batch_compute_environment" "spot" {
  name_prefix = "batch-spot-"
  type        = "managed"

  compute_resources {
    type                = "EC3"
    allocation_strategy = "BEST_FITT"
    instance_type       = ["c5.large"]
    max_vcpus           = 16
    instance_role       = aws_iam_instance_profile.instance.arn
    subnets             = aws_subnet.private[*].id
    security_group_ids  = [aws_security_group.compute.id]
  }

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_batch_job_queue" "spot" {
  name     = "batch-spot"
  state    = "ON"
  priority = 1

  compute_environment_order {
    order               = 1
    compute_environment = aws_batch_compute_environment.this.arn
  }

  job_state_time_limit_action {
    action           = "KILL"
    max_time_seconds = 300
    reason           = "CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY"
    state            = "RUNNABLE"
  }
}

resource "aws_cloudwatch_log_group" "jobs" {
  name              = "/aws/batch/job"
  retention_in_days = 45
}

resource "aws_batch_job_definition" "retry" {
  name                  = "_batch-retry"
  type                  = "container"
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
    attempts = "11"

    dynamic "evaluate_on_exit" {
      for_each = ["1", "2", "3", "4", "5", "6"]

      content {
        action       = "RETRY"
        on_exit_code = evaluate_on_exit.value
      }
    }
  }
}
