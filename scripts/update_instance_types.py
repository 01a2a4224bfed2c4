"""Regenerate generator/batchform/data/instance_types.json from moto's EC2 instance-type catalogue.

Source: moto (https://github.com/getmoto/moto), file moto/ec2/resources/instance_types.json.gz,
itself a dump of EC2 DescribeInstanceTypes. Kept per type: vCPUs, memory (MiB), the processor
architectures, GPU count, maker and memory, and whether it is a current-generation type. Run with
a Python that has moto installed:

    python scripts/update_instance_types.py [path/to/instance_types.json.gz]
"""

from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path
from typing import Any

TARGET = Path(__file__).resolve().parent.parent / "generator/batchform/data/instance_types.json"
FIELDS = (
    "VCpuInfo.DefaultVCpus, MemoryInfo.SizeInMiB, ProcessorInfo.SupportedArchitectures, "
    "GpuInfo.Gpus[].Count and .Manufacturer, GpuInfo.TotalGpuMemoryInMiB, CurrentGeneration"
)


def trimmed(entry: dict[str, Any]) -> dict[str, Any]:
    """The fields batchform uses of one DescribeInstanceTypes entry; GPU fields only when set."""
    out: dict[str, Any] = {
        "vcpus": entry["VCpuInfo"]["DefaultVCpus"],
        "memory_mib": entry["MemoryInfo"]["SizeInMiB"],
        "architectures": entry["ProcessorInfo"]["SupportedArchitectures"],
        "current_generation": entry.get("CurrentGeneration", False),
    }
    gpus = entry.get("GpuInfo", {}).get("Gpus", [])
    if gpus:
        out["gpus"] = sum(gpu["Count"] for gpu in gpus)
        out["gpu_vendor"] = gpus[0]["Manufacturer"]
        out["gpu_memory_mib"] = entry["GpuInfo"].get("TotalGpuMemoryInMiB", 0)
    return out


def main() -> None:
    """Read moto's catalogue and write the trimmed one."""
    if len(sys.argv) > 1:
        source = Path(sys.argv[1])
        version = "unknown"
    else:
        import moto

        source = Path(moto.__file__).parent / "ec2/resources/instance_types.json.gz"
        version = moto.__version__
    with gzip.open(source, "rt", encoding="utf-8") as stream:
        catalogue = json.load(stream)
    types = {name: trimmed(entry) for name, entry in sorted(catalogue.items())}
    document = {
        "source": f"moto {version}, moto/ec2/resources/instance_types.json.gz "
        f"(EC2 DescribeInstanceTypes: {FIELDS})",
        "generated_by": "scripts/update_instance_types.py",
        "instance_types": types,
    }
    # One type per line keeps diffs of a catalogue refresh readable.
    lines = [f"  {json.dumps(name)}: {json.dumps(entry)}" for name, entry in types.items()]
    header = json.dumps({key: document[key] for key in ("source", "generated_by")}, indent=1)
    text = header[:-2] + ',\n "instance_types": {\n' + ",\n".join(lines) + "\n }\n}\n"
    json.loads(text)
    TARGET.write_text(text, encoding="utf-8")
    print(f"wrote {len(types)} instance types to {TARGET}")


if __name__ == "__main__":
    main()
