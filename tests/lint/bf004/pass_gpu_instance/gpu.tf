resource "aws_batch_compute_environment" "gpu" {
  name_prefix  = "batch-gpu-"
  type         = "MANAGED"
  service_role = aws_iam_role.service.arn

  compute_resources {
    type                = "EC2"
    allocation_strategy = "BEST_FIT_PROGRESSIVE"
    instance_type       = ["g4dn.xlarge", "g4dn.2xlarge"]
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
