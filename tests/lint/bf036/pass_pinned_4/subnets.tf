data "aws_subnet_ids" "private" {
  vpc_id = aws_vpc.this.id
}

