"""``python -m promptkit``: the same entry point as the ``promptkit`` console script."""

from promptkit.cli import main

if __name__ == "__main__":
    main()
