resource "aws_batch_compute_environment" "al2023" {
  name_prefix  = "batch-al2023-"
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

    ec2_configuration {
      image_type = "ECS_AL2023"
    }

    ec2_configuration {
      image_type = "ECS_AL2023_NVIDIA"
    }
  }

  lifecycle {
    create_before_destroy = true
  }

  depends_on = [aws_iam_role_policy_attachment.service]
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

    ec2_configuration {
      image_type        = "ECS_AL2"
      image_id_override = "ami-0123456789abcdef0"
    }

    ec2_configuration {
      image_type        = "ECS_AL2_NVIDIA"
      image_id_override = "ami-0123456789abcdef1"
    }
  }

  lifecycle {
    create_before_destroy = true
  }

  depends_on = [aws_iam_role_policy_attachment.service]
}
