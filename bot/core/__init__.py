"""The application core: every use case of oralblanc, free of any transport.

Doors (Telegram handlers in `bot.telegram`, the typer CLI in `bot.commands`, the web console in `bot.web`)
read a request, build the acting `Principal`, call one use case here, and render its answer or its
`Refused` in their own words. Each use case checks the principal's role (and ownership: a trainer
acts only on their own cohorts) itself, so no door can forget. The core reads and writes through
`storage.repository`; no door imports `storage` (`bot.services` wires the repository;
docs/architecture.md, checked by tests/test_architecture.py).

- `principal`      Principal (who acts: user id, roles), Refused (reason code + values), person lookup
- `outbox`         Outbox protocol and its notices (AssignmentMade, ScoreConfirmed, ScoreAmended,
                   RoleGranted); HeldOutbox, PrintedOutbox (the terminal's)
- `cohorts`        create (invite code), list_owned, members, one/find (by number or name), join, trains
- `assignments`    assign (members told), tell_open (a late joiner told), parse_due; a candidate's side:
                   modes_for (what they were assigned), entry (exam or practice, attempts left)
- `results`        cohort_results → by candidate, CSV, HTML
- `review`         proposed, reviewable, confirm, amend (the candidate told)
- `scripts`        upload / upload_file (lint, store), publish, script_to_try, list_uploads, live_catalog
- `transcripts`    sessions (a trainer's cohort, named / a script's, anonymous), read
- `trials`         a jury member trying a script outside Telegram: start_trial, trial, trial_turn, end_trial
- `roles`          grant, revoke (admins)
- `personal_data`  export, erase (one's own; an admin's, anyone's)
- `sign_in`        one-time links to the web console: issue_link, redeem, signed_in
- `operator`       run a use case from the terminal as its operator
- `sessions`       the names a door reads a rehearsal by: SessionView, SessionSummary, HeldNote,
                   HeldUpdate; NotFound, SessionClosed, DuplicateUpdate, CoreError; unavailable(error)
- `people`         a Telegram account's or a terminal user's person, by id; their language, voice replies
- `inbox`          Inbox: updates and voice notes held before they are handled (write-ahead)
- `coaching`       the practice hint (`/hint`) from where the director says the session stands
- the rehearsal itself (start, turn, resume, finish, the scorecard, and the reads around them: a
  session, the one in progress, a candidate's list, whether a report is released) is `bot.rehearsal`.
"""
