variable "name" {
  description = "Name of the compute environment (a unique suffix is added) and prefix of its IAM roles."
  type        = string
}

variable "type" {
  description = "Compute type: FARGATE, FARGATE_SPOT."
  type        = string

  validation {
    condition     = contains(["FARGATE", "FARGATE_SPOT"], var.type)
    error_message = "The type must be one of FARGATE, FARGATE_SPOT."
  }
}

variable "max_vcpus" {
  description = "Most vCPUs the environment runs at once; changes apply in place."
  type        = number
}

variable "subnet_ids" {
  description = "Subnets compute runs in."
  type        = list(string)
}

variable "security_group_ids" {
  description = "Security groups of compute."
  type        = list(string)
}
