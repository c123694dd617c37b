"""What supervisors do: portfolio and payments in, people and routes out, content published."""
