variable "name" {
  description = "Prefix for IAM names."
  type        = string
  default     = "sample"
}

variable "batch_name" {
  description = "Suffix of the job role name."
  type        = string
  default     = "sample"
}

variable "queue_name" {
  description = "Job queue name (the sample used a name with a space)."
  type        = string
  default     = "job queue"
}
