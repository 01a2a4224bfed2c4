# One ARN where provider 5's compute_environments takes a list of them.
resource "aws_batch_job_queue" "legacy" {
  name                 = "batch-legacy-queue"
  state                = "ENABLED"
  priority             = 2
  compute_environments = aws_batch_compute_environment.this.arn
}
