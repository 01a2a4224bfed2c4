provider "aws" {
  region = "us-east-1"
}

resource "aws_vpc" "this" {
  cidr_block           = "10.0.0.0/16"
  enable_dns_support   = true
  enable_dns_hostnames = true
}

resource "aws_subnet" "private" {
  vpc_id     = aws_vpc.this.id
  cidr_block = "10.0.1.0/24"
}

resource "aws_security_group" "compute" {
  name   = "batch-compute"
  vpc_id = aws_vpc.this.id

  egress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

# Lint from source cannot follow a registry source: what the module makes is out of sight.
module "batch" {
  source  = "example-org/batch/aws"
  version = "1.0.0"

  name               = "batch"
  subnet_ids         = [aws_subnet.private.id]
  security_group_ids = [aws_security_group.compute.id]
}

# A trap in the stack itself: lint finds it from source and from the plan.
resource "aws_batch_job_definition" "this" {
  name = "batch-job"
  type = "container"

  container_properties = jsonencode({
    image   = "123456789012.dkr.ecr.us-east-1.amazonaws.com/app:1"
    command = ["run"]
    resourceRequirements = [
      { type = "VCPU", value = "2" },
      { type = "MEMORY", value = "2048" },
    ]
    environment = [{ name = "MODE", value = "" }]
  })
}
