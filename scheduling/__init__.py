"""The moving parts in time: the clock, the durable reminder dispatcher and the daily-post jobs."""
