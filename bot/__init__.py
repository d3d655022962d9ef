"""The library assistant's own code: settings, model training, the process launcher."""
