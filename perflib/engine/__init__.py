"""Running notebooks: papermill engines (cold and warm), kernels, the warm agent, and export to HTML."""
