output "vpc_id" {
  description = "The VPC compute runs in."
  value       = module.network.vpc_id
}

output "compute_environments" {
  description = "Compute environment ARNs by spec name."
  value = {
    ondemand = module.compute_environment_ondemand.arn
  }
}

output "job_queues" {
  description = "Job queue names by spec name: pass one to `aws batch submit-job --job-queue`."
  value = {
    etl = module.job_queue_etl.name
  }
}

output "job_definitions" {
  description = "Job definition names by spec name: pass one to `aws batch submit-job --job-definition`."
  value = {
    transform = module.job_definition_transform.name
  }
}

output "job_definition_arns" {
  description = "Job definition ARNs, with revision, by spec name."
  value = {
    transform = module.job_definition_transform.arn
  }
}
