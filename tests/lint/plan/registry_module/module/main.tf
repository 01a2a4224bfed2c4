variable "name" {
  description = "Prefix of every name."
  type        = string
}

variable "subnet_ids" {
  description = "Subnets of the compute environment."
  type        = list(string)
}

variable "security_group_ids" {
  description = "Security groups of the compute environment."
  type        = list(string)
}

data "aws_iam_policy_document" "ec2_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ec2.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "instance" {
  name               = "${var.name}-instance"
  assume_role_policy = data.aws_iam_policy_document.ec2_assume.json
}

resource "aws_iam_role_policy_attachment" "instance" {
  role       = aws_iam_role.instance.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role"
}

# The trap behind the registry source: a role ARN where an instance profile ARN belongs.
resource "aws_batch_compute_environment" "this" {
  name_prefix = "${var.name}-"
  type        = "MANAGED"

  compute_resources {
    type                = "EC2"
    allocation_strategy = "BEST_FIT_PROGRESSIVE"
    instance_type       = ["c5.large"]
    max_vcpus           = 16
    instance_role       = aws_iam_role.instance.arn
    subnets             = var.subnet_ids
    security_group_ids  = var.security_group_ids
  }

  lifecycle {
    create_before_destroy = true
  }

  depends_on = [aws_iam_role_policy_attachment.instance]
}

resource "aws_batch_job_queue" "this" {
  name     = "${var.name}-queue"
  state    = "ENABLED"
  priority = 1

  compute_environment_order {
    order               = 1
    compute_environment = aws_batch_compute_environment.this.arn
  }
}

output "queue_arn" {
  description = "ARN of the job queue."
  value       = aws_batch_job_queue.this.arn
}
