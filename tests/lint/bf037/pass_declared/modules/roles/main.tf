variable "prefix" {
  description = "Name prefix of the roles."
  type        = string
}

output "job_role_arn" {
  description = "The job role's ARN."
  value       = "arn:aws:iam::123456789012:role/${var.prefix}-job"
}

output "execution_role_arn" {
  description = "The execution role's ARN."
  value       = "arn:aws:iam::123456789012:role/${var.prefix}-execution"
}
