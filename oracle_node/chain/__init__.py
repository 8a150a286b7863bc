"""Chain side of the node: ABIs and error decoding, contract wrappers, listener, submitter."""
