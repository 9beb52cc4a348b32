"""What every stage shares: the data contract's code sets, the shipped reference data, faults."""
