resource "aws_batch_compute_environment" "spot" {
  name_prefix  = "batch-spot-"
  type         = "MANAGED"
  service_role = aws_iam_role.service.arn

  compute_resources {
    type                = "SPOT"
    allocation_strategy = "BEST_FIT"
    bid_percentage      = 60
    instance_type       = ["c5.large"]
    max_vcpus           = 16
    instance_role       = aws_iam_instance_profile.instance.arn
    spot_iam_fleet_role = aws_iam_role.fleet.arn
    subnets             = aws_subnet.private[*].id
    security_group_ids  = [aws_security_group.compute.id]
  }

  lifecycle {
    create_before_destroy = true
  }

  depends_on = [aws_iam_role_policy_attachment.service]
}
resource "aws_batch_compute_environment" "literal" {
  name_prefix  = "batch-literal-"
  type         = "MANAGED"
  service_role = aws_iam_role.service.arn

  compute_resources {
    type                = "SPOT"
    allocation_strategy = "BEST_FIT"
    bid_percentage      = 60
    instance_type       = ["c5.large"]
    max_vcpus           = 16
    instance_role       = aws_iam_instance_profile.instance.arn
    spot_iam_fleet_role = "arn:aws:iam::123456789012:role/AmazonEC2SpotFleetTaggingRole"
    subnets             = aws_subnet.private[*].id
    security_group_ids  = [aws_security_group.compute.id]
  }

  lifecycle {
    create_before_destroy = true
  }

  depends_on = [aws_iam_role_policy_attachment.service]
}

data "aws_iam_policy_document" "spotfleet_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["spotfleet.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "fleet" {
  name               = "batch-spot-fleet"
  assume_role_policy = data.aws_iam_policy_document.spotfleet_assume.json
}

resource "aws_iam_role_policy_attachment" "fleet" {
  role       = aws_iam_role.fleet.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AmazonEC2SpotFleetTaggingRole"
}
