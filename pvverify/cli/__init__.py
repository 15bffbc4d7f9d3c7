"""The command line: `pvverify check`, `prove` and `gate` (`main`), the gate's command
(`gate`), exit codes and the shared parser (`exits`), the man page (`manpage`)."""

from pvverify.cli.main import run

__all__ = ["run"]
