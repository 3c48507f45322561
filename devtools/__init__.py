"""Developer tooling (not shipped in the wheel): the docs-example and tool-schema generators."""
