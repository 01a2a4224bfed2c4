resource "aws_batch_compute_environment" "this" {
  name_prefix  = "batch-ec2-"
  type         = "MANAGED"
  service_role = aws_iam_role.service.arn

  compute_resources {
    type                = "EC2"
    allocation_strategy = "BEST_FIT_PROGRESSIVE"
    instance_type       = ["c5.large", "c5.xlarge"]
    min_vcpus           = 0
    max_vcpus           = 64
    instance_role       = aws_iam_instance_profile.instance.arn
    subnets             = aws_subnet.private[*].id
    security_group_ids  = [aws_security_group.compute.id]
  }

  depends_on = [aws_iam_role_policy_attachment.service]
}

resource "aws_batch_job_queue" "this" {
  name     = "batch-queue"
  state    = "ENABLED"
  priority = 1

  compute_environment_order {
    order = 1
    # The `resource.` prefix Terraform accepts before a managed resource type.
    compute_environment = resource.aws_batch_compute_environment.this.arn
  }
}

resource "aws_batch_job_definition" "this" {
  name = "batch-job"
  type = "container"

  container_properties = jsonencode({
    image   = "123456789012.dkr.ecr.us-east-1.amazonaws.com/app:1"
    command = ["run"]
    resourceRequirements = [
      { type = "VCPU", value = "2" },
      { type = "MEMORY", value = "2048" },
    ]
    environment = [{ name = "MODE", value = "batch" }]
  })
}
