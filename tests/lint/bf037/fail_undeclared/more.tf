locals {
  prefix = "batch-${var.enviroment}"
}

module "roles" {
  source = "./modules/roles"
  prefix = local.prefx
}

resource "aws_batch_job_queue" "typo" {
  name     = "${local.prefix}-queue"
  state    = "ENABLED"
  priority = 1

  compute_environment_order {
    order               = 1
    compute_environment = aws_batch_compute_environment.ths.arn
  }
}

resource "aws_batch_job_definition" "typo" {
  name = "batch-typo"
  type = "container"

  container_properties = jsonencode({
    image            = "123456789012.dkr.ecr.${data.aws_regin.current.region}.amazonaws.com/app:1"
    command          = ["run"]
    jobRoleArn       = module.roles.job_role
    executionRoleArn = module.role.execution_role_arn
    resourceRequirements = [
      { type = "VCPU", value = "1" },
      { type = "MEMORY", value = "1024" },
    ]
  })
}
