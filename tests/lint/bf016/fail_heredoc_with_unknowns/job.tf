variable "image" {
  description = "Image of the job, set per environment."
  type        = string
}

variable "vcpus" {
  description = "vCPUs of the job."
  type        = number
}

# The unknown interpolations leave the keys around them known: they are still checked.
resource "aws_batch_job_definition" "heredoc" {
  name = "batch-heredoc"
  type = "container"

  container_properties = <<-EOT
    {
      "image": "${var.image}",
      "vcpus": ${var.vcpus},
      "memory": 2048,
      "jobDefinitionArn": "arn:aws:batch:us-east-1:123456789012:job-definition/x:1",
      "retry_strategy": { "attemps": 2 },
      "jobRoleArn": "${aws_iam_role.instance.arn}"
    }
  EOT
}
