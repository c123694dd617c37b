"""`python -m headoffice` runs the same CLI as `headoffice`."""

from headoffice.cli import main

main()
