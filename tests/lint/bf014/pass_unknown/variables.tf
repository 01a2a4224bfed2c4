variable "suffix" {
  type = string
}
