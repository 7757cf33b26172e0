import sys

from instructor.publishing.site.build import main

sys.exit(main())
