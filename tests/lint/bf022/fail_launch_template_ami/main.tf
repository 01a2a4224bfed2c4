resource "aws_launch_template" "custom" {
  name_prefix = "batch-"
  image_id    = "ami-0123456789abcdef0"
}

resource "aws_batch_compute_environment" "custom" {
  name_prefix  = "batch-custom-"
  type         = "MANAGED"
  service_role = aws_iam_role.service.arn

  compute_resources {
    type                = "EC2"
    allocation_strategy = "BEST_FIT_PROGRESSIVE"
    instance_type       = ["c5.large"]
    max_vcpus           = 16
    instance_role       = aws_iam_instance_profile.instance.arn
    subnets             = aws_subnet.private[*].id
    security_group_ids  = [aws_security_group.compute.id]

    launch_template {
      launch_template_id = aws_launch_template.custom.id
      version            = aws_launch_template.custom.latest_version
    }
  }

  lifecycle {
    create_before_destroy = true
  }

  depends_on = [aws_iam_role_policy_attachment.service]
}
