"""The citizen's side: channels, identity checks at the counter, impostors, one-stop, notices."""
