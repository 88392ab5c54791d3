"""`python -m narrator_app` does exactly what the `narrator-app` script does."""

import sys

from narrator_app.cli import main

sys.exit(main())
