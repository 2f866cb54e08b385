"""Verifying bundles and the Received area: the verify window, its pages, bundle widgets."""
