
resource "aws_vpc_endpoint" "interface" {
  for_each            = toset(["ecs", "ecs-agent", "ecs-telemetry"])
  vpc_id              = aws_vpc.this.id
  service_name        = "com.amazonaws.${data.aws_region.current.region}.${each.value}"
  vpc_endpoint_type   = "Interface"
  private_dns_enabled = true
  subnet_ids          = aws_subnet.private[*].id
}
