variable "name" {
  description = "Prefix of the names of everything this module creates."
  type        = string
}

variable "cidr" {
  description = "CIDR block of the VPC."
  type        = string
}

variable "availability_zones" {
  description = "Availability zones, one per subnet, in subnet order."
  type        = list(string)
}

variable "private_subnet_cidrs" {
  description = "CIDR blocks of the private subnets compute runs in, one per availability zone."
  type        = list(string)
}

variable "interface_endpoints" {
  description = "Services reached through interface endpoints, such as ecs-agent or ecr.dkr."
  type        = list(string)
}
