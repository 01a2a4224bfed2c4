
resource "aws_batch_compute_environment" "f" {
  name_prefix = "f-"
  type        = "MANAGED"

  compute_resources {
    type               = "FARGATE"
    max_vcpus          = 16
    subnets            = aws_subnet.private[*].id
    security_group_ids = [aws_security_group.compute.id]
  }

  lifecycle {
    create_before_destroy = true
  }
}
