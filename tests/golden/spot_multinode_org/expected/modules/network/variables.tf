variable "name" {
  description = "Prefix of the names of everything this module creates."
  type        = string
}

variable "cidr" {
  description = "CIDR block of the VPC."
  type        = string
}

variable "public_subnet_cidrs" {
  description = "CIDR blocks of the public subnets, one per availability zone."
  type        = list(string)
}

variable "private_subnet_cidrs" {
  description = "CIDR blocks of the private subnets compute runs in, one per availability zone."
  type        = list(string)
}

variable "flow_log_retention_days" {
  description = "How many days CloudWatch Logs keeps the VPC flow logs."
  type        = number
  default     = 30
}

variable "log_kms_key_id" {
  description = "ARN of a KMS key to encrypt the flow log group with; null uses the CloudWatch Logs default encryption."
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
