variable "container_properties" {
  description = "The job's ContainerProperties as JSON text."
  type        = string
}
