"""TK Commons: community-held catalogues of traditional and biodiversity knowledge."""

__version__ = "0.1.0"
APP_ID = "org.tkcommons.TKCommons"
APP_NAME = "tkapp"
DISPLAY_NAME = "TK Commons"
