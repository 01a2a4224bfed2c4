variable "name" {
  description = "Name of the job queue."
  type        = string
}

variable "priority" {
  description = "Queues sharing compute environments run higher priorities first."
  type        = number
  default     = 1
}

variable "compute_environment_arns" {
  description = "Compute environments in the order jobs try them: one to three, of one platform family."
  type        = list(string)

  validation {
    condition     = length(var.compute_environment_arns) >= 1 && length(var.compute_environment_arns) <= 3
    error_message = "A job queue takes one to three compute environments."
  }
}
