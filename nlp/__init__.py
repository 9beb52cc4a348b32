"""Free-text redaction and theming (see issue: free text). Not implemented yet."""
