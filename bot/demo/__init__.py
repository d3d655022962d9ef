"""Demo data: the library's branches and hours (knowledge/library/), a curated
catalogue of real books, demo readers, spaces and events, and a generator of large
synthetic catalogues for benchmarks."""
