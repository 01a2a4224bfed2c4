variable "command" {
  type = list(string)
}
