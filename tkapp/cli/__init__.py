"""Command line front end: argparse, never imports Qt."""
