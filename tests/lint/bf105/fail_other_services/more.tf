resource "aws_security_group" "jobs" {
  name_prefix = "sg-batch-"
  description = "Batch jobs"
  vpc_id      = aws_vpc.this.id
}

resource "aws_iam_role" "long" {
  name               = "a-role-name-that-is-much-longer-than-the-sixty-four-characters-iam-allows"
  assume_role_policy = data.aws_iam_policy_document.ec2_assume.json
}

resource "aws_cloudwatch_log_group" "both" {
  name        = "/aws/batch/job"
  name_prefix = "/aws/batch/"
}

resource "aws_flow_log" "vpc" {
  vpc_id                   = aws_vpc.this.id
  traffic_type             = "EVERYTHING"
  log_destination          = aws_cloudwatch_log_group.both.arn
  max_aggregation_interval = 300
}
