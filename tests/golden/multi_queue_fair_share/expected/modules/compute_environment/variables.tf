variable "name" {
  description = "Name of the compute environment (a unique suffix is added) and prefix of its IAM roles."
  type        = string
}

variable "type" {
  description = "Compute type: EC2, SPOT, FARGATE, FARGATE_SPOT."
  type        = string

  validation {
    condition     = contains(["EC2", "SPOT", "FARGATE", "FARGATE_SPOT"], var.type)
    error_message = "The type must be one of EC2, SPOT, FARGATE, FARGATE_SPOT."
  }
}

variable "max_vcpus" {
  description = "Most vCPUs the environment runs at once; changes apply in place."
  type        = number
}

variable "min_vcpus" {
  description = "vCPUs kept running while the queue is empty; null for Fargate."
  type        = number
  default     = null
}

variable "instance_types" {
  description = "EC2 instance types or families, or \"optimal\"; null for Fargate. Changes apply in place."
  type        = list(string)
  default     = null
}

variable "allocation_strategy" {
  description = "How instances are picked: BEST_FIT_PROGRESSIVE, SPOT_CAPACITY_OPTIMIZED or SPOT_PRICE_CAPACITY_OPTIMIZED keep the environment updatable in place, BEST_FIT does not; null for Fargate."
  type        = string
  default     = null
}

variable "image_type" {
  description = "ECS image type AWS Batch picks the AMI by: ECS_AL2023, or ECS_AL2023_NVIDIA for GPU instance types; null for Fargate. Changes apply in place."
  type        = string
  default     = null
}

variable "subnet_ids" {
  description = "Subnets compute runs in."
  type        = list(string)
}

variable "security_group_ids" {
  description = "Security groups of compute."
  type        = list(string)
}
