"""Publishing to students: the student distribution, scanned for every secret before it is written
(dist, with the students' README and Makefile in student/), the course as a website with baked
widgets (site/), and the README's badges (badges)."""
