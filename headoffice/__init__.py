"""Head office: the server supervisors run, and their command-line tools."""
