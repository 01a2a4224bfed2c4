
resource "aws_batch_compute_environment" "b" {
  name_prefix = "b-"
  type        = "MANAGED"

  compute_resources {
    type               = "EC2"
    max_vcpus          = 16
    subnets            = aws_subnet.private[*].id
    security_group_ids = [aws_security_group.compute.id]
  }

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_batch_compute_environment" "c" {
  name_prefix = "c-"
  type        = "MANAGED"

  compute_resources {
    type                = "SPOT"
    allocation_strategy = "SPOT_PRICE_CAPACITY_OPTIMIZED"
    max_vcpus           = 16
    subnets             = aws_subnet.private[*].id
    security_group_ids  = [aws_security_group.compute.id]
  }

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_batch_compute_environment" "d" {
  name_prefix = "d-"
  type        = "MANAGED"

  compute_resources {
    type                = "SPOT"
    allocation_strategy = "SPOT_PRICE_CAPACITY_OPTIMIZED"
    max_vcpus           = 16
    subnets             = aws_subnet.private[*].id
    security_group_ids  = [aws_security_group.compute.id]
  }

  lifecycle {
    create_before_destroy = true
  }
}
