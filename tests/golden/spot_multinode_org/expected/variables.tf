# What commonly differs between environments of one stack: set these with -var or a .tfvars
# file instead of editing the generated files. The defaults are the spec's.

variable "region" {
  description = "AWS region of the stack."
  type        = string
  default     = "us-east-1"
}

variable "max_vcpus" {
  description = "Most vCPUs each compute environment runs at once, by spec name; a change applies in place."
  type        = map(number)
  default = {
    mpi  = 512
    spot = 256
  }

  validation {
    condition     = alltrue([for name in ["spot", "mpi"] : contains(keys(var.max_vcpus), name)])
    error_message = "Give max_vcpus for every compute environment: spot, mpi."
  }
}

variable "images" {
  description = "Container image of each job definition, by spec name: another tag or registry per environment."
  type        = map(string)
  default = {
    simulate = "123456789012.dkr.ecr.us-east-1.amazonaws.com/hpc/simulate:7"
    sweep    = "123456789012.dkr.ecr.us-east-1.amazonaws.com/hpc/sweep:7"
  }

  validation {
    condition     = alltrue([for name in ["sweep", "simulate"] : contains(keys(var.images), name)])
    error_message = "Give an image for every job definition: sweep, simulate."
  }
}
