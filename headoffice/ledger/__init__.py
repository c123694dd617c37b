"""What an account owes and what reached it: instalments judged against payments, in SQL."""
