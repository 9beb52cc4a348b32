"""Disclosure control: which computed cells may be published, and what an analyst could deduce."""
