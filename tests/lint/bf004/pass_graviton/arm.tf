resource "aws_batch_compute_environment" "graviton" {
  name_prefix  = "batch-graviton-"
  type         = "MANAGED"
  service_role = aws_iam_role.service.arn

  compute_resources {
    type                = "EC2"
    allocation_strategy = "BEST_FIT_PROGRESSIVE"
    instance_type       = ["m7g"]
    min_vcpus           = 0
    max_vcpus           = 64
    instance_role       = aws_iam_instance_profile.instance.arn
    subnets             = aws_subnet.private[*].id
    security_group_ids  = [aws_security_group.compute.id]
  }

  lifecycle {
    create_before_destroy = true
  }

  depends_on = [aws_iam_role_policy_attachment.service]
}
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
resource "aws_batch_job_definition" "multi" {
  name = "batch-multi"
  type = "container"

  container_properties = jsonencode({
    image   = "123456789012.dkr.ecr.us-east-1.amazonaws.com/app:1.4"
    command = ["run"]
    resourceRequirements = [
      { type = "VCPU", value = "2" },
      { type = "MEMORY", value = "2048" },
    ]
  })
}
