"""Terms & labels: the rule grid, terms versions, Local Contexts labels and their pictograms."""
