"""Pure rules of loan collection: money, stages, outcomes, accounts; no I/O, no project imports."""
