resource "aws_batch_compute_environment" "spot" {
  name_prefix  = "batch-spot-"
  type         = "MANAGED"
  service_role = aws_iam_role.service.arn

  compute_resources {
    type                = "SPOT"
    allocation_strategy = "spot_price_capacity_optimized"
    bid_percentage      = 60
    instance_type       = ["c5.large"]
    max_vcpus           = 16
    instance_role       = aws_iam_instance_profile.instance.arn

    subnets             = aws_subnet.private[*].id
    security_group_ids  = [aws_security_group.compute.id]
  }

  lifecycle {
    create_before_destroy = true
  }

  depends_on = [aws_iam_role_policy_attachment.service]
}
