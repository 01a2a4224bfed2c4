output "vpc_id" {
  description = "The VPC compute runs in."
  value       = module.network.vpc_id
}

output "compute_environments" {
  description = "Compute environment ARNs by spec name."
  value = {
    gpu = module.compute_environment_gpu.arn
    cpu = module.compute_environment_cpu.arn
  }
}

output "job_queues" {
  description = "Job queue names by spec name: pass one to `aws batch submit-job --job-queue`."
  value = {
    gpu = module.job_queue_gpu.name
    cpu = module.job_queue_cpu.name
  }
}

output "job_definitions" {
  description = "Job definition names by spec name: pass one to `aws batch submit-job --job-definition`."
  value = {
    train   = module.job_definition_train.name
    prepare = module.job_definition_prepare.name
  }
}

output "job_definition_arns" {
  description = "Job definition ARNs, with revision, by spec name."
  value = {
    train   = module.job_definition_train.arn
    prepare = module.job_definition_prepare.arn
  }
}
