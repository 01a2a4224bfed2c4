output "arn" {
  description = "ARN of the job definition, with its revision."
  value       = aws_batch_job_definition.this.arn
}

output "name" {
  description = "Name of the job definition, for `aws batch submit-job --job-definition`."
  value       = aws_batch_job_definition.this.name
}

output "job_role_name" {
  description = "Name of the job role; attach what the job's code needs here or through the spec."
  value       = aws_iam_role.job.name
}

output "log_group_name" {
  description = "CloudWatch Logs group holding the job's output."
  value       = aws_cloudwatch_log_group.job.name
}
