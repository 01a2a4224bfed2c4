#!/bin/bash
# Runs before the ECS agent joins the cluster: the model cache on the instance's NVMe storage.
set -euo pipefail
mkdir -p /var/lib/models
echo "ECS_IMAGE_PULL_BEHAVIOR=prefer-cached" >> /etc/ecs/ecs.config
