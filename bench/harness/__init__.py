"""The pieces of `bench/run`: processes and cleanup, builds, the server, the workload,
the pty runner, the tools measured and the report. Standard library only."""
