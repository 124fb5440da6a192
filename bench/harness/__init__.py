"""The benchmark harness behind bench/run: peers, workloads, measurement and reports."""
