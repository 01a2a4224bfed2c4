output "vpc_id" {
  description = "The VPC compute runs in."
  value       = module.network.vpc_id
}

output "compute_environments" {
  description = "Compute environment ARNs by spec name."
  value = {
    fargate-spot = module.compute_environment_fargate-spot.arn
    fargate      = module.compute_environment_fargate.arn
  }
}

output "job_queues" {
  description = "Job queue names by spec name: pass one to `aws batch submit-job --job-queue`."
  value = {
    ingest = module.job_queue_ingest.name
  }
}

output "job_definitions" {
  description = "Job definition names by spec name: pass one to `aws batch submit-job --job-definition`."
  value = {
    pull = module.job_definition_pull.name
  }
}

output "job_definition_arns" {
  description = "Job definition ARNs, with revision, by spec name."
  value = {
    pull = module.job_definition_pull.arn
  }
}
