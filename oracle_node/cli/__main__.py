import sys

from oracle_node.cli import main

sys.exit(main())
