data "aws_ssm_parameter" "ecs_ami" {
  name = "/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id"
}

resource "aws_launch_template" "ecs" {
  name_prefix = "batch-"
  image_id    = data.aws_ssm_parameter.ecs_ami.value
}

resource "aws_batch_compute_environment" "ecs" {
  name_prefix  = "batch-ecs-"
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
      launch_template_id = aws_launch_template.ecs.id
      version            = aws_launch_template.ecs.latest_version
    }
  }

  lifecycle {
    create_before_destroy = true
  }

  depends_on = [aws_iam_role_policy_attachment.service]
}
