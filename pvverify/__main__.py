import sys

from pvverify.cli import main

sys.exit(main())
