"""Side-by-side benchmarks: ours and the named competitors, measured in one process run."""
