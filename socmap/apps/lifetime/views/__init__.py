"""Pages of lifetime management (thin: parse, call a service or selector, render)."""
