import sys

from rnnlab.site.build import main

sys.exit(main())
