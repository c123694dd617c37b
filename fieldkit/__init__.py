"""The small kit of Textual parts both apps use: the translated Footer, palette, form dialogs."""
