"""The collector's Textual app: screens for places, widgets for parts."""
