
resource "aws_security_group_rule" "s3" {
  type              = "egress"
  security_group_id = aws_security_group.compute.id
  from_port         = 443
  to_port           = 443
  protocol          = "tcp"
  prefix_list_ids   = [aws_vpc_endpoint.s3.prefix_list_id]
}
