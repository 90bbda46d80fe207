"""The Telegram transport: candidates rehearse on their phone (python-telegram-bot 22).

- `app`: builds the Application (settings → Bot API address, processor, flood control, handlers) and
  runs it by long polling or webhook; `runtime`: what handlers share (services, speech, options);
- `handlers` (registration, guard, bad input, errors), `chat_commands`, `lines` (text and voice
  turns), `buttons`: the thin handlers; `sessions`: the rehearsal as Telegram plays it;
  `scorecards`: scoring and reports (the hint of /hint is the core's: `bot.core.coaching`);
- `processor`: one chat's updates in order, chats concurrently; `flood`: Telegram's rate limits and
  429s; `sending`: 4096-character splitting and the "typing…" indicator; `voice`: speech providers;
- `texts`, `views`, `keyboards`: what the user reads, in French and English, and the buttons.
"""
