"""AWS facts: the boto3 clients, the service vocabulary, errors and response readers (no MCP imports)."""
