"""Paper: a PDF writer with an embedded CJK font, and lines wrapped to fit, for any room."""
