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

variable "gpus" {
  description = "GPUs each attempt reserves on an EC2 GPU instance; null for none."
  type        = number
  default     = null
}

variable "linux_parameters" {
  description = "Linux settings of the container: /dev/shm size in MiB (EC2), an init process that reaps zombies; null for Docker's defaults."
  type = object({
    shared_memory_mib    = optional(number)
    init_process_enabled = optional(bool)
  })
  default = null
}

variable "ulimits" {
  description = "Resource limits of the container by name (nofile, nproc, ...): soft and hard."
  type = map(object({
    soft = number
    hard = number
  }))
  default = {}
}

variable "user" {
  description = "User (name or uid, optionally :group) the container runs as; null for the image's."
  type        = string
  default     = null
}

variable "readonly_root_filesystem" {
  description = "Whether the container's root file system is read-only."
  type        = bool
  default     = false
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
