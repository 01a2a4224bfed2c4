"""Regenerate generator/batchform/data/aws_api_constraints.json from botocore's service models.

Source: the botocore service models installed with batchform (batch, ec2, iam, logs, ssm,
secretsmanager), the API definitions the AWS SDKs are generated from. The Terraform argument ->
API member table is batchform.aws.api_members.MEMBERS; this script follows it into each
member's shape and keeps the enum, min/max and pattern found there. Run after a botocore
upgrade or a change of the table:

    python scripts/update_aws_constraints.py
"""

from __future__ import annotations

import json
from pathlib import Path

import botocore

from batchform.aws.api_members import constraints_from_models

TARGET = Path(__file__).resolve().parent.parent / "generator/batchform/data/aws_api_constraints.json"


def main() -> None:
    """Write the constraints, one per line so that a refresh reads as a small diff."""
    records = constraints_from_models()
    header = {
        "source": f"botocore {botocore.__version__} service models (data/<service>/<version>/"
        "service-2.json): enum, min, max and pattern of the API member each Terraform argument "
        "is sent as",
        "generated_by": "scripts/update_aws_constraints.py",
    }
    lines = [f"  {json.dumps(record)}" for record in records]
    text = json.dumps(header, indent=1)[:-2] + ',\n "constraints": [\n' + ",\n".join(lines)
    text += "\n ]\n}\n"
    json.loads(text)
    TARGET.write_text(text, encoding="utf-8")
    print(f"wrote {len(records)} constraints to {TARGET}")


if __name__ == "__main__":
    main()
