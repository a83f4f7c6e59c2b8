#!/usr/bin/env python
from paradesk.cli import main

if __name__ == "__main__":
    main()
