"""Reference data shipped with procex (the LeiKa list; see LEIKA_SOURCE.md). No code."""
