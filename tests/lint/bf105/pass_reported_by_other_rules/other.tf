# Each mistake here is another rule's: BF105 stays silent so that it is reported once.
resource "aws_cloudwatch_log_group" "jobs" {
  name              = "/aws/batch/job"
  retention_in_days = "forever"
}

resource "aws_batch_job_queue" "spaced" {
  name     = "batch queue"
  state    = "ENABLED"
  priority = 1

  compute_environment_order {
    order               = 1
    compute_environment = aws_batch_compute_environment.this.arn
  }
}
