"""What every part of procex shares: the exception family, atomic file writes, version shims."""
