"""What a reader sees: HTML building blocks, fonts, charts, the report's sections and the yearly overview."""
