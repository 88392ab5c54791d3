"""English written forms (numbers, money, dates, abbreviations...) turned into the words a reader says."""
