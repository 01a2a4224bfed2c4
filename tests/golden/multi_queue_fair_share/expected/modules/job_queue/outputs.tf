output "arn" {
  description = "ARN of the job queue."
  value       = aws_batch_job_queue.this.arn
}

output "name" {
  description = "Name of the job queue, for `aws batch submit-job --job-queue`."
  value       = aws_batch_job_queue.this.name
}

output "scheduling_policy_arn" {
  description = "ARN of the fair-share scheduling policy; null for first-in, first-out."
  value       = one(aws_batch_scheduling_policy.fair_share[*].arn)
}
