import sys

from autograder.publishing.site.build import main

sys.exit(main())
