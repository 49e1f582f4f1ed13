"""``python -m kfpl.diff OLD NEW``: the diff command without the rest of the CLI
(handy as a git diff driver: ``git config diff.kfpl.command "python -m kfpl.diff"``)."""

from kfpl.diff.command import diff_command

if __name__ == "__main__":  # pragma: no cover
    diff_command(prog_name="kfpl diff")
