variable "settings" {
  type = object({
    name = string
    size = optional(number, 2)
  })
  default = { name = "x" }
}

resource "aws_instance" "this" {
  for_each = { for key, value in var.map : key => value if value != null }

  ami           = var.amis[each.key]
  instance_type = each.value.size > 4 ? "m5.xlarge" : "m5.large"
  tags          = merge(var.tags, { Name = "${var.name}-${each.key}" })
  user_data     = provider::terraform::encode_tfvars({ a = 1 })
}

output "ids" {
  value = aws_instance.this[*].id
}

output "all" {
  value = [for item in aws_instance.this : item.id]
}

output "joined" {
  value = (
    var.a
    && var.b
    || !var.c
  )
}

check "reachable" {
  assert {
    condition     = length(var.names) > 0
    error_message = "at least one name"
  }
}
