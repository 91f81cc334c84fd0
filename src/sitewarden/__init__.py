"""sitewarden: watch a fleet of websites and CMS installations."""

__version__ = "0.1.0"
