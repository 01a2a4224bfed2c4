variable "image_tag" {
  description = "Image tag; a build date when empty."
  type        = string
  default     = "1.4.2"
}

# coalesce() stops at the known tag: timestamp() is never evaluated.
resource "aws_batch_job_definition" "tagged" {
  name = "batch-tagged"
  type = "container"

  container_properties = jsonencode({
    image   = "123456789012.dkr.ecr.us-east-1.amazonaws.com/app:${coalesce(var.image_tag, formatdate("YYYYMMDD", timestamp()))}"
    command = ["run"]
    resourceRequirements = [
      { type = "VCPU", value = "1" },
      { type = "MEMORY", value = "1024" },
    ]
  })
}
