output "arn" {
  description = "ARN of the compute environment."
  value       = aws_batch_compute_environment.this.arn
}

output "name" {
  description = "Name of the compute environment, with its unique suffix."
  value       = aws_batch_compute_environment.this.name
}

output "service_role_arn" {
  description = "ARN of the AWS Batch service role: the service-linked role AWSServiceRoleForBatch."
  value       = aws_batch_compute_environment.this.service_role
}

output "instance_role_name" {
  description = "Name of the EC2 instance role; null for Fargate; attach policies the instances need here."
  value       = one(aws_iam_role.instance[*].name)
}
