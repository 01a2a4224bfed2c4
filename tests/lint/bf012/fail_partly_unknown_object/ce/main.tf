variable "compute_environments" {
  description = "Compute environments by key."
  type = map(object({
    name_prefix = optional(string)
    compute_resources = optional(object({
      type          = string
      max_vcpus     = number
      desired_vcpus = optional(number)
      min_vcpus     = optional(number, 0)
      subnets       = list(string)
    }))
  }))
}

resource "aws_batch_compute_environment" "this" {
  for_each = var.compute_environments

  name_prefix = "${each.value.name_prefix}-"
  type        = "MANAGED"

  dynamic "compute_resources" {
    for_each = each.value.compute_resources != null ? [each.value.compute_resources] : []

    content {
      type          = compute_resources.value.type
      max_vcpus     = compute_resources.value.max_vcpus
      min_vcpus     = compute_resources.value.min_vcpus
      desired_vcpus = try(compute_resources.value.desired_vcpus, null)
      subnets       = compute_resources.value.subnets
    }
  }

  lifecycle {
    create_before_destroy = true
  }
}
