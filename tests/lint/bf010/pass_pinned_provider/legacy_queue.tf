resource "aws_batch_job_queue" "legacy" {
  name     = "batch-legacy-queue"
  state    = "ENABLED"
  priority = 2

  compute_environments = [aws_batch_compute_environment.this.arn]
}
