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

variable "runnable_timeout_seconds" {
  description = "Cancel jobs RUNNABLE this long when capacity or their resource needs can never be met; null never cancels."
  type        = number
  default     = null
}

variable "fair_share" {
  description = "Fair-share scheduling: share decay, reserved compute and weight per share identifier; null for first-in, first-out."
  type = object({
    share_decay_seconds = number
    compute_reservation = number
    shares              = map(number)
  })
  default = null
}
