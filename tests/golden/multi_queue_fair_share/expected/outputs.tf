output "vpc_id" {
  description = "The VPC compute runs in."
  value       = module.network.vpc_id
}

output "compute_environments" {
  description = "Compute environment ARNs by spec name."
  value = {
    spot     = module.compute_environment_spot.arn
    ondemand = module.compute_environment_ondemand.arn
    fargate  = module.compute_environment_fargate.arn
  }
}

output "job_queues" {
  description = "Job queue names by spec name: pass one to `aws batch submit-job --job-queue`."
  value = {
    shared = module.job_queue_shared.name
    light  = module.job_queue_light.name
  }
}

output "job_definitions" {
  description = "Job definition names by spec name: pass one to `aws batch submit-job --job-definition`."
  value = {
    align  = module.job_definition_align.name
    notify = module.job_definition_notify.name
  }
}

output "job_definition_arns" {
  description = "Job definition ARNs, with revision, by spec name."
  value = {
    align  = module.job_definition_align.arn
    notify = module.job_definition_notify.arn
  }
}
