variable "pinned" {
  description = "Whether the image tag is pinned."
  type        = bool
  default     = true
}

# The condition is known: the timestamp() branch is not taken.
resource "aws_batch_job_definition" "pinned" {
  name = "batch-pinned"
  type = "container"

  container_properties = jsonencode({
    image   = var.pinned ? "123456789012.dkr.ecr.us-east-1.amazonaws.com/app:1" : "123456789012.dkr.ecr.us-east-1.amazonaws.com/app:${formatdate("YYYYMMDDhhmm", timestamp())}"
    command = ["run"]
    environment = [
      { name = "VALID", value = can(timestamp()) ? "yes" : "no" },
    ]
    resourceRequirements = [
      { type = "VCPU", value = "1" },
      { type = "MEMORY", value = "1024" },
    ]
  })
}
