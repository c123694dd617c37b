"""What supervisors see: the review queue, the numbers, the team's day, promises, exports."""
