# A first AWS Batch setup as it is often written: the traps are left in on purpose.

locals {
  job_definition = {
    command = ["echo", "hello world"],
    image   = "alpine:latest",
    memory  = 1024,
    vcpus   = 1,
    "jobRoleArn" : aws_iam_role.job_definition.arn,
  }
}

resource "aws_iam_role" "job_definition" {
  name               = "aws-batch-job-role-${var.batch_name}"
  assume_role_policy = data.aws_iam_policy_document.assume_to_aws_batch.json
}

data "aws_iam_policy_document" "assume_to_aws_batch" {
  statement {
    effect  = "Allow"
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ecs-tasks.amazonaws.com"]
    }
  }
}

resource "aws_batch_job_definition" "job_definition" {
  name                 = "aws-batch-job-definition"
  type                 = "container"
  container_properties = data.template_file.job-definition.rendered
}

data "template_file" "job-definition" {
  template = jsonencode(local.job_definition)
}

resource "aws_batch_compute_environment" "aws-batch-computing-environment" {
  compute_environment_name = "aws-batch-compute-env"
  service_role             = aws_iam_role.aws-batch-service-role.arn
  type                     = "MANAGED"
  state                    = "ENABLED"

  compute_resources {
    allocation_strategy = "BEST_FIT"
    instance_role       = aws_iam_role.aws-batch-instance-role.arn
    instance_type       = ["c4.large"]
    max_vcpus           = 256
    min_vcpus           = 0
    security_group_ids  = [aws_security_group.aws_batch.id]
    subnets             = aws_subnet.private[*].id
    type                = "EC2"
  }

  depends_on = [aws_iam_role.aws-batch-service-role]
}

resource "aws_iam_role" "aws-batch-instance-role" {
  name                  = "${var.name}-aws-batch-instance-role"
  force_detach_policies = true
  assume_role_policy    = data.aws_iam_policy_document.instance-assume-role.json
}

resource "aws_iam_role_policy_attachment" "aws-batch-instance-role" {
  role       = aws_iam_role.aws-batch-instance-role.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role"
}

resource "aws_iam_instance_profile" "aws-batch-instance-role" {
  name = "${var.name}-aws-batch-instance-profile"
  role = aws_iam_role.aws-batch-instance-role.name
}

data "aws_iam_policy_document" "instance-assume-role" {
  statement {
    actions = ["sts:AssumeRole"]
    effect  = "Allow"
    principals {
      type        = "Service"
      identifiers = ["ec2.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "aws-batch-service-role" {
  name                  = "${var.name}-aws-batch-service-role"
  force_detach_policies = true
  assume_role_policy    = data.aws_iam_policy_document.service-assume-role.json
}

resource "aws_iam_role_policy_attachment" "aws-batch-service-role" {
  role       = aws_iam_role.aws-batch-service-role.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AWSBatchServiceRole"
}

data "aws_iam_policy_document" "service-assume-role" {
  statement {
    actions = ["sts:AssumeRole"]
    effect  = "Allow"
    principals {
      type        = "Service"
      identifiers = ["batch.amazonaws.com"]
    }
  }
}

resource "aws_batch_job_queue" "this" {
  name                 = var.queue_name
  state                = "ENABLED"
  priority             = 1
  compute_environments = [aws_batch_compute_environment.aws-batch-computing-environment.arn]
}
