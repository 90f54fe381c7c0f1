"""The one runner of long background jobs (inventory syncs, number orders, pool imports, E911
jobs and reconciles, trunk pushes and CDR pulls): one model shape with one set of states,
one attempt counter, one retry policy, and one lifecycle that never holds a transaction
across an outside call. See `models.Job` and `runner.JobRunner`."""
