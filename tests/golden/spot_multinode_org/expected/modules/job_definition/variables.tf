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
  description = "vCPUs for each attempt."
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

variable "evaluate_on_exit" {
  description = "Which ended attempts are retried (RETRY) or end the job (EXIT), tried in order; an attempt no rule matches is retried. Empty retries every failure."
  type = list(object({
    action           = string
    on_status_reason = optional(string)
    on_reason        = optional(string)
    on_exit_code     = optional(string)
  }))
  default = []
}

variable "nodes" {
  description = "Nodes (EC2 instances) of the multi-node parallel job; null for a single-node job."
  type        = number
  default     = null
}

variable "main_node" {
  description = "Index of the node that leads the multi-node parallel job, from 0."
  type        = number
  default     = 0
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
  default = []
}

variable "parameters" {
  description = "Defaults of the Ref::name placeholders in the command."
  type        = map(string)
  default     = {}
}

variable "timeout_seconds" {
  description = "Stop an attempt that runs longer than this; null for no limit."
  type        = number
  default     = null
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

variable "iam_path" {
  description = "Path of every IAM role this module creates."
  type        = string
}

variable "permissions_boundary_arn" {
  description = "ARN of the policy that bounds the permissions of every IAM role this module creates."
  type        = string
}
