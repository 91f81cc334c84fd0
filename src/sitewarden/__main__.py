"""`python -m sitewarden` runs the command line."""

from sitewarden.cli import main

main()
