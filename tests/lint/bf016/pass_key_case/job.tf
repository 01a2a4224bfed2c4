# The provider's JSON decoder matches keys case-insensitively: sizeInGib sets sizeInGiB.
resource "aws_batch_job_definition" "big_disk" {
  name                  = "fargate-big-disk"
  type                  = "container"
  platform_capabilities = ["FARGATE"]

  container_properties = jsonencode({
    image            = "public.ecr.aws/docker/library/alpine:3.20"
    command          = ["echo", "hi"]
    ExecutionRoleArn = aws_iam_role.execution.arn
    resourceRequirements = [
      { type = "VCPU", value = "0.5" },
      { type = "MEMORY", value = "1024" },
    ]
    networkConfiguration = { assignPublicIp = "ENABLED" }
    ephemeralStorage     = { sizeInGib = 200 }
  })
}
