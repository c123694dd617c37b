"""`python -m fieldapp` runs the same CLI as `fieldapp`."""

from fieldapp.cli import main

main()
