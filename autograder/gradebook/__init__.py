"""The class's one record: who should hand in (roster), each student's row of a grading run (rows),
the final score derived from nbgrader's gradebook whenever it is shown (scores), the reports
written from them (report), and the cells the gradebook holds of each set (cells). Grading
writes it; hand grading, due dates, the LMS files and the export read it."""
