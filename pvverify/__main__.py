import os
import sys

# the handlers first: no moment of the run is left to SIGINT/SIGTERM's default action
from pvverify.util.signals import Interrupted, install

install()
try:
    from pvverify.cli.main import entry
except Interrupted as e:  # stopped while importing
    os.write(2, f"pvverify: {e}: stopped\n".encode())
    sys.exit(e.code)

sys.exit(entry())
