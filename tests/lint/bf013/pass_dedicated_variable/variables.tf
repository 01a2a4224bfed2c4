# Only compute_resources.tags reads this: changing it is a change to the compute environment.
variable "compute_resource_tags" {
  type    = map(string)
  default = {}
}
