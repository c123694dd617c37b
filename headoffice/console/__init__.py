"""The supervisors' console: a Textual app over the supervisor API, in a terminal or a browser."""
