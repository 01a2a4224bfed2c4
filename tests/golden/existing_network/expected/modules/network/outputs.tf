output "vpc_id" {
  description = "The VPC compute runs in."
  value       = var.vpc_id
}

output "subnet_ids" {
  description = "The subnets compute runs in."
  value       = var.subnet_ids
}

output "security_group_ids" {
  description = "The security groups of compute."
  value       = var.security_group_ids
}
