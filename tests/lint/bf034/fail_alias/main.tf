resource "aws_launch_template" "batch" {
  name_prefix = "batch-"
  user_data   = base64encode("#!/bin/bash\necho ECS_ENABLE_SPOT_INSTANCE_DRAINING=true >> /etc/ecs/ecs.config\n")
}

resource "aws_batch_compute_environment" "latest" {
  name_prefix  = "batch-latest-"
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
      launch_template_id = aws_launch_template.batch.id
      version            = "$Latest"
    }
  }

  lifecycle {
    create_before_destroy = true
  }

  depends_on = [aws_iam_role_policy_attachment.service]
}
resource "aws_batch_compute_environment" "default" {
  name_prefix  = "batch-default-"
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
      launch_template_name = aws_launch_template.batch.name
      version              = "$Default"
    }
  }

  lifecycle {
    create_before_destroy = true
  }

  depends_on = [aws_iam_role_policy_attachment.service]
}
resource "aws_batch_compute_environment" "none" {
  name_prefix  = "batch-none-"
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
      launch_template_id = aws_launch_template.batch.id
    }
  }

  lifecycle {
    create_before_destroy = true
  }

  depends_on = [aws_iam_role_policy_attachment.service]
}
