"""Training data of the guard's model (hand-written notes, see GUIDE.md)."""
