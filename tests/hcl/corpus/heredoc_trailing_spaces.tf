locals {
  trailing = <<EOT
text
EOT   
}
