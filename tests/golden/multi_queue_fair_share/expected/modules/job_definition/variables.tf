variable "name" {
  description = "Name of the job definition, and prefix of its roles and log group."
  type        = string
}

variable "platform" {
  description = "Where the job runs: EC2 or FARGATE."
  type        = string

  validation {
    condition     = contains(["EC2", "FARGATE"], var.platform)
    error_message = "The platform must be EC2 or FARGATE."
  }
}

variable "image" {
  description = "Container image the job runs."
  type        = string
}

variable "command" {
  description = "Command and arguments; empty runs the image's default command."
  type        = list(string)
  default     = []
}

variable "vcpus" {
  description = "vCPUs for each attempt (Fargate: 0.25, 0.5, 1, 2, 4, 8 or 16)."
  type        = number
}

variable "memory" {
  description = "Memory for each attempt, in MiB."
  type        = number
}

variable "environment" {
  description = "Environment variables; values must not be empty and must not be secrets."
  type        = map(string)
  default     = {}

  validation {
    condition     = alltrue([for value in values(var.environment) : value != ""])
    error_message = "Empty environment values are dropped by AWS and make every apply register a new revision."
  }
}

variable "secrets" {
  description = "Secret environment variables: name to SSM parameter or Secrets Manager ARN (a Secrets Manager ARN may end in :json-key:version-stage:version-id)."
  type        = map(string)
  default     = {}
}

variable "retry_attempts" {
  description = "How many times a failed job is attempted, 1 to 10."
  type        = number
  default     = 1
}

variable "parameters" {
  description = "Defaults of the Ref::name placeholders in the command."
  type        = map(string)
  default     = {}
}

variable "propagate_tags" {
  description = "Whether the job's and the job definition's tags are copied to the ECS task."
  type        = bool
  default     = false
}

variable "scheduling_priority" {
  description = "Priority of the jobs within their share in fair-share queues, 0 to 9999, higher first; null when no fair-share queue runs the job."
  type        = number
  default     = null
}

variable "timeout_seconds" {
  description = "Stop an attempt that runs longer than this; null for no limit."
  type        = number
  default     = null
}

variable "job_role_policy_arns" {
  description = "IAM policies attached to the job role: what the job's code may do."
  type        = list(string)
  default     = []
}

variable "log_retention_days" {
  description = "How many days CloudWatch Logs keeps the job's logs."
  type        = number
  default     = 30
}

variable "log_kms_key_id" {
  description = "ARN of a KMS key to encrypt the log group with; null uses the CloudWatch Logs default encryption."
  type        = string
  default     = null
}

variable "assign_public_ip" {
  description = "Fargate only: ENABLED when the subnets reach the internet through an internet gateway, DISABLED behind NAT or VPC endpoints."
  type        = string
  default     = "DISABLED"

  validation {
    condition     = contains(["ENABLED", "DISABLED"], var.assign_public_ip)
    error_message = "assign_public_ip must be ENABLED or DISABLED."
  }
}
