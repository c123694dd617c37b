"""The small kit of Textual parts the apps share: the translated Footer, the palette, dialogs."""
