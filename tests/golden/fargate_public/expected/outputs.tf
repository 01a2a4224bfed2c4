output "vpc_id" {
  description = "The VPC compute runs in."
  value       = module.network.vpc_id
}

output "compute_environments" {
  description = "Compute environment ARNs by spec name."
  value = {
    fargate = module.compute_environment_fargate.arn
  }
}

output "job_queues" {
  description = "Job queue names by spec name: pass one to `aws batch submit-job --job-queue`."
  value = {
    reports = module.job_queue_reports.name
  }
}

output "job_definitions" {
  description = "Job definition names by spec name: pass one to `aws batch submit-job --job-definition`."
  value = {
    daily = module.job_definition_daily.name
  }
}

output "job_definition_arns" {
  description = "Job definition ARNs, with revision, by spec name."
  value = {
    daily = module.job_definition_daily.arn
  }
}
