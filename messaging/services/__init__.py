"""The messaging app's writes, one module per feature; import from the module itself."""
