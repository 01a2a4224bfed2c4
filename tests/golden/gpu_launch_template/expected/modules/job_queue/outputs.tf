output "arn" {
  description = "ARN of the job queue."
  value       = aws_batch_job_queue.this.arn
}

output "name" {
  description = "Name of the job queue, for `aws batch submit-job --job-queue`."
  value       = aws_batch_job_queue.this.name
}
