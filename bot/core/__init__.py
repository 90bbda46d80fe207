"""The application core: every use case of oralblanc, free of any transport.

Doors (Telegram handlers in `bot.telegram`, the typer CLI in `bot.commands`, the web console in `bot.web`)
read a request, build the acting `Principal`, call one use case here, and render its answer or its
`Refused` in their own words. Each use case checks the principal's role (and ownership: a trainer
acts only on their own cohorts) itself, so no door can forget. The core reads and writes through
`storage.repository`; no door imports `storage`.

- `principal`      Principal (who acts: user id, roles), Refused (reason code + values), person lookup
- `outbox`         Outbox protocol and its notices (AssignmentMade, ScoreConfirmed, ScoreAmended,
                   RoleGranted); HeldOutbox, PrintedOutbox (the terminal's)
- `cohorts`        create (invite code), list_owned, members, one/find (by number or name), join, trains
- `assignments`    assign (members told), tell_open (a late joiner told), parse_due
- `results`        cohort_results → by candidate, CSV, HTML
- `review`         proposed, reviewable, confirm, amend (the candidate told)
- `scripts`        upload / upload_file (lint, store), publish, script_to_try, list_uploads, live_catalog
- `transcripts`    sessions (a trainer's cohort, named / a script's, anonymous), read
- `trials`         a jury member trying a script outside Telegram: start_trial, trial, trial_turn, end_trial
- `roles`          grant, revoke (admins)
- `personal_data`  export, erase (one's own; an admin's, anyone's)
- `sign_in`        one-time links to the web console: issue_link, redeem, signed_in
- `operator`       run a use case from the terminal as its operator
- the rehearsal itself (start, turn, finish) is `bot.rehearsal`.
"""
