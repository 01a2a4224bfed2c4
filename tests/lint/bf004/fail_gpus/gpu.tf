resource "aws_batch_job_definition" "gpu" {
  name = "batch-gpu"
  type = "container"

  container_properties = jsonencode({
    image   = "123456789012.dkr.ecr.us-east-1.amazonaws.com/train:1"
    command = ["run"]
    resourceRequirements = [
      { type = "VCPU", value = "2" },
      { type = "MEMORY", value = "2048" },
      { type = "GPU", value = "1" },
    ]
  })
}
