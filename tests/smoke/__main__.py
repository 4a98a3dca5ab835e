import sys

from tests.smoke.run import main

sys.exit(main())
