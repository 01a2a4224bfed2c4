# What commonly differs between environments of one stack: set these with -var or a .tfvars
# file instead of editing the generated files. The defaults are the spec's.

variable "region" {
  description = "AWS region of the stack."
  type        = string
  default     = "eu-west-1"
}

variable "max_vcpus" {
  description = "Most vCPUs each compute environment runs at once, by spec name; a change applies in place."
  type        = map(number)
  default = {
    fargate = 16
  }

  validation {
    condition     = alltrue([for name in ["fargate"] : contains(keys(var.max_vcpus), name)])
    error_message = "Give max_vcpus for every compute environment: fargate."
  }
}

variable "images" {
  description = "Container image of each job definition, by spec name: another tag or registry per environment."
  type        = map(string)
  default = {
    daily = "public.ecr.aws/docker/library/python:3.12-slim"
  }

  validation {
    condition     = alltrue([for name in ["daily"] : contains(keys(var.images), name)])
    error_message = "Give an image for every job definition: daily."
  }
}
