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
    spot = module.compute_environment_spot.arn
    mpi  = module.compute_environment_mpi.arn
  }
}

output "job_queues" {
  description = "Job queue names by spec name: pass one to `aws batch submit-job --job-queue`."
  value = {
    spot = module.job_queue_spot.name
    mpi  = module.job_queue_mpi.name
  }
}

output "job_definitions" {
  description = "Job definition names by spec name: pass one to `aws batch submit-job --job-definition`."
  value = {
    sweep    = module.job_definition_sweep.name
    simulate = module.job_definition_simulate.name
  }
}

output "job_definition_arns" {
  description = "Job definition ARNs, with revision, by spec name."
  value = {
    sweep    = module.job_definition_sweep.arn
    simulate = module.job_definition_simulate.arn
  }
}
