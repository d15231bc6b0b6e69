"""Console pages; importing a module registers its page."""
