variable "queues" {
  description = "Queue names by priority."
  type        = map(object({ priority = number }))
  default     = { high = { priority = 10 } }
}

locals {
  names = [for name, queue in var.queues : "${name}-${queue.priority}"]
}

provider "aws" {
  alias  = "west"
  region = "us-west-2"
}

module "roles" {
  source = "./modules/roles"
  prefix = "batch"

  providers = {
    aws = aws.west
  }
}

moved {
  from = aws_batch_job_queue.old
  to   = aws_batch_job_queue.each
}

resource "aws_batch_job_queue" "each" {
  for_each = var.queues
  provider = aws.west
  name     = "batch-${each.key}"
  state    = "ENABLED"
  priority = each.value.priority

  dynamic "compute_environment_order" {
    for_each = [aws_batch_compute_environment.this.arn]
    iterator = ce

    content {
      order               = ce.key
      compute_environment = ce.value
    }
  }

  tags = { Names = join(",", local.names), Module = path.module, Workspace = terraform.workspace }

  lifecycle {
    ignore_changes = [tags.Names, compute_environment_order]

    postcondition {
      condition     = self.priority > 0
      error_message = "Queues need a priority."
    }
  }
}

resource "aws_batch_job_definition" "roles" {
  count = 1
  name  = "batch-roles-${count.index}"
  type  = "container"

  container_properties = jsonencode({
    image            = "123456789012.dkr.ecr.${data.aws_region.current.region}.amazonaws.com/app:1"
    command          = ["run"]
    jobRoleArn       = module.roles.job_role_arn
    executionRoleArn = module.roles[0].execution_role_arn
    resourceRequirements = [
      { type = "VCPU", value = "1" },
      { type = "MEMORY", value = "1024" },
    ]
  })
}

check "queues" {
  data "aws_batch_job_queue" "high" {
    name = "batch-high"
  }

  assert {
    condition     = data.aws_batch_job_queue.high.state == "ENABLED"
    error_message = "The high queue is not enabled."
  }
}
