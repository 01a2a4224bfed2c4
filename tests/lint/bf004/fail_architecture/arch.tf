resource "aws_batch_job_definition" "arm" {
  name = "batch-arm"
  type = "container"

  container_properties = jsonencode({
    image   = "123456789012.dkr.ecr.us-east-1.amazonaws.com/app:1.4-arm64"
    command = ["run"]
    resourceRequirements = [
      { type = "VCPU", value = "2" },
      { type = "MEMORY", value = "2048" },
    ]
  })
}
resource "aws_batch_job_definition" "declared" {
  name = "batch-declared"
  type = "container"

  container_properties = jsonencode({
    image   = "123456789012.dkr.ecr.us-east-1.amazonaws.com/app:1.4"
    command = ["run"]
    resourceRequirements = [
      { type = "VCPU", value = "2" },
      { type = "MEMORY", value = "2048" },
    ]
    runtimePlatform = { cpuArchitecture = "ARM64" }
  })
}
