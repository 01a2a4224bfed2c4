"""The resource model the rules read."""
