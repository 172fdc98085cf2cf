"""``python -m jobctl.sandbox``: the same as ``jobctl sandbox``, errors and signals included."""

import sys

from jobctl.__main__ import main

if __name__ == "__main__":
    main(["sandbox", *sys.argv[1:]])
