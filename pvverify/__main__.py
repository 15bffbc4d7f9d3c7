import sys

from pvverify.cli import run

sys.exit(run())
