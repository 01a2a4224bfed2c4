terraform {
  required_providers {
    aws = { source = "hashicorp/aws" }
  }
}
variable "x" {
  type = object({
    a = optional(string, "d")
    b = optional(number)
  })
}
locals {
  s    = "a\u00e9\U0001F600 $${lit} %%{lit} \"q\" \\ \n\t"
  t    = "pre ${var.x.a} %{if true}yes%{else}no%{endif} %{for i in [1]}${i}%{endfor}"
  h    = <<EOT
line ${local.s}
  $${not}
EOT
  h2   = <<-EOT
    indented
      more
    EOT
  f    = [for k, v in var.m : "${k}=${v}" if v != null]
  g    = { for k, v in var.m : k => v... }
  sp   = aws_instance.x[*].id
  sp2  = aws_instance.x.*.id
  idx  = local.list[0].name
  idx2 = local.list.0
  p    = provider::aws::arn_parse("arn:aws:iam::123:role/x")
  c    = var.a ? 1 : 2
  l = (var.a
    && var.b
  )
  cmp = (1
    < 2
  )
  ar = (1
    + 2 * 3
  )
  tern = (var.a
    ? 1
    : 2
  )
  neg    = -1
  not    = !true
  expand = max(local.list...)
  paren  = (1 + 2)
  flt    = 1.5e3
  nul    = null
  obj    = { "quoted" = 1, bare = 2, (local.k) = 3 }
}
moved {
  from = aws_instance.a
  to   = aws_instance.b
}
import {
  to = aws_instance.b
  id = "i-123"
}
removed {
  from = aws_instance.c
  lifecycle {
    destroy = false
  }
}
check "health" {
  assert {
    condition     = true
    error_message = "x"
  }
}
resource "aws_iam_role_policy_attachment" "x" {
  depends_on = ["aws_iam_role.y"]
  role       = aws_iam_role.y.name
}
