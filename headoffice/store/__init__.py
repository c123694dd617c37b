"""Head office's database: tables, opening, versioned migrations."""
