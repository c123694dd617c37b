"""The small kit of Textual parts the apps share: the Footer, the palette, dialogs, plain text."""
