"""Documents: the PDF copy of the file, the CSV ZIP export and response letters."""
