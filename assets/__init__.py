"""The icon and the desktop entry, installed with the package as narrator_app.assets."""
