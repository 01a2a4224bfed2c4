resource "aws_efs_file_system" "data" {
  encrypted = true
}

resource "aws_security_group" "efs" {
  name   = "batch-efs"
  vpc_id = aws_vpc.this.id
}

resource "aws_vpc_security_group_ingress_rule" "nfs" {
  security_group_id            = aws_security_group.efs.id
  referenced_security_group_id = aws_security_group.compute.id
  ip_protocol                  = "tcp"
  from_port                    = 2049
  to_port                      = 2049
}

resource "aws_efs_mount_target" "data" {
  count           = 2
  file_system_id  = aws_efs_file_system.data.id
  subnet_id       = aws_subnet.private[count.index].id
  security_groups = [aws_security_group.efs.id]
}

resource "aws_batch_job_definition" "efs" {
  name = "batch-efs"
  type = "container"

  container_properties = jsonencode({
    image   = "123456789012.dkr.ecr.us-east-1.amazonaws.com/app:1"
    command = ["run"]
    resourceRequirements = [
      { type = "VCPU", value = "1" },
      { type = "MEMORY", value = "1024" },
    ]
    volumes = [{
      name = "data"
      efsVolumeConfiguration = {
        fileSystemId      = aws_efs_file_system.data.id
        transitEncryption = "ENABLED"
      }
    }]
    mountPoints = [{ sourceVolume = "data", containerPath = "/data" }]
  })
}

resource "aws_security_group_rule" "nfs_elsewhere" {
  type              = "egress"
  security_group_id = aws_security_group.compute.id
  protocol          = "tcp"
  from_port         = 2049
  to_port           = 2049
  cidr_blocks       = ["10.9.0.0/16"]
}
