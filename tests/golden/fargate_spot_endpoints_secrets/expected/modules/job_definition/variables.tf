variable "name" {
  description = "Name of the job definition, and prefix of its roles and log group."
  type        = string
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

variable "timeout_seconds" {
  description = "Stop an attempt that runs longer than this."
  type        = number
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
