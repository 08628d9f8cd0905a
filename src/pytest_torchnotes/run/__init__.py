"""Running a note: its examples evaluated in order, isolated from every other note."""
