output "vpc_id" {
  description = "The VPC compute runs in."
  value       = aws_vpc.this.id
}

output "subnet_ids" {
  description = "The subnets compute runs in."
  value       = aws_subnet.private[*].id
}

output "security_group_ids" {
  description = "The security groups of compute."
  value       = [aws_security_group.compute.id]
}
