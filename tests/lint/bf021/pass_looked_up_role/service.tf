# A service role another stack made: its policies are not in this configuration.
data "aws_iam_role" "service" {
  name = "batch-service"
}
