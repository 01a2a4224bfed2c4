variable "name" {
  description = "Prefix of the names of everything this module creates."
  type        = string
}

variable "vpc_id" {
  description = "The existing VPC compute runs in."
  type        = string
}

variable "subnet_ids" {
  description = "Existing subnets for compute; they must reach ECS, ECR and CloudWatch Logs (NAT or VPC endpoints)."
  type        = list(string)
}

variable "security_group_ids" {
  description = "Existing security groups for compute; they must allow outbound HTTPS."
  type        = list(string)
}
