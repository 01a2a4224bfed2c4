data "template_file" "props" {
  template = "{}"
}
