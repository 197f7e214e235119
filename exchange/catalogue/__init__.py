"""The service catalogue: catalogue.csv, the LeiKa list, suggest, and the council report."""
