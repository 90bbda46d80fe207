"""Past one machine: a webhook ingress, a PostgreSQL job queue (procrastinate) and any number of workers.

- `jobs`: the procrastinate app on the bot's own PostgreSQL database, its tasks (one job per Telegram
  update, locked per chat; the exam clock as a periodic job), the schema set-up.
- `ingress`: `oralblanc bot --queue`: the webhook receiver (secret checked, update held in the inbox,
  one job deferred), nothing else.
- `worker`: `oralblanc worker`: the same PTB handlers on every job's update, stalled jobs retried.
- `handoff`: speech-to-text and scoring as jobs on the `speech` and `scoring` queues, for workers
  that do not take those queues (the update's job waits for the result, in its chat's turn).
- `limiter`: the Bot API's limits as token buckets in PostgreSQL, shared by every worker.
- `metrics`: `/healthz` and a Prometheus `/metrics` on the ingress and the workers.

The embedded default (long polling, SQLite, one process: `bot.telegram.app.run_bot`) does not use
this package.
"""
