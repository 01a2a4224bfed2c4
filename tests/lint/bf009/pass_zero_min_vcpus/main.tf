# The provider sends none of these zeros or empty strings for a Fargate compute environment.
resource "aws_vpc" "this" {
  cidr_block           = "10.1.0.0/16"
  enable_dns_support   = true
  enable_dns_hostnames = true
}

resource "aws_subnet" "public" {
  vpc_id     = aws_vpc.this.id
  cidr_block = "10.1.0.0/24"
}

resource "aws_internet_gateway" "this" {
  vpc_id = aws_vpc.this.id
}

resource "aws_route_table" "public" {
  vpc_id = aws_vpc.this.id
}

resource "aws_route" "internet" {
  route_table_id         = aws_route_table.public.id
  destination_cidr_block = "0.0.0.0/0"
  gateway_id             = aws_internet_gateway.this.id
}

resource "aws_route_table_association" "public" {
  subnet_id      = aws_subnet.public.id
  route_table_id = aws_route_table.public.id
}

resource "aws_security_group" "compute" {
  name   = "fargate"
  vpc_id = aws_vpc.this.id
}

resource "aws_vpc_security_group_egress_rule" "https" {
  security_group_id = aws_security_group.compute.id
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = "0.0.0.0/0"
}

data "aws_iam_policy_document" "tasks_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ecs-tasks.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "execution" {
  name               = "fargate-execution"
  assume_role_policy = data.aws_iam_policy_document.tasks_assume.json
}

resource "aws_batch_compute_environment" "this" {
  name_prefix = "fargate-"
  type        = "MANAGED"

  compute_resources {
    type               = "FARGATE"
    max_vcpus          = 16
    instance_role      = ""
    min_vcpus          = 0
    subnets            = [aws_subnet.public.id]
    security_group_ids = [aws_security_group.compute.id]
  }

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_batch_job_queue" "this" {
  name     = "fargate-queue"
  state    = "ENABLED"
  priority = 1

  compute_environment_order {
    order               = 1
    compute_environment = aws_batch_compute_environment.this.arn
  }
}

resource "aws_batch_job_definition" "this" {
  name                  = "fargate-job"
  type                  = "container"
  platform_capabilities = ["FARGATE"]

  container_properties = jsonencode({
    image            = "public.ecr.aws/docker/library/alpine:3.20"
    command          = ["echo", "hi"]
    executionRoleArn = aws_iam_role.execution.arn
    resourceRequirements = [
      { type = "VCPU", value = "0.5" },
      { type = "MEMORY", value = "1024" },
    ]
    networkConfiguration = { assignPublicIp = "ENABLED" }
  })
}
