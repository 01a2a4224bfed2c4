variable "name" {
  description = "Name of the compute environment (a unique suffix is added) and prefix of its IAM roles."
  type        = string
}

variable "type" {
  description = "Compute type: EC2, SPOT."
  type        = string

  validation {
    condition     = contains(["EC2", "SPOT"], var.type)
    error_message = "The type must be one of EC2, SPOT."
  }
}

variable "max_vcpus" {
  description = "Most vCPUs the environment runs at once; changes apply in place."
  type        = number
}

variable "min_vcpus" {
  description = "vCPUs kept running while the queue is empty."
  type        = number
}

variable "instance_types" {
  description = "EC2 instance types or families, or \"optimal\". Changes apply in place."
  type        = list(string)
}

variable "allocation_strategy" {
  description = "How instances are picked: BEST_FIT_PROGRESSIVE, SPOT_CAPACITY_OPTIMIZED or SPOT_PRICE_CAPACITY_OPTIMIZED keep the environment updatable in place, BEST_FIT does not."
  type        = string
}

variable "image_type" {
  description = "ECS image type AWS Batch picks the AMI by: ECS_AL2023, or ECS_AL2023_NVIDIA for GPU instance types. Changes apply in place."
  type        = string
}

variable "update_policy" {
  description = "During an infrastructure update: whether running jobs are terminated, and how many minutes they may run on; null for AWS Batch's defaults (false, 30)."
  type = object({
    terminate_jobs_on_update      = bool
    job_execution_timeout_minutes = number
  })
  default = null
}

variable "placement_group" {
  description = "Strategy of the placement group created for the instances: cluster packs them close for multi-node jobs; null for none. A change replaces the environment."
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

variable "iam_path" {
  description = "Path of every IAM role and instance profile this module creates."
  type        = string
}

variable "permissions_boundary_arn" {
  description = "ARN of the policy that bounds the permissions of every IAM role this module creates."
  type        = string
}
