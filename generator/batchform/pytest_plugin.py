"""pytest plugin: lifecycle fixtures and golden plans for Terraform stacks, in users' own tests."""

from __future__ import annotations
