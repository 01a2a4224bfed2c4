"""What AWS Batch needs around it (IAM, network, job definitions, provider arguments), read off
the resource model; the rules ask these helpers and judge their answers."""
