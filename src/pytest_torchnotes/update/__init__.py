"""Writing new expected output into notes without touching anything else."""
