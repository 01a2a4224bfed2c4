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

variable "retry_attempts" {
  description = "How many times a failed job is attempted, 1 to 10."
  type        = number
  default     = 1
}

variable "architecture" {
  description = "CPU architecture of the image on Fargate: X86_64 or ARM64; null for X86_64."
  type        = string
  default     = null
}

variable "ephemeral_storage_gib" {
  description = "Fargate ephemeral storage of each attempt in GiB, 21 to 200; null for Fargate's default."
  type        = number
  default     = null
}

variable "efs_volumes" {
  description = "EFS file systems the job mounts: transit encryption, access point, and IAM authorization with the job role (which then may mount and write)."
  type = list(object({
    name               = string
    mount_path         = string
    read_only          = bool
    file_system_id     = string
    access_point_id    = optional(string)
    root_directory     = optional(string)
    transit_encryption = bool
    iam                = bool
  }))
}

variable "host_volumes" {
  description = "Paths of the EC2 host the job mounts."
  type = list(object({
    name       = string
    mount_path = string
    read_only  = bool
    host_path  = string
  }))
  default = []
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
