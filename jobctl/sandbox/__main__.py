"""``python -m jobctl.sandbox``: the same as ``jobctl sandbox``."""

from jobctl.sandbox.command import sandbox

if __name__ == "__main__":
    sandbox(prog_name="python -m jobctl.sandbox")
