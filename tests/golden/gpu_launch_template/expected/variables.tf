# What commonly differs between environments of one stack: set these with -var or a .tfvars
# file instead of editing the generated files. The defaults are the spec's.

variable "region" {
  description = "AWS region of the stack."
  type        = string
  default     = "us-west-2"
}

variable "max_vcpus" {
  description = "Most vCPUs each compute environment runs at once, by spec name; a change applies in place."
  type        = map(number)
  default = {
    cpu = 32
    gpu = 64
  }

  validation {
    condition     = alltrue([for name in ["gpu", "cpu"] : contains(keys(var.max_vcpus), name)])
    error_message = "Give max_vcpus for every compute environment: gpu, cpu."
  }
}

variable "images" {
  description = "Container image of each job definition, by spec name: another tag or registry per environment."
  type        = map(string)
  default = {
    prepare = "public.ecr.aws/docker/library/python:3.12"
    train   = "123456789012.dkr.ecr.us-west-2.amazonaws.com/vision/train:2.1"
  }

  validation {
    condition     = alltrue([for name in ["train", "prepare"] : contains(keys(var.images), name)])
    error_message = "Give an image for every job definition: train, prepare."
  }
}
