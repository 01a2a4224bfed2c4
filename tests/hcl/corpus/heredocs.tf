locals {
  plain      = <<EOT
first ${var.name}
  $${literal} %%{literal}
EOT
  flush      = <<-EOT
    {
      "image": "${var.image}"
    }
    EOT
  directive  = <<EOT
%{for name in var.names~}
${name}
%{endfor~}
EOT
  quoted_ref = ["aws_iam_role.service"]
  escapes    = "tab\there \"quoted\" back\\slash \u00e9 \U0001F600"
}
