"""Training code for the models in models/: one module per model, each with `build()`."""
