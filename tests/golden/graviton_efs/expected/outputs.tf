output "vpc_id" {
  description = "The VPC compute runs in."
  value       = module.network.vpc_id
}

output "compute_security_group_ids" {
  description = "Security groups of compute: the EFS mount targets must allow NFS (TCP 2049) in from them."
  value       = module.network.security_group_ids
}

output "compute_environments" {
  description = "Compute environment ARNs by spec name."
  value = {
    graviton = module.compute_environment_graviton.arn
    fargate  = module.compute_environment_fargate.arn
  }
}

output "job_queues" {
  description = "Job queue names by spec name: pass one to `aws batch submit-job --job-queue`."
  value = {
    graviton = module.job_queue_graviton.name
    fargate  = module.job_queue_fargate.name
  }
}

output "job_definitions" {
  description = "Job definition names by spec name: pass one to `aws batch submit-job --job-definition`."
  value = {
    index  = module.job_definition_index.name
    report = module.job_definition_report.name
  }
}

output "job_definition_arns" {
  description = "Job definition ARNs, with revision, by spec name."
  value = {
    index  = module.job_definition_index.arn
    report = module.job_definition_report.arn
  }
}
